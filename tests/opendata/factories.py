"""Decided applications as open data reads them: lines of several parts and kinds, with awards,
their decision made through the casework factories (`DecisionFactory`) up to the state asked for.

Every text a person wrote, or that names a person, carries a unique marker (`MARKERS`), so a test can
assert none of it reaches a published document."""

from applications.models import MeasureKind
from casework.models import Assessment
from casework.services.assessments import assessment_save
from portal.models import Role
from tests.applications.factories import (
    ApplicationFactory,
    CompetenceMeasureFactory,
    InnovationProjectFactory,
    staff,
)
from tests.casework.factories import DecisionFactory
from tests.schemes.factories import TargetGroupFactory

MARKERS = {
    "contact_name": "Xqzpersonmarker Kontaktsen",
    "contact_email": "xqz-contact-marker@kommune.example",
    "contact_phone": "+47 99 88 77 66",
    "note": "XQZ-INTERNAL-NOTE-MARKER",
    "reasons": "XQZ-REASONS-MARKER",
    "conditions": "XQZ-CONDITIONS-MARKER",
    "title": "XQZ-TITLE-MARKER",
    "description": "XQZ-DESCRIPTION-MARKER",
    "priorities": "XQZ-PRIORITIES-MARKER",
}


def decided(round_, *, measures=(), projects=(), approved=True, sent=True, organisation=None):
    """An application of `round_` with one competence measure per `(kind, applied, awarded)` and one
    innovation project per `(applied, awarded)`, assessed with an internal note, and its decision
    proposed (and approved, and sent, as asked). Returns the decision."""
    extra = {"organisation": organisation} if organisation else {}
    application = ApplicationFactory(
        round=round_, submitted=True, contact_name=MARKERS["contact_name"], contact_email=MARKERS["contact_email"],
        contact_phone=MARKERS["contact_phone"], project_priorities=MARKERS["priorities"], **extra)
    group = TargetGroupFactory(scheme=round_.scheme)
    awards = {}
    for kind, applied, awarded in measures:
        line = CompetenceMeasureFactory(application=application, kind=kind, amount_applied=applied, total_cost=applied,
                                        own_funding=0, target_group=group, title=MARKERS["title"],
                                        description=MARKERS["description"])
        awards[("measure", line.pk)] = awarded
    for applied, awarded in projects:
        line = InnovationProjectFactory(application=application, amount_applied=applied, total_budget=applied,
                                        own_share=0, title=MARKERS["title"], description=MARKERS["description"])
        awards[("project", line.pk)] = awarded
    caseworker = staff(round_.office, Role.CASEWORKER)
    assessment_save(application=application, user=caseworker, scores={}, notes=MARKERS["note"], awards=awards,
                    base_version=0)
    assert Assessment.objects.get(application=application).notes == MARKERS["note"]
    return DecisionFactory(application=application, awarded=awards, caseworker=caseworker,
                           reasons=MARKERS["reasons"], conditions=MARKERS["conditions"],
                           approved=approved, sent=sent)


def simple(round_, awarded=100_000, **kwargs):
    """A decision of one further-education measure of 200 000 kr, `awarded` of it."""
    return decided(round_, measures=[(MeasureKind.FURTHER_EDUCATION, 200_000, awarded)], **kwargs)
