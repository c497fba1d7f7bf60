"""Every figure equals the sum done by hand on a round built in every state (tests/stats/factories.py),
and an office's and a year's figures are the sums of their rounds'."""

from decimal import Decimal

import pytest

from schemes.models import Round
from stats.selectors import figures_by_round, national_dashboard, round_dashboard
from tests.applications.factories import ApplicationFactory
from tests.portal.factories import OfficeFactory
from tests.schemes.factories import RoundFactory

from .factories import ROUND_FIGURES, awarded_by_decisions, hand_counted_round, measure

pytestmark = pytest.mark.django_db

F = ROUND_FIGURES


@pytest.fixture
def round_():
    return hand_counted_round()


def amounts(a):
    return (a.applied, a.proposed, a.awarded)


def test_the_money_of_a_round(round_):
    figures = round_dashboard(round_=round_).figures
    assert figures.budget == 1_000_000
    assert figures.applied == F["applied"] == 1_400_000
    assert figures.proposed == F["proposed"] == 840_000
    assert figures.awarded == F["awarded"] == 730_000
    assert figures.remaining == 1_000_000 - 840_000
    assert figures.ratio == Decimal("1.4")


def test_awarded_is_what_the_made_decisions_granted(round_):
    """Counted from the lines, it equals the decisions' own totals (approved or sent; not proposed)."""
    assert round_dashboard(round_=round_).figures.awarded == awarded_by_decisions(round_)


def test_by_part_and_by_kind(round_):
    figures = round_dashboard(round_=round_).figures
    assert amounts(figures.parts["measure"]) == F["measures"]
    assert amounts(figures.parts["project"]) == F["projects"]
    for kind, expected in F["kinds"].items():
        assert amounts(figures.kinds[kind]) == expected, kind
    assert amounts(figures.kinds[""]) == (0, 0, 0)
    assert figures.kinds["basic_education"].applied + figures.kinds["further_education"].applied > 0


def test_rus_og_psykisk_helse_and_formal_education_shares(round_):
    figures = round_dashboard(round_=round_).figures
    assert (figures.mental_health.applied, figures.mental_health.awarded) == F["mental_health"] == (330_000, 330_000)
    assert (figures.formal_education.applied, figures.formal_education.awarded) == F["formal_education"]
    assert figures.mental_health_share_applied == Decimal("23.6")  # 330 000 / 1 400 000
    assert figures.mental_health_share_awarded == Decimal("45.2")  # 330 000 / 730 000
    assert figures.formal_education_share_applied == Decimal("39.3")  # 550 000 / 1 400 000
    assert figures.formal_education_share_awarded == Decimal("52.1")  # 380 000 / 730 000


def test_counts_by_status_leave_out_drafts(round_):
    figures = round_dashboard(round_=round_).figures
    assert figures.statuses == F["statuses"]
    assert "draft" not in figures.statuses
    assert figures.applications == 6  # received, not withdrawn


def test_reports_and_repayments(round_):
    figures = round_dashboard(round_=round_).figures
    assert (figures.reports_owed, figures.reports_overdue, figures.reports_submitted,
            figures.reports_approved) == tuple(F["reports"].values())
    assert figures.repayments == F["repayments"] == 100_000


def test_per_municipality(round_):
    rows = round_dashboard(round_=round_).municipalities
    assert len(rows) == 8 - 2 + 0  # A B C D G H: not the draft, not the withdrawn
    assert sum(row.amounts.applied for row in rows) == F["applied"]
    assert sum(row.amounts.awarded for row in rows) == F["awarded"]
    assert sorted(row.amounts.applied for row in rows) == sorted(
        [700_000, 380_000, 120_000, 50_000, 100_000, 50_000])
    assert [row.name for row in rows] == sorted(row.name for row in rows)


def test_an_empty_round_has_zeros_and_no_shares():
    round_ = RoundFactory(budget=None, published=False)
    figures = round_dashboard(round_=round_).figures
    assert (figures.budget, figures.applied, figures.awarded, figures.remaining) == (0, 0, 0, 0)
    assert figures.ratio is None and figures.mental_health_share_awarded is None


def test_rounds_are_counted_apart():
    first = hand_counted_round()
    second = RoundFactory(office=first.office, year=first.year - 1, budget=500_000)
    measure(ApplicationFactory(round=second, submitted=True), 70_000, "leadership", mental_health=True)
    figures = figures_by_round(rounds=Round.objects.filter(pk__in=[first.pk, second.pk]))
    assert figures[first.pk].applied == F["applied"]
    assert (figures[second.pk].budget, figures[second.pk].applied, figures[second.pk].awarded) == (500_000, 70_000, 0)


def test_the_national_figures_per_office_in_total_and_year_over_year():
    north, south = OfficeFactory(), OfficeFactory()
    this_year = hand_counted_round(office=north)
    year = this_year.year
    other = RoundFactory(office=south, year=year, budget=2_000_000)
    measure(ApplicationFactory(round=other, submitted=True), 300_000, "leadership")
    last_year = RoundFactory(office=north, year=year - 1, budget=800_000)
    measure(ApplicationFactory(round=last_year, submitted=True), 90_000, "other")
    RoundFactory(office=south, year=year - 9, budget=5)  # too long ago for the table

    dashboard = national_dashboard(year=year)
    per_office = {office.pk: figures for office, figures in dashboard.offices}
    assert (per_office[north.pk].budget, per_office[north.pk].applied) == (1_000_000, F["applied"])
    assert (per_office[south.pk].budget, per_office[south.pk].applied) == (2_000_000, 300_000)
    assert dashboard.total.budget == sum(figures.budget for figures in per_office.values())
    assert dashboard.total.applied == F["applied"] + 300_000
    assert dashboard.total.awarded == F["awarded"]
    years = dict(dashboard.years)
    assert list(years) == [year, year - 1, year - 2, year - 3, year - 4]
    assert years[year].applied == F["applied"] + 300_000
    assert (years[year - 1].budget, years[year - 1].applied) == (800_000, 90_000)
    assert years[year - 2].budget == 0

    only_south = national_dashboard(year=year, office=south)
    assert [office for office, _figures in only_south.offices] == [south]
    assert only_south.total.applied == 300_000
    assert dict(only_south.years)[year - 1].budget == 0
