"""Reads of the archive: the copies of a case and of a round (for the office's pages), and what the
catch-up must make."""

import datetime as dt

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from casework.models import Decision, DecisionStatus

from .models import ArchiveCopy

# a requested copy not made this long after it was requested: its task was lost (or gave up)
NOT_MADE_AFTER = dt.timedelta(minutes=10)


def archive_copies_of_case(*, decision: Decision) -> list[ArchiveCopy]:
    """Every version of the case's copy, the newest first, with who asked for it."""
    return list(ArchiveCopy.objects.filter(decision=decision).select_related("requested_by").order_by("-version"))


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


def archive_copies_not_made(*, now: dt.datetime | None = None) -> QuerySet:
    """The ids of copies requested more than `NOT_MADE_AFTER` ago and not made."""
    now = now or timezone.now()
    return (ArchiveCopy.objects.filter(made_at__isnull=True, requested_at__lte=now - NOT_MADE_AFTER)
            .order_by("pk").values_list("pk", flat=True))
