"""Hostile uploads: a file must be what its ending says and nothing else. Polyglots (a PDF that is also a
web page, an office file with web pages, scripts or macros inside), encrypted and broken PDFs, zip bombs,
names with paths or control characters and too many files are each refused with a message, and nothing
is stored: no row, no file."""

import io
import re
import zipfile

import pytest
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, assume, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from pypdf import PdfWriter

from applications.models import Attachment, AttachmentKind
from applications.services import attachment_add
from casework.exceptions import CaseworkError
from casework.models import Appeal
from casework.services.appeals import appeal_lodge
from portal import uploads
from portal.models import Role
from portal.uploads import safe_file_name, upload_inspect
from reporting.services import report_save
from tests.applications.factories import ApplicationFactory, applying_for, member
from tests.casework.factories import DecisionFactory
from tests.helpers import in_english, url
from tests.portal.factories import MINIMAL_PDF, build_pdf, pdf_upload
from tests.portal.test_uploads import docx_bytes, odt_bytes, zip_bytes
from tests.reporting.factories import GrantReportFactory
from tests.schemes.factories import RoundFactory

pytestmark = pytest.mark.usefixtures("english")

CATALOG = b"<</Type/Catalog/Pages 2 0 R%s>>"
PAGES = b"<</Type/Pages/Kids[3 0 R]/Count 1>>"
PAGE = b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]%s>>"


def pdf_with(catalog_extra=b"", page_extra=b"", more=(), trailer=b"") -> bytes:
    return build_pdf([CATALOG % catalog_extra, PAGES, PAGE % page_extra, *more], trailer=trailer)


def docx_with(*entries: tuple[str, bytes], content_types: bytes | None = None) -> bytes:
    types = content_types or (b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                              b'package/2006/content-types"/>')
    return zip_bytes([("[Content_Types].xml", types), ("_rels/.rels", b"<Relationships/>"),
                      ("word/document.xml", b"<w:document><w:body/></w:document>"), *entries])


def odt_with(*entries: tuple[str, bytes]) -> bytes:
    return zip_bytes([("mimetype", b"application/vnd.oasis.opendocument.text"),
                      ("content.xml", b"<office:document-content/>"), *entries], stored_first=True)


def encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt(user_password="hemmelig", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def corrupted_docx() -> bytes:
    data = bytearray(docx_with(("word/styles.xml", b"<w:styles>" + b"<w:style/>" * 200 + b"</w:styles>")))
    at = data.index(b"word/styles.xml") + len(b"word/styles.xml") + 10  # inside the part's packed bytes
    data[at] ^= 0xFF
    return bytes(data)


# (name of the case, file name, content, the refusal's code)
HOSTILE_FILES = [
    ("pdf that is also a web page", "plan.pdf", MINIMAL_PDF + b"<html><body><script>alert(1)</script>", "web_content"),
    ("pdf with a doctype", "plan.pdf", MINIMAL_PDF.replace(b"%PDF-1.4\n", b"%PDF-1.4\n%<!DOCTYPE html>\n"),
     "web_content"),
    ("pdf with an svg", "plan.pdf", pdf_with(more=[b"(<svg onload=alert(1)>)"]), "web_content"),
    ("pdf with an iframe", "plan.pdf", MINIMAL_PDF + b"%<IFRAME src=x>\n", "web_content"),
    ("pdf with a javascript: link", "plan.pdf",
     pdf_with(page_extra=b"/Annots[<</Type/Annot/Subtype/Link/A<</S/URI/URI(JavaScript:alert(1))>>>>]"),
     "web_content"),
    ("pdf that runs a script on opening", "plan.pdf",
     pdf_with(catalog_extra=b"/OpenAction<</S/JavaScript/JS(app.alert(1))>>"), "active_content"),
    ("pdf with a script under an escaped name", "plan.pdf",
     pdf_with(catalog_extra=b"/OpenAction<</S/J#61vaScript/J#53(app.alert(1))>>"), "active_content"),
    ("pdf that launches a program", "plan.pdf",
     pdf_with(catalog_extra=b"/OpenAction<</S/Launch/F(cmd.exe)>>"), "active_content"),
    ("pdf with an embedded file", "plan.pdf",
     pdf_with(catalog_extra=b"/Names<</EmbeddedFiles<</Names[(a.exe)4 0 R]>>>>",
              more=[b"<</Type/Filespec/F(a.exe)>>"]), "active_content"),
    ("encrypted pdf", "plan.pdf", encrypted_pdf(), "encrypted"),
    ("truncated pdf", "plan.pdf", MINIMAL_PDF[:120], "malformed"),
    ("pdf with no objects", "plan.pdf", b"%PDF-1.4\nhei\n%%EOF\n", "malformed"),
    ("docx with a web page inside", "plan.docx", docx_with(("word/afchunk.htm", b"<p>hei</p>")), "active_content"),
    ("docx with a script inside", "plan.docx", docx_with(("word/x.js", b"alert(1)")), "active_content"),
    ("docx with an svg inside", "plan.docx", docx_with(("word/media/image1.svg", b"<svg/>")), "active_content"),
    ("docx with macros", "plan.docx", docx_with(("word/vbaProject.bin", b"\xd0\xcf\x11\xe0")), "active_content"),
    ("docx declared macro-enabled", "plan.docx",
     docx_with(content_types=b'<Types><Override ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"'
                             b' PartName="/word/document.xml"/></Types>'), "active_content"),
    ("odt with Basic macros", "plan.odt", odt_with(("Basic/Standard/Module1.xml", b"<script:module/>")),
     "active_content"),
    ("docx with a stored html page", "plan.docx",
     zip_bytes([("[Content_Types].xml", b"<Types/>"), ("word/document.xml", b"<w:document/>"),
                ("word/notes.xml", b"<html><script>alert(1)</script></html>")], stored_first=False)
     .replace(b"x", b"x"), None),  # deflated: the page is inside a part, see the stored case below
    ("docx with a part outside the file", "plan.docx", docx_with(("../../etc/cron.d/job", b"x")), "archive_names"),
    ("docx with an absolute part", "plan.docx", docx_with(("/etc/passwd", b"x")), "archive_names"),
    ("docx zip bomb", "plan.docx", docx_with(("word/media/big.bin", b"\x00" * (5 * 1024 * 1024))), "zip_bomb"),
    ("docx with a broken part", "plan.docx", corrupted_docx(), "malformed"),
]
HOSTILE_FILES = [case for case in HOSTILE_FILES if case[3] is not None]


def hostile_upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.mark.parametrize(("case", "name", "content", "code"), HOSTILE_FILES, ids=[c[0] for c in HOSTILE_FILES])
def test_a_hostile_file_is_refused_with_a_message_naming_it(case, name, content, code):
    with pytest.raises(ValidationError) as refused:
        upload_inspect(hostile_upload(name, content))

    assert refused.value.code == code, case
    assert "plan" in refused.value.messages[0], case


def test_a_docx_with_a_stored_web_page_part_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("word/document.xml", b"<w:document><html><script>alert(1)</script></html></w:document>")
    with pytest.raises(ValidationError) as refused:
        upload_inspect(hostile_upload("plan.docx", buffer.getvalue()))

    assert refused.value.code == "web_content"


def test_a_pdf_script_hidden_from_the_byte_scan_is_found_by_reading_the_pdf(monkeypatch):
    """As in a compressed object stream, where the bytes show nothing: pypdf reads every object."""
    monkeypatch.setattr(uploads, "PDF_ACTIVE_RAW", re.compile(rb"(?!)"))
    with pytest.raises(ValidationError) as refused:
        upload_inspect(hostile_upload("plan.pdf", pdf_with(
            page_extra=b"/AA<</O 4 0 R>>", more=[b"<</S/JavaScript/JS(app.alert(1))>>"])))

    assert refused.value.code == "active_content"


def test_an_ordinary_pdf_with_links_and_an_open_action_passes():
    content = pdf_with(catalog_extra=b"/OpenAction[3 0 R/Fit]",
                       page_extra=b"/Annots[<</Type/Annot/Subtype/Link/A<</S/URI/URI(https://www.helsedirektoratet.no/)"
                                  b">>>>]")

    assert upload_inspect(hostile_upload("plan.pdf", content)).extension == "pdf"


@pytest.mark.parametrize("content", [docx_bytes(), odt_bytes()], ids=["docx", "odt"])
def test_ordinary_office_files_pass(content):
    name = "plan.docx" if content[30:38] != b"mimetype" else "plan.odt"
    assert upload_inspect(hostile_upload(name, content)).safe_name == name


def test_an_office_file_with_too_many_parts_is_refused(settings):
    settings.UPLOAD_MAX_ARCHIVE_MEMBERS = 10
    content = docx_with(*[(f"word/part{n}.xml", b"<p/>") for n in range(8)])

    with pytest.raises(ValidationError) as refused:
        upload_inspect(hostile_upload("plan.docx", content))

    assert refused.value.code == "zip_bomb"


def test_an_office_file_that_unpacks_past_the_limit_is_refused(settings):
    settings.UPLOAD_MAX_UNPACKED_BYTES = 50_000
    content = docx_with(("word/media/image1.png", b"x" * 60_000))  # under the ratio rule's first megabyte

    with pytest.raises(ValidationError) as refused:
        upload_inspect(hostile_upload("plan.docx", content))

    assert refused.value.code == "zip_bomb"


@pytest.mark.parametrize("name", [
    "plan\x00.pdf", "plan\u202efdp.exe.pdf", "plan\u200b.pdf", "plan\n.pdf", "pl\x1ban.pdf", "..\\..\\plan.pdf",
    "a" * 201 + ".pdf", "plan\ud800.pdf",
], ids=["nul", "rtl-override", "zero-width", "newline", "escape", "backslash-path", "too-long", "surrogate"])
def test_a_name_with_a_path_control_characters_or_too_long_is_refused(name):
    with pytest.raises(ValidationError) as refused:
        upload_inspect(pdf_upload(name))

    assert refused.value.code == "file_name"


@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.text(max_size=300), ending=st.sampled_from(["pdf", "PDF", "docx", "", "pdf.exe"]))
def test_any_name_is_refused_with_a_message_or_made_safe(name, ending):
    full = f"{name}.{ending}" if ending else name
    try:
        upload = pdf_upload(full)
    except SuspiciousFileOperation:  # Django's own uploaded file refuses "", "." and ".."
        assume(False)
    try:
        inspected = upload_inspect(upload)
    except ValidationError as refused:
        assert refused.messages and refused.code in {"file_name", "extension_mismatch"}
    else:
        safe = inspected.safe_name
        assert safe.endswith(".pdf") and len(safe) <= 104
        assert "/" not in safe and "\\" not in safe and not safe.startswith(".")
        assert safe == safe_file_name(safe, "pdf")  # already safe: nothing more to take away


