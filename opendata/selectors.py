"""Reads of open data, each in a constant number of queries however many grants there are. Only
what `rules.PUBLISHED_DECISION_STATUSES` lets through is read, and of it only the fields the
published documents carry (`openapi.GRANT_FIELDS`): never a person, a note, a reason or a title."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Max, Q, Sum
from django.utils import timezone

from applications.models import LinePart
from applications.rules import NOT_IN_PLAY
from casework.models import Decision
from portal.offices import office_title
from schemes.models import Round

from .rules import PUBLISHED_DECISION_STATUSES

# Open data names each office as it was officially called in the round's year, in bokmål (the
# documents are the same for every reader, whatever language the portal shows them)
OFFICIAL_LANGUAGE = "nb"


@dataclass(frozen=True)
class PublishedRound:
    id: int
    scheme: str
    year: int
    office_id: str
    office: str
    decisions_published: int
    amount_awarded: int
    all_decisions_sent: bool
    last_published_at: dt.datetime


@dataclass(frozen=True)
class Grant:
    """What one organisation was awarded in one part (and kind of measure) of one decision."""

    office: str
    year: int
    organisation: str
    organisation_number: str
    part: str
    kind: str | None
    amount_awarded: int
    decision_date: dt.date


def _published(prefix: str = "") -> Q:
    return Q(**{f"{prefix}status__in": PUBLISHED_DECISION_STATUSES})


def rounds_published(*, round_id: int | None = None) -> list[PublishedRound]:
    """The rounds with at least one published decision (one query), newest year first, then by office."""
    published = _published("applications__decision__")
    rounds = (
        Round.objects.select_related("office", "scheme")
        .annotate(
            decisions_published=Count("applications__decision", filter=published),
            amount_awarded=Sum("applications__decision__total_awarded", filter=published),
            last_published_at=Max("applications__decision__sent_at", filter=published),
            in_play=Count("applications", filter=~Q(applications__status__in=NOT_IN_PLAY)),
        )
        .filter(decisions_published__gt=0)
        .order_by("-year", "office__name", "pk")
    )
    if round_id is not None:
        rounds = rounds.filter(pk=round_id)
    return [PublishedRound(
        id=round_.pk, scheme=round_.scheme.slug, year=round_.year, office_id=round_.office.slug,
        office=office_title(round_.office, round_.year, language=OFFICIAL_LANGUAGE),
        decisions_published=round_.decisions_published, amount_awarded=round_.amount_awarded or 0,
        all_decisions_sent=round_.decisions_published >= round_.in_play,
        last_published_at=round_.last_published_at,
    ) for round_ in rounds]


def round_published_get(*, round_id: int) -> PublishedRound | None:
    """The round, if it has a published decision; None otherwise (unknown, or nothing sent yet)."""
    found = rounds_published(round_id=round_id)
    return found[0] if found else None


def grants_published(*, round_: PublishedRound) -> list[Grant]:
    """The round's published grants (one query): per decision, one grant for each part and kind of
    measure that was awarded more than 0 kr, summed over its lines as the decision stored them. By
    organisation, then part (competence measures first) and kind."""
    decisions = (
        Decision.objects.filter(_published(), application__round_id=round_.id, total_awarded__gt=0)
        .select_related("application__organisation")
        .only("lines", "approved_at", "application__organisation__name",
              "application__organisation__organisation_number")
        .order_by("application__organisation__name", "pk")
    )
    part_order = {part: position for position, part in enumerate(LinePart.values)}
    grants = []
    for decision in decisions:
        organisation = decision.application.organisation
        awarded = defaultdict(int)
        for line in decision.lines:
            if line.get("awarded"):
                kind = (line.get("kind") or None) if line["part"] == LinePart.MEASURE else None
                awarded[(line["part"], kind)] += line["awarded"]
        decision_date = timezone.localtime(decision.approved_at).date()  # the letter's date
        for (part, kind), amount in sorted(awarded.items(), key=lambda item: (part_order[item[0][0]],
                                                                              item[0][1] or "")):
            grants.append(Grant(
                office=round_.office, year=round_.year, organisation=organisation.name,
                organisation_number=organisation.organisation_number, part=part, kind=kind,
                amount_awarded=amount, decision_date=decision_date,
            ))
    return grants
