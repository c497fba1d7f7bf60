"""Writes of the archive: request a copy (when the decision is sent, or a new version on purpose)
and make a requested copy, once.

A copy is requested as a row (its version, who asked and why) and made by `archive_copy_task`
(`making.archive_copy_make`) after commit: the row is the log of who asked for each version and why, and a request whose task
was lost is found and queued again by the catch-up (`archive_catch_up_task`), until it gives up and
marks the copy failed; the office admin may then ask for a new version."""

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application
from casework.models import Decision, DecisionStatus

from .exceptions import ArchiveError
from .models import ArchiveCopy
from .permissions import can_reproduce_archive_copy
from .tasks import archive_copy_task

REASON_MAX_LENGTH = 1000


def _queue(copy: ArchiveCopy) -> None:
    """Count the queuing (the catch-up waits from it) and queue the task after commit."""
    copy_pk = copy.pk
    ArchiveCopy.objects.filter(pk=copy_pk).update(queued_at=timezone.now(), attempts=F("attempts") + 1)
    transaction.on_commit(lambda: archive_copy_task.delay(copy_pk), robust=True)


def archive_copy_request_first(*, decision: Decision) -> ArchiveCopy | None:
    """Request version 1 of the sent decision's copy, once (None when it was already requested)."""
    copy, created = ArchiveCopy.objects.get_or_create(decision=decision, version=1)
    if not created:
        return None
    _queue(copy)
    return copy


def archive_copy_request_on_send(sender, *, decision: Decision, user, **kwargs) -> None:
    """Receiver of `casework.signals.decision_sent`, inside the sending transaction: the first copy
    is requested with the sending and made after it commits."""
    archive_copy_request_first(decision=decision)


def archive_copy_request_new(*, decision: Decision, user, reason: str) -> ArchiveCopy:
    """A new version of the case's copy, on purpose: only by whom `can_reproduce_archive_copy`
    allows, with a reason; the versions before it are kept. Raises ArchiveError with the reason."""
    verdict = can_reproduce_archive_copy(user, decision.application)
    if not verdict:
        raise ArchiveError(verdict.reason)
    reason = (reason or "").strip()
    if not reason:
        raise ArchiveError(_("Say why a new version of the archive copy is needed."))
    if len(reason) > REASON_MAX_LENGTH:
        raise ArchiveError(_("The reason can be at most %(count)s characters.") % {"count": REASON_MAX_LENGTH})
    with transaction.atomic():
        # application, then decision: the order every write takes them in (docs/architecture.md)
        list(Application.objects.select_for_update(of=("self",)).filter(pk=decision.application_id)
             .values_list("pk"))
        locked = Decision.objects.select_for_update(of=("self",)).get(pk=decision.pk)
        if locked.status != DecisionStatus.SENT:
            raise ArchiveError(_("Only a decision whose letter is sent has an archive copy."))
        copies = ArchiveCopy.objects.filter(decision=locked)
        # a version not made blocks a new one while it is being made; one given up (failed) does not
        if copies.filter(made_at__isnull=True, failed_at__isnull=True).exists():
            raise ArchiveError(_("A version of the archive copy is being made. Wait until it is ready."))
        latest = copies.aggregate(latest=Max("version"))["latest"] or 0
        copy = ArchiveCopy.objects.create(decision=locked, version=latest + 1, requested_by=user, reason=reason)
        _queue(copy)
    return copy