# --- nothing stored ---------------------------------------------------------------------------------

@pytest.fixture
def plan_page(client, media, db):
    application = ApplicationFactory(round=RoundFactory())
    client.force_login(member(application.organisation))
    in_english(client)
    return client, application


@pytest.mark.parametrize(("case", "name", "content", "code"),
                         [*HOSTILE_FILES, ("web page", "plan.pdf", b"<html>hei</html>", "file_type"),
                          ("docx named pdf", "plan.pdf", docx_bytes(), "extension_mismatch")],
                         ids=[c[0] for c in HOSTILE_FILES] + ["web page", "docx named pdf"])
def test_a_hostile_plan_gets_a_message_at_its_field_and_nothing_is_stored(plan_page, media, case, name, content,
                                                                           code):
    client, application = plan_page
    response = client.post(url("applications:plan", application), {
        "file": hostile_upload(name, content), "competence_plan_updated_on": "2024-03-12",
        "competence_plan_adopted_by": "Kommunestyret", "version": "0"})

    assert response.status_code == 200, case
    assert response.context["form"].errors["file"], case
    assert not Attachment.objects.filter(application=application).exists(), case
    assert not [path for path in media.rglob("*") if path.is_file()], case


def test_an_application_takes_no_more_files_than_the_limit(db, media, settings):
    settings.UPLOAD_MAX_APPLICATION_FILES = 2
    application = ApplicationFactory()
    editor = member(application.organisation)
    for n in range(2):
        attachment_add(application=application, user=editor, kind=AttachmentKind.OTHER, upload=pdf_upload(f"v{n}.pdf"))

    with pytest.raises(ValidationError) as refused:
        attachment_add(application=application, user=editor, kind=AttachmentKind.OTHER, upload=pdf_upload("v3.pdf"))

    assert refused.value.code == "too_many_files"
    assert application.attachments.count() == 2
    assert len([path for path in media.rglob("*") if path.is_file()]) == 2


