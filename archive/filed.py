"""The documents of a case that the archive files as they were stored, unchanged: the receipt of the
application's last submission (`applications.Receipt.pdf`, what the municipality submitted), the
decision letter as sent (`casework.Decision.letter_pdf`) and every attachment as uploaded. Their
bytes are read, never rendered again: a rendering made today would show today's data (an office's
new postal address, a renamed organisation), not what was sent.

The attachments are filed with the copy (not only listed): the Noark metadata refers to files, and
an archive that receives the copy must find every file it names in the copy itself, checked by its
SHA-256. An attachment whose bytes no longer match the checksum taken at upload is refused (the copy
would otherwise file something other than what was submitted)."""

import hashlib
import re
from dataclasses import dataclass
from pathlib import PurePath

from applications.models import Receipt

from .exceptions import ArchiveError, ArchiveNotReady
from .models import ArchiveFileRole
from .noark import PDF_A_2A  # the portal's receipts and letters are PDF/A-2a (portal.pdf)


@dataclass(frozen=True)
class FiledDocument:
    role: str  # ArchiveFileRole
    position: int
    name: str  # within the copy: what the metadata refers to
    title: str
    content: bytes
    format: str
    variant: str  # Noark variantformat
    created: object  # datetime
    source_pk: int

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    @property
    def size(self) -> int:
        return len(self.content)


def _read(field_file, what: str) -> bytes:
    if not field_file:
        raise ArchiveNotReady(f"{what} is not stored yet.")
    try:
        with field_file.open("rb") as handle:
            return handle.read()
    except FileNotFoundError as error:
        raise ArchiveNotReady(f"{what} is missing from the storage ({field_file.name}).") from error


def _extension(original_name: str) -> str:
    suffix = PurePath(original_name).suffix.lower()
    return suffix if re.fullmatch(r"\.[a-z0-9]{1,10}", suffix) else ".bin"


def last_receipt(application) -> Receipt | None:
    """The stored receipt of the application's last submission (the application as decided)."""
    return (Receipt.objects.filter(application_id=application.pk, submission_number=application.submission_count)
            .exclude(pdf="").first())


def case_documents(case: dict, *, stem: str, titles: dict) -> list[FiledDocument]:
    """The case's stored documents, read unchanged, in the order they are filed: the receipt, the
    letter, the attachments. Raises ArchiveNotReady when one is not stored (yet), ArchiveError when
    an attachment is not what was uploaded."""
    decision, application = case["decision"], case["application"]
    receipt = case["receipt"]
    if receipt is None:
        raise ArchiveNotReady(f"The receipt of application {application.pk}'s last submission is not made yet.")
    documents = [
        FiledDocument(role=ArchiveFileRole.RECEIPT, position=1, name=f"{stem}-soknad.pdf",
                      title=titles["application"], content=_read(receipt.pdf, f"Receipt {receipt.pk}"),
                      format=PDF_A_2A, variant="Arkivformat", created=receipt.created_at, source_pk=receipt.pk),
        FiledDocument(role=ArchiveFileRole.LETTER, position=2, name=f"{stem}-vedtaksbrev.pdf",
                      title=titles["decision"], content=_read(decision.letter_pdf, f"Decision {decision.pk}'s letter"),
                      format=PDF_A_2A, variant="Arkivformat",
                      created=decision.letter_created_at or decision.sent_at, source_pk=decision.pk),
    ]
    for number, attachment in enumerate(case["attachments"], 1):
        content = _read(attachment.file, f"Attachment {attachment.pk}")
        document = FiledDocument(
            role=ArchiveFileRole.ATTACHMENT, position=2 + number,
            name=f"{stem}-vedlegg-{number}{_extension(attachment.original_name)}", title=attachment.original_name,
            content=content, format=attachment.content_type or "application/octet-stream",
            variant="Produksjonsformat", created=attachment.uploaded_at, source_pk=attachment.pk)
        if document.sha256 != attachment.sha256:
            raise ArchiveError(f"Attachment {attachment.pk} no longer matches the checksum taken at upload.")
        documents.append(document)
    return documents
