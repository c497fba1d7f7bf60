"""Uploaded files: the type is read from the content (magic bytes) and must be what the name's ending
says; the name is checked, made safe and kept only for display; sizes and counts are limited per file
and per application. A file that is also something else (a PDF that is also a web page, an office
file with macros or scripts inside), an encrypted or broken PDF and a zip bomb are refused."""

import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

PDF = ("pdf", "application/pdf")
DOCX = ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
ODT = ("odt", "application/vnd.oasis.opendocument.text")
ALLOWED_DESCRIPTION = "PDF, DOCX, ODT"
EXTENSIONS = {PDF[0], DOCX[0], ODT[0]}

# What a browser that sniffs the bytes would take for a web page (HTML, SVG, script), wherever it is.
# Each marker is long enough not to turn up by chance in compressed data.
WEB_MARKERS = re.compile(
    rb"<(?:html|script|!doctype|iframe|body|object|embed|frameset|\?php|svg[\s/>])|javascript:",
    re.IGNORECASE,
)
# A PDF's actions that run something: scripts, programs, embedded files, rich media, forms that post.
PDF_ACTIVE_NAMES = frozenset({"/JavaScript", "/JS", "/Launch", "/EmbeddedFile", "/EmbeddedFiles",
                              "/RichMedia", "/SubmitForm", "/ImportData", "/GoToE", "/XFA"})
PDF_ACTIVE_RAW = re.compile(rb"/(?:JavaScript|JS|Launch|EmbeddedFiles?|RichMedia|SubmitForm|ImportData|GoToE|XFA)"
                            rb"(?![A-Za-z0-9#])")
# Parts of an office file that are not a document: web pages, scripts, programs, macros.
ZIP_ACTIVE_ENDINGS = (".html", ".htm", ".xhtml", ".mht", ".mhtml", ".js", ".mjs", ".svg", ".svgz", ".hta",
                      ".vbs", ".vba", ".wsf", ".exe", ".dll", ".bat", ".cmd", ".ps1", ".jar", ".swf", ".scr")
ZIP_ACTIVE_NAMES = ("vbaproject.bin", "vbadata.xml")
ZIP_ACTIVE_FOLDERS = ("macros", "basic", "scripts")  # ODT keeps macros under Basic/ and Scripts/
ZIP_ACTIVE_DECLARATIONS = re.compile(rb"macroEnabled|vbaProject|text/html|javascript|application/x-ms",
                                     re.IGNORECASE)
# Characters a name never needs: control and format characters (NUL, RTL override, zero-width), lone
# surrogates, private use, unassigned, line and paragraph separators.
NAME_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


@dataclass(frozen=True)
class InspectedUpload:
    extension: str
    content_type: str
    safe_name: str
    size: int
    sha256: str


