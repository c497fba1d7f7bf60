"""The archive copy itself, rendered once for the module (a PDF takes seconds): the PDF is a PDF/A
with every part of the case, no internal note is anywhere in it, and the Noark 5 metadata validates
against the schema the app declares and describes the case and the PDF."""

import hashlib
import io
import xml.etree.ElementTree as ET

import pypdf
import pytest
import xmlschema
from django.db import transaction

from archive.making import archive_copy_make
from archive.noark import NAMESPACE, SCHEMA_PATH
from tests.archive.factories import archived_case, first_copy
from tests.helpers import pdf_text
from tests.schemes.factories import RoundFactory

NOTE = "INTERNAL-NOTE-7f3a"  # the caseworker's internal notes: in no file of the copy
APPEAL_NOTE = "HANDLING-NOTE-51c2"  # the office's notes on the appeal's handling: neither
N = {"n": NAMESPACE}

# the module's case is made once, in `made`; the mark has the test database set up for it
pytestmark = pytest.mark.django_db


class _Rollback(Exception):
    pass


@pytest.fixture(scope="module")
def made(django_db_setup, django_db_blocker):
    """One decided case with an appeal, its first copy made for real; everything is rolled back after."""
    with django_db_blocker.unblock():
        try:
            with transaction.atomic():
                round_ = RoundFactory(with_criteria=True)
                decision = archived_case(round_, notes=NOTE, appeal_text="Kommunen klager: APPEAL-TEXT-9d0e.",
                                         appeal_notes=APPEAL_NOTE, priorities="PRIORITIES-TEXT-2b8c",
                                         reasons="REASONS-TEXT-4e1f")
                copy = archive_copy_make(copy_id=first_copy(decision).pk)
                application = decision.application
                attachment = application.attachments.get()
                with copy.pdf.open("rb") as file:
                    pdf = file.read()
                with copy.metadata.open("rb") as file:
                    metadata = file.read()
                yield {
                    "copy": copy, "pdf": pdf, "metadata": metadata, "reference": application.reference,
                    "organisation": application.organisation, "attachment": attachment,
                    "contact": (application.contact_name, application.contact_email),
                    "criteria": [c.label for c in round_.criteria.all()],
                    "score": application.assessment.score,
                }
                raise _Rollback
        except _Rollback:
            pass


def test_the_pdf_is_a_pdf_a_2a(made):
    reader = pypdf.PdfReader(io.BytesIO(made["pdf"]))
    xmp = reader.xmp_metadata
    assert xmp is not None
    assert (xmp.pdfaid_part, xmp.pdfaid_conformance) == ("2", "A")
    intents = reader.trailer["/Root"]["/OutputIntents"]
    assert [intent.get_object()["/S"] for intent in intents] == ["/GTS_PDFA1"]
    assert reader.trailer["/Root"].get("/MarkInfo", {}).get("/Marked")  # tagged: level A reads aloud


def test_the_pdf_holds_every_part_of_the_case(made):
    text = " ".join(pdf_text(made["pdf"]))
    assert made["reference"] in text
    assert "PRIORITIES-TEXT-2b8c" in text  # the application as submitted (the receipt's rendering)
    attachment = made["attachment"]
    assert attachment.original_name in text and attachment.sha256[:16] in text.replace(" ", "")
    assert all(label in text for label in made["criteria"])  # the assessment summary: scores
    assert made["score"] == 80 and "80" in text
    assert "REASONS-TEXT-4e1f" in text  # the decision letter
    assert "APPEAL-TEXT-9d0e" in text  # the appeal
    assert text.index("PRIORITIES-TEXT-2b8c") < text.index("REASONS-TEXT-4e1f") < text.index("APPEAL-TEXT-9d0e")


def test_no_internal_note_anywhere(made):
    text = " ".join(pdf_text(made["pdf"]))
    for marker in (NOTE, APPEAL_NOTE):
        assert marker not in text
        assert marker.encode() not in made["pdf"]
        assert marker.encode() not in made["metadata"]


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
    main_documents = [d for e in entries for d in e.findall("n:dokumentbeskrivelse", N)
                      if d.findtext("n:tilknyttetRegistreringSom", namespaces=N) == "Hoveddokument"]
    assert {d.findtext("n:dokumentobjekt/n:sjekksum", namespaces=N) for d in main_documents} == {pdf_sha256}
    appendix = [d for d in entries[0].findall("n:dokumentbeskrivelse", N)
                if d.findtext("n:tilknyttetRegistreringSom", namespaces=N) == "Vedlegg"]
    assert [d.findtext("n:dokumentobjekt/n:sjekksum", namespaces=N) for d in appendix] == [made["attachment"].sha256]
    assert made["copy"].metadata_sha256 == hashlib.sha256(made["metadata"]).hexdigest()


def test_the_metadata_names_no_private_person(made):
    name, email = made["contact"]
    assert name.encode() not in made["metadata"] and email.encode() not in made["metadata"]