# --- the other doors: an appeal's attachment, the auditor's statement ------------------------------

def stored_files(media) -> set:
    return {path for path in media.rglob("*") if path.is_file()}


POLYGLOT = next(case for case in HOSTILE_FILES if case[0] == "pdf that is also a web page")
ENCRYPTED = next(case for case in HOSTILE_FILES if case[0] == "encrypted pdf")


@pytest.mark.parametrize("case", [POLYGLOT, ENCRYPTED], ids=lambda case: case[0])
def test_a_hostile_appeal_attachment_is_refused_and_no_appeal_is_stored(round_, organisation, media, case):
    _case, name, content, _code = case
    decision = DecisionFactory(application=applying_for(round_, 300_000, organisation=organisation), sent=True)
    files_before = stored_files(media)

    with pytest.raises(CaseworkError) as refused:
        appeal_lodge(decision=decision, user=member(organisation, Role.SIGNATORY), text="Vi klager.",
                     attachment=hostile_upload(name, content))

    assert "plan" in str(refused.value)
    assert not Appeal.objects.exists()
    assert stored_files(media) == files_before  # the decision's letter, nothing more


@pytest.mark.parametrize("case", [POLYGLOT, ENCRYPTED], ids=lambda case: case[0])
def test_a_hostile_auditors_statement_is_refused_and_the_report_is_unchanged(round_, organisation, media, case):
    _case, name, content, _code = case
    report = GrantReportFactory(decision__round=round_,
                                decision__application=applying_for(round_, 250_000, organisation=organisation))
    files_before = stored_files(media)

    with pytest.raises(ValidationError):
        report_save(report=report, user=member(organisation, Role.EDITOR), data={"overall_account": "Tekst"},
                    lines={}, base_version=report.version, upload=hostile_upload(name, content))

    report.refresh_from_db()
    assert (report.version, report.overall_account, report.auditor_statement.name) == (0, "", "")
    assert stored_files(media) == files_before  # the decision's letter, nothing more


def multipart(fields: dict, *, file_field: str, file_name: str, content: bytes) -> tuple[bytes, str]:
    """A multipart body whose file name is sent byte for byte as given (the test client would clean it)."""
    boundary = "HostileBoundary7MA4YWxkTrZu0gW"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
             for name, value in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{file_name}"\r\n'
                 f"Content-Type: application/pdf\r\n\r\n".encode("utf-8", "surrogatepass") + content + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


@pytest.mark.parametrize("file_name", [
    "../../etc/plan.pdf", "..\\..\\plan.pdf", "plan\u202efdp.exe.pdf", "plan\x07\x1b.pdf", "plan\u200b.pdf",
    "a" * 240 + ".pdf", "C:plan.pdf",
], ids=["traversal", "backslash-traversal", "rtl-override", "control", "zero-width", "long", "drive"])
def test_a_hostile_name_sent_over_http_is_refused_or_stored_only_under_a_safe_name(plan_page, media, file_name):
    """Django's multipart parser drops paths and unprintable characters before any code of ours sees the
    name; whatever reaches the upload check is refused with a message or kept only as a safe name."""
    client, application = plan_page
    body, content_type = multipart({"competence_plan_updated_on": "2024-03-12", "competence_plan_adopted_by":
                                    "Kommunestyret", "version": "0"}, file_field="file", file_name=file_name,
                                   content=MINIMAL_PDF)
    response = client.post(url("applications:plan", application), data=body, content_type=content_type)

    assert response.status_code in (200, 302)
    attachment = Attachment.objects.filter(application=application).first()
    if response.status_code == 200:
        assert response.context["form"].errors["file"]
        assert attachment is None and not [path for path in media.rglob("*") if path.is_file()]
    else:
        name = attachment.original_name
        assert name == safe_file_name(name, "pdf") and name.endswith(".pdf") and len(name) <= 104
        assert not any(c in name for c in "/\\:\u202e\u200b\x07\x1b")
        assert attachment.file.name.startswith(f"applications/{application.pk}/")
