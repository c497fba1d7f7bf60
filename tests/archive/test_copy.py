"""The archive copy itself, made once for the module (a PDF takes seconds), of a case whose letter
and receipt are real renderings stored before the office moved (a new postal address): the letter,
the receipt and the attachment are filed unchanged as their own files, the PDF is a PDF/A with the
rest of the case, no internal note is anywhere in the copy, and the Noark 5 metadata validates
against the schema the app declares and refers to the copy's files, and only to them, by checksum."""

import hashlib
import io
import xml.etree.ElementTree as ET

import pypdf
import pytest
import xmlschema
from django.core.files.base import ContentFile
from django.db import transaction

from applications.receipts import application_for_receipt, receipt_render_pdf
from archive.making import archive_copy_make
from archive.models import ArchiveFileRole
from archive.noark import NAMESPACE, SCHEMA_PATH
from casework.letters import decision_for_letter, decision_letter_render_pdf
from tests.archive.factories import archived_case, first_copy
from tests.helpers import pdf_text
from tests.schemes.factories import RoundFactory

NOTE = "INTERNAL-NOTE-7f3a"  # the caseworker's internal notes: in no file of the copy
APPEAL_NOTE = "HANDLING-NOTE-51c2"  # the office's notes on the appeal's handling: neither
OLD_ADDRESS = "Postboks OLDADDRESS6a1"  # the office's postal address when the letter was stored
NEW_ADDRESS = "Postboks NEWADDRESS8c3"  # the office's address after it moved: in no file of the copy
N = {"n": NAMESPACE}

# the module's case is made once, in `made`; the mark has the test database set up for it
pytestmark = pytest.mark.django_db


class _Rollback(Exception):
    pass


def _read(field_file) -> bytes:
    with field_file.open("rb") as file:
        return file.read()


@pytest.fixture(scope="module")
def made(django_db_setup, django_db_blocker):
    """One decided case with an appeal, its letter and receipt rendered for real and stored, then the
    office's address changed, and its first copy made; everything is rolled back after."""
    with django_db_blocker.unblock():
        try:
            with transaction.atomic():
                round_ = RoundFactory(with_criteria=True)
                office = round_.office
                office.postal_address = OLD_ADDRESS
                office.save(update_fields=["postal_address"])
                decision = archived_case(round_, notes=NOTE, appeal_text="Kommunen klager: APPEAL-TEXT-9d0e.",
                                         appeal_notes=APPEAL_NOTE, priorities="PRIORITIES-TEXT-2b8c",
                                         reasons="REASONS-TEXT-4e1f")
                application = decision.application
                decision.letter_pdf.save("vedtak.pdf", ContentFile(decision_letter_render_pdf(
                    decision=decision_for_letter(decision.pk))))
                receipt = application.receipts.get()
                receipt.pdf.save("kvittering.pdf", ContentFile(receipt_render_pdf(
                    application=application_for_receipt(application.pk))))
                office.postal_address = NEW_ADDRESS  # the office moves after the letter was sent
                office.save(update_fields=["postal_address"])

                copy = archive_copy_make(copy_id=first_copy(decision).pk)
                attachment = application.attachments.get()
                files = {archived.name: archived for archived in copy.files.all()}
                yield {
                    "copy": copy, "pdf": _read(copy.pdf), "metadata": _read(copy.metadata),
                    "files": files, "contents": {name: _read(archived.file) for name, archived in files.items()},
                    "letter": _read(decision.letter_pdf), "receipt": _read(receipt.pdf),
                    "reference": application.reference,
                    "organisation": application.organisation, "attachment": attachment,
                    "upload": _read(attachment.file),
                    "contact": (application.contact_name, application.contact_email),
                    "criteria": [c.label for c in round_.criteria.all()],
                    "score": application.assessment.score,
                }
                raise _Rollback
        except _Rollback:
            pass


def _of_role(made, role) -> list[bytes]:
    return [made["contents"][name] for name, archived in made["files"].items() if archived.role == role]


def _text(made, name: str, content: bytes) -> str:
    """What a reader sees of a file of the copy: the text of the portal's PDFs (the attachment, a
    minimal PDF from the factory, has none), the metadata as it is."""
    archived = made["files"].get(name)
    if name.endswith(".xml"):
        return content.decode()
    if archived is not None and archived.role == ArchiveFileRole.ATTACHMENT:
        return ""
    return " ".join(pdf_text(content))


def _all_files(made) -> dict[str, bytes]:
    """Every file of the copy by its name in the copy: the PDF, the metadata and the filed documents."""
    stem = made["copy"].file_stem()
    return {f"{stem}.pdf": made["pdf"], f"{stem}.xml": made["metadata"], **made["contents"]}


def test_the_pdf_is_a_pdf_a_2a(made):
    reader = pypdf.PdfReader(io.BytesIO(made["pdf"]))
    xmp = reader.xmp_metadata
    assert xmp is not None
    assert (xmp.pdfaid_part, xmp.pdfaid_conformance) == ("2", "A")
    intents = reader.trailer["/Root"]["/OutputIntents"]
    assert [intent.get_object()["/S"] for intent in intents] == ["/GTS_PDFA1"]
    assert reader.trailer["/Root"].get("/MarkInfo", {}).get("/Marked")  # tagged: level A reads aloud


