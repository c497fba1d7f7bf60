"""Uploaded files: the type is read from the content (magic bytes), never from the name; the name
is made safe and kept only for display; sizes are limited per file and per application."""

import hashlib
import io
import unicodedata
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

PDF = ("pdf", "application/pdf")
DOCX = ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
ODT = ("odt", "application/vnd.oasis.opendocument.text")
ALLOWED_DESCRIPTION = "PDF, DOCX, ODT"


@dataclass(frozen=True)
class InspectedUpload:
    extension: str
    content_type: str
    safe_name: str
    size: int
    sha256: str


def _detect(head: bytes, data: bytes) -> tuple[str, str] | None:
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
                if "mimetype" in names and archive.read("mimetype").strip() == ODT[1].encode():
                    return ODT
                if "[Content_Types].xml" in names and "word/document.xml" in names:
                    return DOCX
        except (zipfile.BadZipFile, KeyError, OSError):
            return None
    return None


def safe_file_name(name: str, extension: str) -> str:
    """'../../Kompetanseplan 2020 (vedtatt).pdf' -> 'Kompetanseplan_2020_vedtatt.pdf', extension by content."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = unicodedata.normalize("NFC", stem)
    try:
        stem = get_valid_filename(stem.replace("(", "").replace(")", ""))
    except SuspiciousFileOperation:  # nothing usable left, e.g. ".pdf" or "«».pdf"
        stem = ""
    stem = stem.lstrip(".-_")[:100] or "dokument"
    return f"{stem}.{extension}"


def upload_inspect(uploaded_file, *, already_stored_bytes: int = 0) -> InspectedUpload:
    """Check an upload and describe it. Raises ValidationError with a message for the user."""
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
    detected = _detect(data[:8], data)
    if detected is None:
        raise ValidationError(
            _("%(name)s is not a PDF, DOCX or ODT file (its content was checked, not its name).") % {
                "name": safe_file_name(uploaded_file.name or "", "?").rsplit(".", 1)[0]},
            code="file_type")
    extension, content_type = detected
    return InspectedUpload(
        extension=extension, content_type=content_type, safe_name=safe_file_name(uploaded_file.name or "", extension),
        size=size, sha256=hashlib.sha256(data).hexdigest(),
    )
