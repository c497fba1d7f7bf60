"""Reads of the archive: the copies of a case and of a round (for the office's pages), and what the
catch-up must make."""

import datetime as dt

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from casework.models import Decision, DecisionStatus
from portal.mail import FIRST_TRY, RETRY_FOR, STUCK_AFTER

from .models import ArchiveCopy

# a requested copy not made this long after it was last queued: its task was lost (or gave up)
NOT_MADE_AFTER = FIRST_TRY
# the catch-up queues at most this many copies a run (a backlog is worked off run by run)
CATCH_UP_BATCH = 50


def archive_copies_of_case(*, decision: Decision) -> list[ArchiveCopy]:
    """Every version of the case's copy, the newest first, with who asked for it and its filed documents."""
    return list(ArchiveCopy.objects.filter(decision=decision).select_related("requested_by")
                .prefetch_related("files").order_by("-version"))


def archive_cases_of_round(*, round_) -> QuerySet[Decision]:
    """The round's sent decisions, each with its copies (newest first) as `copies`: two queries."""
    return (Decision.objects.filter(application__round=round_, status=DecisionStatus.SENT)
            .select_related("application__organisation", "application__round")
            .prefetch_related(Prefetch("archive_copies", queryset=ArchiveCopy.objects.order_by("-version"),
                                       to_attr="copies"))
            .order_by("application__organisation__name", "pk"))


def decisions_sent_without_copy() -> QuerySet[Decision]:
    """Sent decisions that have no copy at all (sent before the archive, or the request was lost)."""
    return Decision.objects.filter(status=DecisionStatus.SENT, archive_copies__isnull=True)


def _not_made() -> QuerySet[ArchiveCopy]:
    return ArchiveCopy.objects.filter(made_at__isnull=True, failed_at__isnull=True)


def archive_copies_to_queue(*, now: dt.datetime | None = None) -> QuerySet[ArchiveCopy]:
    """Copies not made and not given up, last queued (or, never queued, requested) more than
    `NOT_MADE_AFTER` ago and requested less than `RETRY_FOR` ago: the longest waiting first."""
    now = now or timezone.now()
    return (_not_made().annotate(last_queued=Coalesce("queued_at", "requested_at"))
            .filter(last_queued__lte=now - NOT_MADE_AFTER, requested_at__gt=now - RETRY_FOR)
            .order_by("last_queued", "pk"))


def archive_copies_given_up(*, now: dt.datetime | None = None) -> QuerySet:
    """The ids of copies still not made `RETRY_FOR` after they were requested, not yet marked failed."""
    now = now or timezone.now()
    return _not_made().filter(requested_at__lte=now - RETRY_FOR).order_by("pk").values_list("pk", flat=True)


def archive_copies_stuck(*, office_ids: set[int], now: dt.datetime | None = None) -> QuerySet[ArchiveCopy]:
    """The copies of these offices' cases that failed (given up after `RETRY_FOR`: the office admin may
    ask for a new version) or are still not made `STUCK_AFTER` after they were requested; a copy a
    later version has replaced, made, is left out."""
    now = now or timezone.now()
    replaced = ArchiveCopy.objects.filter(decision=OuterRef("decision"), version__gt=OuterRef("version"),
                                          made_at__isnull=False)
    return (ArchiveCopy.objects.filter(made_at__isnull=True, decision__application__round__office_id__in=office_ids)
            .filter(Q(failed_at__isnull=False) | Q(requested_at__lt=now - STUCK_AFTER))
            .exclude(Exists(replaced)))
