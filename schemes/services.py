"""Writes for schemes and rounds."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .exceptions import RoundCopyError
from .models import DEFAULT_CRITERIA_WEIGHTS, AssessmentCriterion, Round, RoundDocument


def _one_year_later(moment: dt.datetime) -> dt.datetime:
    """The same local wall-clock time a year later (29 February becomes 28 February)."""
    local = timezone.localtime(moment)
    try:
        moved = local.replace(year=local.year + 1)
    except ValueError:
        moved = local.replace(year=local.year + 1, day=28)
    return timezone.make_aware(moved.replace(tzinfo=None))


def round_create_default_criteria(*, round: Round) -> list[AssessmentCriterion]:
    """The criteria the scheme's texts name, with default weights the office admin may change. Adds
    only those the round lacks (safe to call again), in two statements."""
    existing = set(round.criteria.values_list("kind", flat=True))
    AssessmentCriterion.objects.bulk_create((
        AssessmentCriterion(round=round, kind=kind, weight=weight, position=position)
        for position, (kind, weight) in enumerate(DEFAULT_CRITERIA_WEIGHTS.items()) if kind not in existing
    ), ignore_conflicts=True)  # an admin saving the same round at the same moment added it: fine
    return list(round.criteria.filter(kind__in=DEFAULT_CRITERIA_WEIGHTS))


@transaction.atomic
def round_copy_to_next_year(*, round: Round) -> Round:
    """Next year's round of the same office: dates moved a year, rules, criteria and documents
    copied, budget left empty and the copy unpublished until the office admin sets the budget."""
    next_year = round.year + 1
    if Round.objects.filter(scheme=round.scheme, office=round.office, year=next_year).exists():
        raise RoundCopyError(
            _("%(office)s already has a round for %(year)s.") % {"office": round.office, "year": next_year}
        )
    criteria = list(round.criteria.all())
    documents = list(round.documents.all())
    copy = Round.objects.get(pk=round.pk)
    copy.pk = None
    copy.id = None
    copy._state.adding = True
    copy.year = next_year
    copy.budget = None
    copy.published = False
    copy.opens_at = _one_year_later(round.opens_at)
    copy.closes_at = _one_year_later(round.closes_at)
    copy.reporting_deadline = _one_year_later(round.reporting_deadline)
    copy.save()
    AssessmentCriterion.objects.bulk_create(
        AssessmentCriterion(round=copy, kind=c.kind, name=c.name, weight=c.weight, position=c.position)
        for c in criteria
    )
    RoundDocument.objects.bulk_create(
        RoundDocument(round=copy, title=d.title, url=d.url, file=d.file.name if d.file else "", position=d.position)
        for d in documents
    )
    return copy


def round_lock(*, round_id: int) -> None:
    """Lock the round's row until the transaction ends: casework serialises on it whatever changes
    the round's total proposed (award changes, approvals), so the budget guard cannot be raced.
    Locks are always taken application first, then round."""
    list(Round.objects.select_for_update().filter(pk=round_id).values_list("pk", flat=True))
