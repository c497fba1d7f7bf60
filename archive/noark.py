"""The Noark 5 metadata of an archive copy: arkiv > arkivdel > klassifikasjonssystem > klasse
("enkeltvedtak") > mappe (saksmappe) > registrering (journalpost) > dokumentbeskrivelse >
dokumentobjekt, as XML in Arkivverket's arkivstruktur namespace. `schema/noark5-arkivstruktur-subset.xsd`
declares the subset written here (`SCHEMA_PATH`); the tests validate what this writes against it.

What goes in, and what does not:
- one registry entry (journalpost) per document in the case: the application (incoming, from the
  organisation), the decision letter (outgoing, to it), each appeal (incoming);
- every document is a file of the copy (`referanseDokumentfil` is its name in the copy, with its
  SHA-256, size and format), filed as it was stored: the application entry's main document is the
  receipt of the last submission, its appendices (vedlegg) the attachments as uploaded; the
  decision entry's main document is the letter as sent, its appendix the archive PDF (the cover and
  the assessment summary); an appeal entry's main document is the archive PDF (the appeals);
- parties are organisations: the applying organisation and the office. No private person is named
  except the saksansvarlig Noark requires: the caseworker who proposed the decision, a public
  official acting in office (the office's name when the account has no name). Contact persons,
  signatories and internal notes are not in the metadata;
- numbers the portal does not keep (a journal's yearly sequence) are the entry's number within the
  case: the office's archive system gives its own on import.
"""

import uuid
import xml.etree.ElementTree as ET
from pathlib import Path

from django.conf import settings
from django.utils import timezone

NAMESPACE = "http://www.arkivverket.no/standarder/noark5/arkivstruktur"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "noark5-arkivstruktur-subset.xsd"
SYSTEM = "Tilskuddsportalen"
PDF_A_2A = "fmt/476"  # PRONOM: Acrobat PDF/A, Portable Document Format 2a

ET.register_namespace("xsi", XSI)


