"""The figures in a browser: the caseworker goes from My page to the round's dashboard and
downloads a table; Helsedirektoratet goes from My page to the national dashboard and filters it by
office. axe scans every page on the way (the charts, their sentences and tables included)."""

import pytest

from tests.applications.factories import ApplicationFactory
from tests.casework.factories import DecisionFactory
from tests.stats.factories import measure

CASEWORKER = "sara.saksbehandler@fylkesmannen.example"
NATIONAL_ADMIN = "hilde.nasjonal@helsedirektoratet.example"


def decided_in(round_, *amounts):
    application = ApplicationFactory(round=round_, submitted=True)
    for amount, kind in amounts:
        measure(application, amount, kind, mental_health=kind == "leadership")
    DecisionFactory(application=application, approved=True)


@pytest.mark.django_db(transaction=True)
def test_the_caseworker_reads_the_rounds_figures(page, demo_round, login, visit, follow, axe_check):
    decided_in(demo_round, (200_000, "further_education"), (100_000, "leadership"))
    login(CASEWORKER)
    visit("/me/")
    follow("section[aria-labelledby=caseworker] a[href='/statistics/']")
    axe_check(page)
    follow(f"main a[href='/statistics/rounds/{demo_round.pk}/']")
    axe_check(page)
    assert page.locator("h1").count() == 1
    assert page.locator("figure svg[aria-hidden=true]").count() == 5
    assert page.locator("table caption").count() == 7
    summary = page.locator("#chart-money-summary").inner_text().replace("\xa0", " ")
    assert "300 000 kr" in summary  # applied for, with the key numbers
    with page.expect_download() as download:
        page.locator(f"a[href='/statistics/rounds/{demo_round.pk}/parts.csv']").click()
    assert download.value.suggested_filename.endswith("-parts.csv")


@pytest.mark.django_db(transaction=True)
def test_helsedirektoratet_reads_and_filters_the_national_figures(page, demo_round, login, visit, follow,
                                                                   axe_check):
    decided_in(demo_round, (150_000, "basic_education"))
    login(NATIONAL_ADMIN)
    visit("/me/")
    follow("section[aria-labelledby=national] a[href='/statistics/national/']")
    axe_check(page)
    assert page.locator("#table-offices tbody tr").count() == 10  # the ten offices of 2020
    page.select_option("#id_office", str(demo_round.office.pk))
    page.select_option("#id_year", str(demo_round.year))
    with page.expect_navigation():
        page.get_by_role("button", name="Vis").click()
    axe_check(page)
    assert page.locator("#table-offices tbody tr").count() == 1
    assert "150 000 kr" in page.locator("#table-offices").inner_text().replace("\xa0", " ")
