"""Celery tasks of the archive: thin wrappers that take ids. Task names are explicit, so a message
queued before a deploy still finds its task after it."""

import logging

from celery import shared_task

from .exceptions import ArchiveError
from .making import archive_copies_catch_up, archive_copy_make

logger = logging.getLogger(__name__)


@shared_task(name="archive.archive_copy", bind=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5,
             dont_autoretry_for=(ArchiveError,))
def archive_copy_task(self, copy_id: int) -> int | None:
    """Make the requested archive copy, once; safe to run again (a copy made is left as it is).
    Returns the copy's id, or None when the archive refused (its decision is not sent, an attachment
    is not what was uploaded: retrying would not change that). A document not stored yet
    (ArchiveNotReady) is retried."""
    try:
        return archive_copy_make(copy_id=copy_id).pk
    except ArchiveError as error:
        logger.warning("Archive copy %s not made: %s", copy_id, error)
        return None


@shared_task(name="archive.catch_up")
def archive_catch_up_task() -> int:
    """Periodic (Celery beat): request the first copy of sent decisions without one, queue again the
    copies not made ten minutes after they were last queued (a lost task), a batch a run, and mark
    failed those not made within the retry window (`making.archive_copies_catch_up`). Making is
    done once, so this is always safe. Returns how many it queued."""
    copy_ids = archive_copies_catch_up()
    for copy_id in copy_ids:
        archive_copy_task.delay(copy_id)
    return len(copy_ids)
