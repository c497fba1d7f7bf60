"""The figures of rounds, counted in the database: a constant number of queries however many
applications, lines and reports the rounds hold (each query groups by round; the sums of several
rounds, per office or per year, are added here from those groups).

What each figure means (docs/architecture.md, "The figures"), every rule the lower app's own:

- applied: the lines of the applications in play (`applications.rules.NOT_IN_PLAY`: not drafts,
  not withdrawn);
- proposed: the proposed awards of those lines, the decided ones included (as the board and the
  approval's budget guard count them: `casework.selectors.round_total_proposed`);
- awarded: the awards of the lines whose decision is made (`casework.rules.DECISION_MADE_STATUSES`:
  approved or sent; from then on the assessment is locked, so the line's award is the decision's);
- remaining: the budget less what is proposed (the board's "remaining");
- rus og psykisk helse: competence measures that concern it (`concerns_mental_health`); formal
  education: `applications.models.raises_formal_education_q`; both as shares of all lines;
- reports owed and overdue: `reporting.rules.report_owed_q`, `report_overdue_q`; repayments: what is
  unused of the reports handed in (`reporting.rules.IN_STATUSES`, `line_unused_sql`).
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, fields
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from applications.models import (
    Application,
    ApplicationStatus,
    CompetenceMeasure,
    InnovationProject,
    LinePart,
    MeasureKind,
    raises_formal_education_q,
)
from applications.rules import NOT_IN_PLAY
from casework.rules import DECISION_MADE_STATUSES, applied_to_budget
from casework.selectors import OFFICE_STATUSES
from portal.models import Office
from reporting.models import GrantReport, ReportLine, ReportStatus
from reporting.rules import IN_STATUSES, line_unused_sql, report_overdue_q, report_owed_q
from schemes.models import Round

YEARS_BACK = 4  # the national year-over-year table: the chosen year and the four before it


@dataclass
class Amounts:
    """Kroner applied for, proposed and awarded."""

    applied: int = 0
    proposed: int = 0
    awarded: int = 0

    def __add__(self, other: "Amounts") -> "Amounts":
        return Amounts(self.applied + other.applied, self.proposed + other.proposed, self.awarded + other.awarded)


def share(part: int, whole: int) -> Decimal | None:
    """`part` as a percentage of `whole`, one decimal (None when the whole is nothing)."""
    if not whole:
        return None
    return (Decimal(100 * part) / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass
class Figures:
    """The figures of one round, or the sum of several (an office's, a year's, the country's)."""

    budget: int = 0
    total: Amounts = field(default_factory=Amounts)
    parts: dict = field(default_factory=lambda: {part.value: Amounts() for part in LinePart})
    kinds: dict = field(default_factory=lambda: {kind: Amounts() for kind in [*MeasureKind.values, ""]})
    mental_health: Amounts = field(default_factory=Amounts)
    formal_education: Amounts = field(default_factory=Amounts)
    statuses: dict = field(default_factory=lambda: {status.value: 0 for status in OFFICE_STATUSES})
    reports_owed: int = 0
    reports_overdue: int = 0
    reports_submitted: int = 0
    reports_approved: int = 0
    repayments: int = 0

    def __add__(self, other: "Figures") -> "Figures":
        added = {}
        for f in fields(self):
            mine, theirs = getattr(self, f.name), getattr(other, f.name)
            added[f.name] = {key: mine[key] + theirs[key] for key in mine} if isinstance(mine, dict) else mine + theirs
        return Figures(**added)

    @property
    def applied(self) -> int:
        return self.total.applied

    @property
    def proposed(self) -> int:
        return self.total.proposed

    @property
    def awarded(self) -> int:
        return self.total.awarded

    @property
    def remaining(self) -> int:
        return self.budget - self.proposed

    @property
    def ratio(self) -> Decimal | None:
        return applied_to_budget(self.applied, self.budget)

    @property
    def applications(self) -> int:
        """Applications in play (received, not withdrawn)."""
        return sum(count for status, count in self.statuses.items() if status not in NOT_IN_PLAY)

    @property
    def mental_health_share_applied(self) -> Decimal | None:
        return share(self.mental_health.applied, self.applied)

    @property
    def mental_health_share_awarded(self) -> Decimal | None:
        return share(self.mental_health.awarded, self.awarded)

    @property
    def formal_education_share_applied(self) -> Decimal | None:
        return share(self.formal_education.applied, self.applied)

    @property
    def formal_education_share_awarded(self) -> Decimal | None:
        return share(self.formal_education.awarded, self.awarded)


def _sums(prefix: str = "") -> dict:
    """Applied, proposed and awarded of the lines reached by `prefix`, each a conditional sum."""
    awarded = Q(application__decision__status__in=DECISION_MADE_STATUSES)
    return {f"{prefix}applied": Sum("amount_applied"), f"{prefix}proposed": Sum("proposed_award"),
            f"{prefix}awarded": Sum("proposed_award", filter=awarded)}


def _amounts(row: dict, prefix: str = "") -> Amounts:
    return Amounts(*(row[f"{prefix}{name}"] or 0 for name in ("applied", "proposed", "awarded")))


def _conditional_sums(name: str, condition: Q) -> dict:
    awarded = Q(application__decision__status__in=DECISION_MADE_STATUSES)
    return {f"{name}applied": Sum("amount_applied", filter=condition),
            f"{name}proposed": Sum("proposed_award", filter=condition),
            f"{name}awarded": Sum("proposed_award", filter=condition & awarded)}


def figures_by_round(*, rounds: QuerySet[Round], now: dt.datetime | None = None) -> dict[int, Figures]:
    """{round id: Figures} for every round of `rounds`. Six queries, whatever their size."""
    now = now or timezone.now()
    result = {pk: Figures(budget=budget or 0) for pk, budget in rounds.values_list("pk", "budget")}
    of_rounds = {"application__round__in": list(result)}

    measures = (CompetenceMeasure.objects.filter(**of_rounds).exclude(application__status__in=NOT_IN_PLAY)
                .values("application__round_id", "kind")
                .annotate(**_sums(), **_conditional_sums("mh_", Q(concerns_mental_health=True)),
                          **_conditional_sums("formal_", raises_formal_education_q())))
    for row in measures:
        figures = result[row["application__round_id"]]
        amounts = _amounts(row)
        figures.parts[LinePart.MEASURE] += amounts
        figures.kinds[row["kind"] if row["kind"] in MeasureKind.values else ""] += amounts
        figures.mental_health += _amounts(row, "mh_")
        figures.formal_education += _amounts(row, "formal_")

    projects = (InnovationProject.objects.filter(**of_rounds).exclude(application__status__in=NOT_IN_PLAY)
                .values("application__round_id").annotate(**_sums()))
    for row in projects:
        result[row["application__round_id"]].parts[LinePart.PROJECT] += _amounts(row)

    for figures in result.values():
        figures.total = figures.parts[LinePart.MEASURE] + figures.parts[LinePart.PROJECT]

    statuses = (Application.objects.filter(round__in=list(result)).exclude(status=ApplicationStatus.DRAFT)
                .values("round_id", "status").annotate(count=Count("pk")))
    for row in statuses:
        result[row["round_id"]].statuses[row["status"]] = row["count"]

    reports = (GrantReport.objects.filter(**of_rounds).values("application__round_id").annotate(
        owed=Count("pk", filter=report_owed_q()), overdue=Count("pk", filter=report_overdue_q(now)),
        submitted=Count("pk", filter=Q(status=ReportStatus.SUBMITTED)),
        approved=Count("pk", filter=Q(status=ReportStatus.APPROVED))))
    for row in reports:
        figures = result[row["application__round_id"]]
        figures.reports_owed, figures.reports_overdue = row["owed"], row["overdue"]
        figures.reports_submitted, figures.reports_approved = row["submitted"], row["approved"]

    repayments = (ReportLine.objects.filter(report__application__round__in=list(result),
                                            report__status__in=IN_STATUSES)
                  .values("report__application__round_id").annotate(unused=Sum(line_unused_sql())))
    for row in repayments:
        result[row["report__application__round_id"]].repayments = row["unused"] or 0
    return result


# --- the office's dashboard of one round ---------------------------------------------------------------

@dataclass
class MunicipalityRow:
    name: str
    organisation_number: str
    amounts: Amounts


@dataclass
class RoundDashboard:
    round: Round
    figures: Figures
    municipalities: list[MunicipalityRow]


def municipalities_of_round(*, round_: Round) -> list[MunicipalityRow]:
    """Applied, proposed and awarded per organisation with an application in play, by name. Two queries."""
    rows: dict[int, MunicipalityRow] = {}
    for model in (CompetenceMeasure, InnovationProject):
        lines = (model.objects.filter(application__round=round_).exclude(application__status__in=NOT_IN_PLAY)
                 .values("application__organisation_id")
                 .annotate(name=F("application__organisation__name"),
                           number=F("application__organisation__organisation_number"), **_sums()))
        for line in lines:
            row = rows.setdefault(line["application__organisation_id"],
                                  MunicipalityRow(line["name"], line["number"], Amounts()))
            row.amounts += _amounts(line)
    return sorted(rows.values(), key=lambda row: (row.name, row.organisation_number))


def round_dashboard(*, round_: Round, now: dt.datetime | None = None) -> RoundDashboard:
    """Everything the office's dashboard of a round shows. Eight queries, whatever its size."""
    figures = figures_by_round(rounds=Round.objects.filter(pk=round_.pk), now=now)[round_.pk]
    return RoundDashboard(round=round_, figures=figures, municipalities=municipalities_of_round(round_=round_))


# --- Helsedirektoratet's national dashboard -----------------------------------------------------------

@dataclass
class NationalDashboard:
    year: int
    office: Office | None  # the office chosen, or None for all
    offices: list[tuple[Office, Figures]]  # each office's rounds of the year, summed
    total: Figures
    years: list[tuple[int, Figures]]  # the year and the ones before it, newest first (the office's, if chosen)


def years_with_rounds() -> list[int]:
    """Every year some office has a round, newest first."""
    return list(Round.objects.order_by("-year").values_list("year", flat=True).distinct())


def national_dashboard(*, year: int, office: Office | None = None, now: dt.datetime | None = None
                       ) -> NationalDashboard:
    """Each office's figures of `year` and their total, and the total of each of the years before
    (`YEARS_BACK`); `office` narrows both to one office. Every office appears, with or without a
    round. Fourteen queries, whatever the number of applications."""
    offices = [office] if office else list(Office.objects.order_by("name"))
    rounds = Round.objects.filter(year__gte=year - YEARS_BACK, year__lte=year)
    if office:
        rounds = rounds.filter(office=office)
    keys = {pk: (office_id, round_year) for pk, office_id, round_year in rounds.values_list("pk", "office_id", "year")}
    by_round = figures_by_round(rounds=Round.objects.filter(pk__in=list(keys)), now=now)
    per_office: dict[int, Figures] = defaultdict(Figures)
    per_year: dict[int, Figures] = defaultdict(Figures)
    for pk, figures in by_round.items():
        office_id, round_year = keys[pk]
        per_year[round_year] += figures
        if round_year == year:
            per_office[office_id] += figures
    rows = [(o, per_office[o.pk]) for o in offices]
    total = sum((figures for _office, figures in rows), Figures())
    return NationalDashboard(year=year, office=office, offices=rows, total=total,
                             years=[(y, per_year[y]) for y in range(year, year - YEARS_BACK - 1, -1)])