class _Refused(Exception):
    """Raised inside the checks of a file's content; turned into a ValidationError with the file's name."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def _refusal_message(code: str, name: str) -> str:
    messages = {
        "web_content": _("%(name)s contains a web page or a script as well as a document. Save it again as "
                         "a plain PDF, DOCX or ODT file and upload that."),
        "active_content": _("%(name)s contains macros, scripts, programs or embedded files. Save it again "
                            "without them (for example print it to PDF) and upload that."),
        "encrypted": _("%(name)s is encrypted or password protected. Upload a copy without a password."),
        "malformed": _("%(name)s is damaged or incomplete and cannot be read. Save it again and upload that."),
        "zip_bomb": _("%(name)s unpacks to far more than a document does and was refused."),
        "archive_names": _("%(name)s has parts whose names point outside the file. It was refused."),
        "too_complex": _("%(name)s is too complex to be checked. Save it again (for example print it to PDF) "
                         "and upload that."),
    }
    return messages[code] % {"name": name}


def _check_pdf(data: bytes) -> None:
    if data.rfind(b"%%EOF") == -1:
        raise _Refused("malformed")
    if PDF_ACTIVE_RAW.search(re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m[1], 16)]), data)):
        raise _Refused("active_content")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise _Refused("encrypted")
        if not isinstance(reader.trailer.get("/Root"), IndirectObject | DictionaryObject):
            raise _Refused("malformed")
        _walk_pdf(reader)
    except _Refused:
        raise
    except Exception as error:  # noqa: BLE001 - pypdf may raise anything on hostile bytes: all mean "broken"
        raise _Refused("malformed") from error


def _walk_pdf(reader: PdfReader) -> None:
    """Every object reachable from the trailer, compressed object streams included: no active action."""
    seen: set[tuple[int, int]] = set()
    stack = [reader.trailer]
    limit = settings.UPLOAD_MAX_PDF_OBJECTS
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            if len(seen) > limit:
                raise _Refused("too_complex")
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            for key, value in item.items():
                if key in PDF_ACTIVE_NAMES or (key == "/S" and value in PDF_ACTIVE_NAMES):
                    raise _Refused("active_content")
                stack.append(value)
        elif isinstance(item, ArrayObject):
            stack.extend(item)


def _check_zip(archive: zipfile.ZipFile) -> None:
    members = archive.infolist()
    if len(members) > settings.UPLOAD_MAX_ARCHIVE_MEMBERS:
        raise _Refused("zip_bomb")
    unpacked = 0
    for member in members:
        name = member.filename
        parts = name.split("/")
        if (name.startswith("/") or "\\" in name or ".." in parts or re.match(r"^[A-Za-z]:", name)
                or any(unicodedata.category(c) in NAME_FORBIDDEN_CATEGORIES for c in name)):
            raise _Refused("archive_names")
        lowered = name.lower()
        if (lowered.endswith(ZIP_ACTIVE_ENDINGS) or parts[-1].lower() in ZIP_ACTIVE_NAMES
                or any(part.lower() in ZIP_ACTIVE_FOLDERS for part in parts[:-1])):
            raise _Refused("active_content")
        unpacked += member.file_size
        if member.file_size > 1024 * 1024 and (
                member.file_size > settings.UPLOAD_MAX_COMPRESSION_RATIO * max(member.compress_size, 1)):
            raise _Refused("zip_bomb")
    if unpacked > settings.UPLOAD_MAX_UNPACKED_BYTES:
        raise _Refused("zip_bomb")
    # Read every part: its checksum proves it whole. zipfile never unpacks more than a part declares,
    # so the declared sizes checked above bound the work.
    for member in members:
        with archive.open(member) as part:
            declarations = member.filename in ("[Content_Types].xml", "META-INF/manifest.xml")
            head = b""
            while chunk := part.read(1024 * 1024):
                if declarations and len(head) < 1024 * 1024:
                    head += chunk
        if declarations and ZIP_ACTIVE_DECLARATIONS.search(head):
            raise _Refused("active_content")


def _detect(head: bytes, data: bytes) -> tuple[str, str] | None:
    """The type by content, or None; raises _Refused for a file of that type that must not be kept."""
    if head.startswith(b"%PDF-"):
        _check_pdf(data)
        return PDF
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
                detected = None
                if "mimetype" in names and archive.read("mimetype").strip() == ODT[1].encode():
                    detected = ODT
                elif "[Content_Types].xml" in names and "word/document.xml" in names:
                    detected = DOCX
                if detected is not None:
                    _check_zip(archive)
                return detected
        except _Refused:
            raise
        except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, OSError, EOFError, ValueError,
                NotImplementedError, RuntimeError, UnicodeDecodeError) as error:
            # a broken zip, an unknown compression, a part with a password
            raise _Refused("malformed") from error
    return None


def name_problem(name: str) -> str | None:
    """Why a file's name is refused, or None: a path, a control or invisible character, too long."""
    if len(name) > settings.UPLOAD_MAX_NAME_CHARS:
        return _("The file's name is %(length)s characters long; it may be at most %(limit)s.") % {
            "length": len(name), "limit": settings.UPLOAD_MAX_NAME_CHARS}
    if "/" in name or "\\" in name or name in (".", ".."):
        return _("The file's name contains a folder path. Upload the file under its own name only.")
    if any(unicodedata.category(c) in NAME_FORBIDDEN_CATEGORIES for c in name):
        return _("The file's name contains control or invisible characters. Rename the file and upload it again.")
    return None


