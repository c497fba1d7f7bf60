"""Uploaded files are judged by their content, never their name, and their names are made safe."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.uploads import DOCX, ODT, PDF, safe_file_name, upload_inspect
from tests.portal.factories import MINIMAL_PDF, pdf_upload

pytestmark = pytest.mark.usefixtures("english")  # the refusals' messages are matched in English


def zip_bytes(entries: list[tuple[str, bytes]], *, stored_first=False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, (name, content) in enumerate(entries):
            compress = zipfile.ZIP_STORED if stored_first and index == 0 else zipfile.ZIP_DEFLATED
            archive.writestr(name, content, compress_type=compress)
    return buffer.getvalue()


def docx_bytes() -> bytes:
    return zip_bytes([
        ("[Content_Types].xml", b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                                b'package/2006/content-types"/>'),
        ("_rels/.rels", b'<?xml version="1.0"?><Relationships/>'),
        ("word/document.xml", b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
                              b'wordprocessingml/2006/main"><w:body/></w:document>'),
    ])


def odt_bytes() -> bytes:
    return zip_bytes([
        ("mimetype", b"application/vnd.oasis.opendocument.text"),
        ("content.xml", b'<?xml version="1.0"?><office:document-content/>'),
        ("META-INF/manifest.xml", b'<?xml version="1.0"?><manifest:manifest/>'),
    ], stored_first=True)


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_a_real_pdf_passes():
    inspected = upload_inspect(pdf_upload("Kompetanseplan.pdf"))

    assert (inspected.extension, inspected.content_type) == PDF
    assert inspected.safe_name == "Kompetanseplan.pdf"
    assert inspected.size == len(MINIMAL_PDF)


def test_a_docx_passes_as_docx():
    inspected = upload_inspect(upload("Kompetanseplan.docx", docx_bytes()))

    assert (inspected.extension, inspected.content_type) == DOCX
    assert inspected.safe_name == "Kompetanseplan.docx"


def test_an_odt_passes_as_odt():
    inspected = upload_inspect(upload("Kompetanseplan.odt", odt_bytes()))

    assert (inspected.extension, inspected.content_type) == ODT


def test_a_file_must_be_what_its_name_says():
    """A DOCX named .pdf is refused: a file is what its ending says and nothing else."""
    with pytest.raises(ValidationError) as refused:
        upload_inspect(upload("Kompetanseplan.pdf", docx_bytes()))

    assert refused.value.code == "extension_mismatch"
    assert "DOCX" in refused.value.messages[0] and ".pdf" in refused.value.messages[0]


def test_the_ending_is_compared_without_regard_to_case():
    assert upload_inspect(upload("Kompetanseplan.DOCX", docx_bytes())).safe_name == "Kompetanseplan.docx"


def test_a_text_file_named_pdf_is_refused():
    with pytest.raises(ValidationError) as refused:
        upload_inspect(upload("plan.pdf", b"Dette er bare tekst, ikke en PDF.\n", "application/pdf"))

    assert refused.value.code == "file_type"
    assert "PDF" in refused.value.messages[0]


def test_a_zip_that_is_neither_docx_nor_odt_is_refused():
    content = zip_bytes([("plan.txt", b"tekst"), ("bilde.png", b"\x89PNG\r\n")])

    with pytest.raises(ValidationError) as refused:
        upload_inspect(upload("plan.docx", content))

    assert refused.value.code == "file_type"


def test_a_broken_zip_is_refused():
    with pytest.raises(ValidationError) as refused:
        upload_inspect(upload("plan.docx", b"PK\x03\x04" + b"\x00" * 200))

    assert refused.value.code == "malformed"


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError) as refused:
        upload_inspect(upload("plan.pdf", b""))

    assert refused.value.code == "empty"


def test_an_oversize_file_is_refused(settings):
    settings.UPLOAD_MAX_FILE_BYTES = 1_000

    upload_inspect(pdf_upload(size=1_000))
    with pytest.raises(ValidationError) as refused:
        upload_inspect(pdf_upload(size=1_001))

    assert refused.value.code == "too_large"


def test_the_files_already_stored_count_towards_the_application_limit(settings):
    settings.UPLOAD_MAX_APPLICATION_BYTES = 10_000

    upload_inspect(pdf_upload(size=2_000), already_stored_bytes=8_000)
    with pytest.raises(ValidationError) as refused:
        upload_inspect(pdf_upload(size=2_001), already_stored_bytes=8_000)

    assert refused.value.code == "application_too_large"


@pytest.mark.parametrize("name", [
    "../../etc/Kompetanseplan 2020 (vedtatt).pdf",  # Django's uploaded file keeps the last part only
    "/var/www/Kompetanseplan 2020 (vedtatt).PDF",
])
def test_a_path_in_the_name_is_made_safe(name):
    inspected = upload_inspect(pdf_upload(name))

    assert inspected.safe_name == "Kompetanseplan_2020_vedtatt.pdf"


@pytest.mark.parametrize("name", [".pdf", "..pdf", "...pdf", "«».pdf", "().pdf", "", ".htaccess"])
def test_a_name_with_nothing_usable_gets_a_plain_name(name):
    safe = safe_file_name(name, "pdf")

    assert safe == "dokument.pdf"


@pytest.mark.parametrize("name", ["..skjult.pdf", ".-_plan.pdf", "Plan for Ål og Ørsta.pdf", "a" * 300 + ".pdf"])
def test_a_safe_name_has_no_slashes_no_leading_dots_and_a_sensible_length(name):
    safe = safe_file_name(name, "pdf")

    assert "/" not in safe and "\\" not in safe
    assert not safe.startswith((".", "-", "_"))
    assert safe.endswith(".pdf")
    assert len(safe) <= 104


def test_norwegian_letters_are_kept_in_the_name():
    assert safe_file_name("Plan for Ål og Ørsta.pdf", "pdf") == "Plan_for_Ål_og_Ørsta.pdf"


def test_a_refused_file_with_an_unusable_name_gets_a_message_not_an_error():
    with pytest.raises(ValidationError) as refused:
        upload_inspect(upload("«».pdf", b"bare tekst"))

    assert refused.value.code == "file_type"
