"""The application's files: each checked by its content and size before it is stored under a random
name, each upload and removal an event in the history."""

from django.db import transaction

from portal.uploads import upload_inspect

from ..completeness import SectionKey
from ..models import Application, Attachment, AttachmentKind, EventKind
from .editing import event_write, lock_for_edit


def attachment_add(*, application: Application, user, kind: str, upload) -> Attachment:
    """Check the file by its content and size, store it under a random name, record the event."""
    with transaction.atomic():
        locked = lock_for_edit(application, user)
        sizes = list(locked.attachments.values_list("size", flat=True))
        inspected = upload_inspect(upload, already_stored_bytes=sum(sizes), already_stored_files=len(sizes))
        upload.name = inspected.safe_name
        attachment = Attachment.objects.create(
            application=locked, kind=kind, file=upload, original_name=inspected.safe_name,
            content_type=inspected.content_type, size=inspected.size, sha256=inspected.sha256, uploaded_by=user,
        )
        event_write(locked, user, EventKind.FILE_UPLOADED,
                    section=SectionKey.PLAN if kind == AttachmentKind.COMPETENCE_PLAN else "",
                    object_id=attachment.pk, data={"name": inspected.safe_name, "size": inspected.size, "kind": kind})
    return attachment


def attachment_remove(*, application: Application, user, attachment: Attachment) -> None:
    with transaction.atomic():
        locked = lock_for_edit(application, user)
        attachment = locked.attachments.get(pk=attachment.pk)
        attachment_id, name = attachment.pk, attachment.original_name  # delete() clears the pk
        stored = attachment.file.name
        storage = attachment.file.storage
        attachment.delete()
        event_write(locked, user, EventKind.FILE_REMOVED, object_id=attachment_id, data={"name": name})
        transaction.on_commit(lambda: storage.delete(stored))
