"""The dashboards' tables: what the page shows under each chart and what the exports write, built
once from the figures (`selectors`), so the page, the CSV and the spreadsheet cannot disagree.

A cell's type says how it reads: `Kroner` (an amount), `Share` (a percentage), `Times` (a multiple
of the budget), a plain `int` (a count) or text. Labels are in the active language."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from applications.models import ApplicationStatus, CompetenceMeasure, InnovationProject, LinePart, MeasureKind
from portal.formatting import format_organisation_number
from portal.offices import office_title

from .selectors import Amounts, Figures, NationalDashboard, RoundDashboard


class Kroner(int):
    """Whole kroner."""


class Share(Decimal):
    """A percentage, one decimal."""


class Times(Decimal):
    """A multiple (of the budget), one decimal."""


def kroner(value: int) -> Kroner:
    return Kroner(value or 0)


def share(value: Decimal | None) -> Share | None:
    return None if value is None else Share(value)


def times(value: Decimal | None) -> Times | None:
    return None if value is None else Times(value)


@dataclass
class Table:
    key: str  # in the export's URL and file name: "parts", "municipalities"
    caption: str
    header: list[str]
    rows: list[list]  # each row's first cell names it
    total: list | None = None  # a last row that sums the others

    @property
    def all_rows(self) -> list[list]:
        return [*self.rows, *([self.total] if self.total else [])]


def part_label(part: str) -> str:
    model = CompetenceMeasure if part == LinePart.MEASURE else InnovationProject
    return str(capfirst(model._meta.verbose_name_plural))


def _amount_cells(amounts: Amounts) -> list:
    return [kroner(amounts.applied), kroner(amounts.proposed), kroner(amounts.awarded)]


def _amount_header(first: str) -> list[str]:
    return [first, _("Applied for"), _("Proposed"), _("Awarded")]


def money_table(figures: Figures) -> Table:
    return Table(key="money", caption=_("Budget and money"), header=[_("Figure"), _("Value")], rows=[
        [_("Budget"), kroner(figures.budget)],
        [_("Applied for"), kroner(figures.applied)],
        [_("Applied for, as a multiple of the budget"), times(figures.ratio)],
        [_("Proposed (decided included)"), kroner(figures.proposed)],
        [_("Awarded (decisions approved or sent)"), kroner(figures.awarded)],
        [_("Remaining (budget less proposed)"), kroner(figures.remaining)],
    ])


def parts_table(figures: Figures) -> Table:
    return Table(key="parts", caption=_("Money by part"), header=_amount_header(_("Part")),
                 rows=[[part_label(part), *_amount_cells(figures.parts[part])] for part in LinePart.values],
                 total=[_("Total"), *_amount_cells(figures.total)])


def kinds_table(figures: Figures) -> Table:
    labels = {**dict(MeasureKind.choices), "": _("Kind not given")}
    rows = [[str(labels[kind]), *_amount_cells(amounts)] for kind, amounts in figures.kinds.items()
            if kind or amounts.applied]  # "not given" only when some measure has no kind
    return Table(key="kinds", caption=_("Competence measures by kind"), header=_amount_header(_("Kind of measure")),
                 rows=rows, total=[_("All competence measures"), *_amount_cells(figures.parts[LinePart.MEASURE])])


def priorities_table(figures: Figures) -> Table:
    return Table(
        key="priorities", caption=_("Prioritised areas, as shares of all the money"),
        header=[_("Area"), _("Applied for"), _("Share of all applied for"), _("Awarded"), _("Share of all awarded")],
        rows=[[_("Mental health and substance abuse (rus og psykisk helse)"), kroner(figures.mental_health.applied),
               share(figures.mental_health_share_applied), kroner(figures.mental_health.awarded),
               share(figures.mental_health_share_awarded)],
              [_("Formal education (basic and further education)"), kroner(figures.formal_education.applied),
               share(figures.formal_education_share_applied), kroner(figures.formal_education.awarded),
               share(figures.formal_education_share_awarded)]])


def statuses_table(figures: Figures) -> Table:
    return Table(key="statuses", caption=_("Applications by status"), header=[_("Status"), _("Applications")],
                 rows=[[str(ApplicationStatus(status).label), count] for status, count in figures.statuses.items()],
                 total=[_("Received, not withdrawn"), figures.applications])


def reports_table(figures: Figures) -> Table:
    return Table(key="reports", caption=_("Reports on the use of funds"), header=[_("Figure"), _("Value")], rows=[
        [_("Reports owed by the municipalities (not handed in)"), figures.reports_owed],
        [_("of which past their deadline"), figures.reports_overdue],
        [_("Reports handed in, waiting for review"), figures.reports_submitted],
        [_("Reports approved"), figures.reports_approved],
        [_("Unused funds to be repaid"), kroner(figures.repayments)],
    ])


def municipalities_table(dashboard: RoundDashboard) -> Table:
    return Table(
        key="municipalities", caption=_("Money per municipality"),
        header=[_("Organisation"), _("Org. no."), _("Applied for"), _("Proposed"), _("Awarded")],
        rows=[[row.name, format_organisation_number(row.organisation_number), *_amount_cells(row.amounts)]
              for row in dashboard.municipalities],
        total=[_("Total"), "", *_amount_cells(dashboard.figures.total)])


def figure_tables(figures: Figures) -> list[Table]:
    """The tables both dashboards show of one set of figures (a round's, or the country's)."""
    return [money_table(figures), parts_table(figures), kinds_table(figures), priorities_table(figures),
            statuses_table(figures), reports_table(figures)]


def round_tables(dashboard: RoundDashboard) -> list[Table]:
    tables = figure_tables(dashboard.figures)
    tables.insert(4, municipalities_table(dashboard))
    return tables


def _overview_header(first: str) -> list[str]:
    return [first, _("Budget"), _("Applied for"), _("Applied for, as a multiple of the budget"), _("Proposed"),
            _("Awarded"), _("Remaining"), _("Mental health and substance abuse, share of awarded"),
            _("Formal education, share of awarded"), _("Applications"), _("Reports past their deadline"),
            _("Unused funds to be repaid")]


def _overview_cells(figures: Figures) -> list:
    return [kroner(figures.budget), kroner(figures.applied), times(figures.ratio), kroner(figures.proposed),
            kroner(figures.awarded), kroner(figures.remaining), share(figures.mental_health_share_awarded),
            share(figures.formal_education_share_awarded), figures.applications, figures.reports_overdue,
            kroner(figures.repayments)]


def offices_table(dashboard: NationalDashboard) -> Table:
    return Table(key="offices", caption=_("Each office's rounds of %(year)s") % {"year": dashboard.year},
                 header=_overview_header(_("Office")),
                 rows=[[office_title(office, dashboard.year), *_overview_cells(figures)]
                       for office, figures in dashboard.offices],
                 total=[_("Total"), *_overview_cells(dashboard.total)])


def years_table(dashboard: NationalDashboard) -> Table:
    return Table(key="years", caption=_("Year over year"), header=_overview_header(_("Year")),
                 rows=[[str(year), *_overview_cells(figures)] for year, figures in dashboard.years])


def national_tables(dashboard: NationalDashboard) -> list[Table]:
    return [offices_table(dashboard), years_table(dashboard), *figure_tables(dashboard.total)]


def table_named(tables: list[Table], key: str) -> Table | None:
    return next((table for table in tables if table.key == key), None)