def test_the_letter_and_the_receipt_are_filed_as_stored_not_rendered_again(made):
    """The office moved after the letter was sent: the copy files the letter it sent (old address)."""
    assert _of_role(made, ArchiveFileRole.LETTER) == [made["letter"]]
    assert _of_role(made, ArchiveFileRole.RECEIPT) == [made["receipt"]]
    assert _of_role(made, ArchiveFileRole.ATTACHMENT) == [made["upload"]]
    letter_text = " ".join(pdf_text(made["letter"]))
    assert OLD_ADDRESS in letter_text and "REASONS-TEXT-4e1f" in letter_text
    assert "PRIORITIES-TEXT-2b8c" in " ".join(pdf_text(made["receipt"]))  # the application as submitted
    for name, content in _all_files(made).items():
        assert NEW_ADDRESS not in _text(made, name, content), name
    for archived in made["files"].values():
        assert archived.sha256 == hashlib.sha256(made["contents"][archived.name]).hexdigest()
        assert archived.size == len(made["contents"][archived.name])


def test_the_pdf_holds_the_rest_of_the_case_and_lists_the_filed_documents(made):
    text = " ".join(pdf_text(made["pdf"]))
    compact = text.replace(" ", "")
    assert made["reference"] in text
    attachment = made["attachment"]
    assert attachment.original_name in text and attachment.sha256[:16] in compact
    assert all(label in text for label in made["criteria"])  # the assessment summary: scores
    assert made["score"] == 80 and "80" in text
    assert "APPEAL-TEXT-9d0e" in text  # the appeal
    for archived in made["files"].values():  # the cover lists the documents filed beside it
        assert archived.name in compact and archived.sha256[:16] in compact
    assert "PRIORITIES-TEXT-2b8c" not in text and "REASONS-TEXT-4e1f" not in text  # not rendered again


def test_no_internal_note_anywhere(made):
    for name, content in _all_files(made).items():
        text = _text(made, name, content)
        for marker in (NOTE, APPEAL_NOTE):
            assert marker not in text, name
            assert marker.encode() not in content, name


def test_the_metadata_validates_against_the_declared_schema(made):
    schema = xmlschema.XMLSchema(SCHEMA_PATH)
    schema.validate(io.BytesIO(made["metadata"]))  # raises with the first error


def test_the_schema_refuses_what_noark_would_not_take(made):
    """The schema is a real check: a copy without its case number, or with a bad checksum, fails."""
    schema = xmlschema.XMLSchema(SCHEMA_PATH)
    assert schema.is_valid(ET.tostring(ET.fromstring(made["metadata"]), default_namespace=NAMESPACE).decode())
    root = ET.fromstring(made["metadata"])
    folder = root.find(".//n:mappe", N)
    folder.remove(folder.find("n:mappeID", N))
    assert not schema.is_valid(ET.tostring(root, default_namespace=NAMESPACE).decode())
    root = ET.fromstring(made["metadata"])
    root.find(".//n:sjekksum", N).text = "not-a-checksum"
    assert not schema.is_valid(ET.tostring(root, default_namespace=NAMESPACE).decode())


def _objects(description) -> list[tuple[str, str, int]]:
    return [(o.findtext("n:referanseDokumentfil", namespaces=N), o.findtext("n:sjekksum", namespaces=N),
             int(o.findtext("n:filstoerrelse", namespaces=N))) for o in description.findall("n:dokumentobjekt", N)]


def test_every_file_the_metadata_refers_to_is_in_the_copy_with_its_checksum(made):
    root = ET.fromstring(made["metadata"])
    files = _all_files(made)
    referred = [obj for d in root.iter(f"{{{NAMESPACE}}}dokumentbeskrivelse") for obj in _objects(d)]
    assert referred
    for name, sha256, size in referred:
        assert name in files, name
        assert (sha256, size) == (hashlib.sha256(files[name]).hexdigest(), len(files[name])), name
    stem = made["copy"].file_stem()
    assert {name for name, _, _ in referred} == set(files) - {f"{stem}.xml"}  # every document is described


def test_the_metadata_describes_the_case_and_its_files(made):
    root = ET.fromstring(made["metadata"])
    assert root.findtext(".//n:klasse/n:klasseID", namespaces=N) == "enkeltvedtak"
    folder = root.find(".//n:mappe", N)
    assert folder.get("{http://www.w3.org/2001/XMLSchema-instance}type") == "saksmappe"
    assert folder.findtext("n:mappeID", namespaces=N) == made["reference"]
    organisation = made["organisation"]
    assert folder.findtext("n:part/n:organisasjonsnummer", namespaces=N) == organisation.organisation_number
    entries = folder.findall("n:registrering", N)
    assert [e.findtext("n:journalposttype", namespaces=N) for e in entries] == [
        "Inngående dokument", "Utgående dokument", "Inngående dokument"]  # application, decision, appeal
    pdf_sha256 = hashlib.sha256(made["pdf"]).hexdigest()
    assert made["copy"].pdf_sha256 == pdf_sha256

    def documents(entry, role):
        return [_objects(d)[0][1] for d in entry.findall("n:dokumentbeskrivelse", N)
                if d.findtext("n:tilknyttetRegistreringSom", namespaces=N) == role]

    sha = {role: hashlib.sha256(content).hexdigest() for role, content in
           [("receipt", made["receipt"]), ("letter", made["letter"]), ("upload", made["upload"])]}
    application, decision, appeal = entries
    assert documents(application, "Hoveddokument") == [sha["receipt"]]
    assert documents(application, "Vedlegg") == [sha["upload"]] == [made["attachment"].sha256]
    assert documents(decision, "Hoveddokument") == [sha["letter"]]
    assert documents(decision, "Vedlegg") == [pdf_sha256]  # the cover and the assessment summary
    assert documents(appeal, "Hoveddokument") == [pdf_sha256]
    assert made["copy"].metadata_sha256 == hashlib.sha256(made["metadata"]).hexdigest()


def test_the_metadata_names_no_private_person(made):
    name, email = made["contact"]
    assert name.encode() not in made["metadata"] and email.encode() not in made["metadata"]