def safe_file_name(name: str, extension: str) -> str:
    """'../../Kompetanseplan 2020 (vedtatt).pdf' -> 'Kompetanseplan_2020_vedtatt.pdf', extension by content."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = unicodedata.normalize("NFC", stem)
    stem = "".join(c for c in stem if unicodedata.category(c) not in NAME_FORBIDDEN_CATEGORIES)
    try:
        stem = get_valid_filename(stem.replace("(", "").replace(")", ""))
    except SuspiciousFileOperation:  # nothing usable left, e.g. ".pdf" or "«».pdf"
        stem = ""
    stem = stem.lstrip(".-_")[:100] or "dokument"
    return f"{stem}.{extension}"


def upload_inspect(uploaded_file, *, already_stored_bytes: int = 0, already_stored_files: int = 0) -> InspectedUpload:
    """Check an upload and describe it. Raises ValidationError with a message for the user."""
    raw_name = uploaded_file.name or ""
    problem = name_problem(raw_name)
    if problem:
        raise ValidationError(problem, code="file_name")
    display = safe_file_name(raw_name, "?").rsplit(".", 1)[0]
    if already_stored_files >= settings.UPLOAD_MAX_APPLICATION_FILES:
        raise ValidationError(
            _("The application already has as many files as it may have (%(limit)s). Remove one before adding "
              "another.") % {"limit": settings.UPLOAD_MAX_APPLICATION_FILES}, code="too_many_files")
    size = uploaded_file.size
    limit = settings.UPLOAD_MAX_FILE_BYTES
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if size > limit:
        raise ValidationError(
            _("The file is %(size)s; a file may be at most %(limit)s.") % {
                "size": filesizeformat(size), "limit": filesizeformat(limit)}, code="too_large")
    total_limit = settings.UPLOAD_MAX_APPLICATION_BYTES
    if already_stored_bytes + size > total_limit:
        raise ValidationError(
            _("The application's files may be at most %(limit)s together; %(used)s are already used.") % {
                "limit": filesizeformat(total_limit), "used": filesizeformat(already_stored_bytes)},
            code="application_too_large")
    uploaded_file.seek(0)
    data = uploaded_file.read()
    uploaded_file.seek(0)
    if len(data) != size:  # the size the upload declared is not what it holds
        raise ValidationError(_refusal_message("malformed", display), code="malformed")
    try:
        detected = _detect(data[:8], data)
        if detected is not None and WEB_MARKERS.search(data):
            raise _Refused("web_content")
    except _Refused as refused:
        raise ValidationError(_refusal_message(refused.code, display), code=refused.code) from None
    if detected is None:
        raise ValidationError(
            _("%(name)s is not a PDF, DOCX or ODT file (its content was checked, not its name).") % {
                "name": display},
            code="file_type")
    extension, content_type = detected
    named = raw_name.rsplit(".", 1)[-1].lower() if "." in raw_name else ""
    if not named:
        raise ValidationError(
            _("%(name)s has no ending. Name the file so that it ends in .%(extension)s and upload it again.") % {
                "name": display, "extension": extension}, code="extension_mismatch")
    if named != extension:
        raise ValidationError(
            _("%(name)s is a %(actual)s file, but its name ends in .%(named)s. A file must be what its name "
              "says: rename it to end in .%(extension)s, or upload the right file.") % {
                "name": display, "actual": extension.upper(), "named": named, "extension": extension},
            code="extension_mismatch")
    return InspectedUpload(
        extension=extension, content_type=content_type, safe_name=safe_file_name(raw_name, extension),
        size=size, sha256=hashlib.sha256(data).hexdigest(),
    )