def system_id(*parts) -> str:
    """A systemID that is the same for the same thing in every version of the copy."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "/".join([settings.PORTAL_BASE_URL.rstrip("/"), "noark", *map(str, parts)])))


def _when(value) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds")


def _day(value) -> str:
    return (timezone.localtime(value).date() if hasattr(value, "hour") else value).isoformat()


class _Writer:
    def __init__(self, root_name: str):
        self.root = ET.Element(f"{{{NAMESPACE}}}{root_name}")

    @staticmethod
    def add(parent, name: str, text=None, xsi_type: str | None = None):
        element = ET.SubElement(parent, f"{{{NAMESPACE}}}{name}")
        if xsi_type:
            element.set(f"{{{XSI}}}type", xsi_type)
        if text is not None:
            element.text = str(text)
        return element


def _created(writer, parent, when) -> None:
    writer.add(parent, "opprettetDato", _when(when))
    writer.add(parent, "opprettetAv", SYSTEM)


def _document(w, parent, *, key, kind: str, title: str, role: str, number: int, when, made_at, objects) -> None:
    description = w.add(parent, "dokumentbeskrivelse")
    w.add(description, "systemID", system_id(*key))
    w.add(description, "dokumenttype", kind)
    w.add(description, "dokumentstatus", "Dokumentet er ferdigstilt")
    w.add(description, "tittel", title)
    _created(w, description, when)
    w.add(description, "tilknyttetRegistreringSom", role)
    w.add(description, "dokumentnummer", number)
    w.add(description, "tilknyttetDato", _when(made_at))
    w.add(description, "tilknyttetAv", SYSTEM)
    for obj in objects:
        document_object = w.add(description, "dokumentobjekt")
        w.add(document_object, "versjonsnummer", obj["version"])
        w.add(document_object, "variantformat", obj["variant"])
        w.add(document_object, "format", obj["format"])
        _created(w, document_object, obj["created"])
        w.add(document_object, "referanseDokumentfil", obj["file"])
        w.add(document_object, "sjekksum", obj["sha256"])
        w.add(document_object, "sjekksumAlgoritme", "SHA256")
        w.add(document_object, "filstoerrelse", obj["size"])


def _party(w, parent, kind: str, name: str, organisation_number: str = "") -> None:
    party = w.add(parent, "korrespondansepart")
    w.add(party, "korrespondanseparttype", kind)
    w.add(party, "korrespondansepartNavn", name)
    if organisation_number:
        w.add(party, "organisasjonsnummer", organisation_number)


def case_metadata_xml(case: dict, *, version: int, made_at, pdf_name: str, pdf_sha256: str, pdf_size: int,
                      titles: dict, filed: list) -> bytes:
    """The Noark 5 metadata of the case's archive copy (UTF-8 XML). `case` is
    `document.case_for_archive`'s; `filed` the documents filed with the copy (`filed.case_documents`:
    the receipt, the letter, the attachments); `titles` the words of the titles in the copy's
    language form (`making.metadata_titles`)."""
    decision, application = case["decision"], case["application"]
    organisation, round_ = application.organisation, application.round
    office_name = titles["office"]
    w = _Writer("arkiv")
    root = w.root
    root.set(f"{{{XSI}}}schemaLocation", f"{NAMESPACE} {SCHEMA_PATH.name}")
    w.add(root, "systemID", system_id("office", round_.office_id))
    w.add(root, "tittel", office_name)
    w.add(root, "arkivstatus", "Opprettet")
    _created(w, root, made_at)
    part = w.add(root, "arkivdel")
    w.add(part, "systemID", system_id("round", round_.pk))
    w.add(part, "tittel", f"{round_.scheme} {round_.year}")
    w.add(part, "arkivdelstatus", "Aktiv periode")
    _created(w, part, made_at)
    system = w.add(part, "klassifikasjonssystem")
    w.add(system, "systemID", system_id("classification"))
    w.add(system, "tittel", titles["classification_system"])
    _created(w, system, made_at)
    klasse = w.add(system, "klasse")
    w.add(klasse, "systemID", system_id("classification", "enkeltvedtak"))
    w.add(klasse, "klasseID", "enkeltvedtak")
    w.add(klasse, "tittel", titles["classification"])
    _created(w, klasse, made_at)

    folder = w.add(klasse, "mappe", xsi_type="saksmappe")
    w.add(folder, "systemID", system_id("application", application.pk))
    w.add(folder, "mappeID", application.reference)
    w.add(folder, "tittel", f"{titles['application']} – {organisation.name} – {round_.scheme} {round_.year}")
    _created(w, folder, application.submitted_at)
    pending_appeal = any(appeal.handled_at is None for appeal in case["appeals"])
    if not pending_appeal:
        w.add(folder, "avsluttetDato", _when(decision.sent_at))
    sakspart = w.add(folder, "part")
    w.add(sakspart, "partRolle", titles["applicant"])
    w.add(sakspart, "organisasjonsnummer", organisation.organisation_number)
    w.add(sakspart, "partNavn", organisation.name)

    pdf = {"version": version, "variant": "Arkivformat", "format": PDF_A_2A, "created": made_at, "file": pdf_name,
           "sha256": pdf_sha256, "size": pdf_size, "title": titles["case_summary"]}
    documents = {role: [{"version": 1, "variant": document.variant, "format": document.format,
                         "created": document.created, "file": document.name, "sha256": document.sha256,
                         "size": document.size, "title": document.title, "key": (role, document.source_pk)}
                        for document in filed if document.role == role]
                 for role in ("receipt", "letter", "attachment")}
    pdf["key"] = ("copy", application.pk, "summary")
    entries = [("application", application.pk, "Inngående dokument", titles["application"], application.submitted_at,
                documents["receipt"] + documents["attachment"])]
    entries.append(("decision", decision.pk, "Utgående dokument", titles["decision"], decision.sent_at,
                    documents["letter"] + [pdf]))
    entries += [("appeal", appeal.pk, "Inngående dokument", titles["appeal"], appeal.registered_at, [pdf])
                for appeal in case["appeals"]]
    for number, (what, pk, entry_type, title, when, objects) in enumerate(entries, 1):
        entry = w.add(folder, "registrering", xsi_type="journalpost")
        w.add(entry, "systemID", system_id("entry", what, pk))
        _created(w, entry, when)
        w.add(entry, "arkivertDato", _when(made_at))
        w.add(entry, "arkivertAv", SYSTEM)
        for index, obj in enumerate(objects, 1):
            main = index == 1
            _document(w, entry, key=(what, pk, *obj["key"]), kind=title if main else titles["attachment"],
                      title=obj["title"], role="Hoveddokument" if main else "Vedlegg", number=index,
                      when=obj["created"] if obj is not pdf else when, made_at=made_at, objects=[obj])
        w.add(entry, "registreringsID", f"{application.reference}-{number}")
        w.add(entry, "tittel", f"{title} – {organisation.name}")
        w.add(entry, "journalaar", timezone.localtime(when).year)
        w.add(entry, "journalsekvensnummer", number)
        w.add(entry, "journalpostnummer", number)
        w.add(entry, "journalposttype", entry_type)
        w.add(entry, "journalstatus", "Arkivert")
        w.add(entry, "dokumentetsDato", _day(when))
        incoming = entry_type == "Inngående dokument"
        w.add(entry, "mottattDato" if incoming else "sendtDato", _when(when))
        sender, receiver = ((organisation.name, organisation.organisation_number), (office_name, ""))
        if not incoming:
            sender, receiver = receiver, sender
        _party(w, entry, "Avsender", *sender)
        _party(w, entry, "Mottaker", *receiver)

    w.add(folder, "saksaar", round_.year)
    w.add(folder, "sakssekvensnummer", application.pk)
    w.add(folder, "saksdato", _day(application.submitted_at))
    w.add(folder, "administrativEnhet", office_name)
    proposer = decision.proposed_by
    w.add(folder, "saksansvarlig", (proposer.full_name if proposer else "") or office_name)
    w.add(folder, "saksstatus", "Under behandling" if pending_appeal else "Avsluttet")
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True, default_namespace=NAMESPACE)
