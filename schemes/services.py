"""Writes for schemes and rounds."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .exceptions import RoundCopyError
from .models import DEFAULT_CRITERIA_WEIGHTS, AssessmentCriterion, Round, RoundChange, RoundChangeKind, RoundDocument


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
def _plain(value):
    """A field's value as JSON can hold it and a person can read it."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, list | tuple | set):
        return [_plain(item) for item in value]
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat(timespec="minutes") if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "name") and hasattr(value, "url"):  # a file
        return value.name or ""
    return str(value)


def round_field_changes(form) -> dict:
    """What a saved form of a round (or of one of its parts) changed: {field: {"from", "to"}}."""
    changes = {}
    for name in form.changed_data:
        before = form.initial.get(name)
        field = form.fields.get(name)
        if field is not None and hasattr(field, "to_python") and before is not None and not isinstance(before, list):
            try:
                before = field.to_python(before)
            except (ValidationError, TypeError, ValueError):  # the value as it was is what the log keeps
                pass
        before, after = _plain(before), _plain(form.cleaned_data.get(name))
        if before != after:  # the same value written differently ("14, 7, 1" and [14, 7, 1]) is no change
            changes[name] = {"from": before, "to": after}
    return changes


def round_parts_changes(formset) -> list[dict]:
    """What a saved inline formset (criteria, documents) added, changed and removed."""
    parts = [{"action": "added", "item": str(obj)} for obj in formset.new_objects]
    for obj, _fields in formset.changed_objects:
        form = next((f for f in formset.forms if f.instance.pk == obj.pk), None)
        parts.append({"action": "changed", "item": str(obj),
                      "fields": round_field_changes(form) if form is not None else {}})
    parts += [{"action": "removed", "item": str(obj)} for obj in formset.deleted_objects]
    return parts


def round_change_record(*, round: Round, user, kind: str, data: dict | None = None) -> RoundChange:
    """Write one change of a round's configuration into the audit trail."""
    return RoundChange.objects.create(round_id=round.pk, round_name=str(round), office_id=round.office_id,
                                      kind=kind, actor=user, data=data or {})


def round_copy_to_next_year(*, round: Round, user=None) -> Round:
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
    round_change_record(round=copy, user=user, kind=RoundChangeKind.COPIED,
                        data={"from_round": round.pk, "from_round_name": str(round)})
    return copy


def round_lock(*, round_id: int) -> None:
    """Lock the round's row until the transaction ends: casework serialises on it whatever changes
    the round's total proposed (award changes, approvals), so the budget guard cannot be raced.
    Locks are always taken application first, then round."""
    list(Round.objects.select_for_update().filter(pk=round_id).values_list("pk", flat=True))
