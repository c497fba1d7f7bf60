"""The dashboards: who sees them (the round's office staff and Helsedirektoratet; everyone else a
404), what they show (the hand-summed figures, never an internal note), their exports, and that
their queries do not grow with the number of applications."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from portal.models import Organisation, OrganisationKind, Role
from tests.applications.factories import ApplicationFactory, applying_for
from tests.casework.factories import DecisionFactory
from tests.helpers import in_english, page_text, url, visible_text, warm_user_context
from tests.portal.factories import MembershipFactory, OfficeFactory, OrganisationFactory, reference_office
from tests.schemes.factories import RoundFactory

from .factories import ROUND_FIGURES, hand_counted_round, measure

pytestmark = pytest.mark.django_db

TABLES = ["money", "parts", "kinds", "priorities", "municipalities", "statuses", "reports"]


def staff_client(client, office, role):
    client.force_login(MembershipFactory(role=role, office=office).user)
    return in_english(client)


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.APPROVER, Role.OFFICE_ADMIN])
def test_the_rounds_office_staff_see_its_dashboard(client, office, role):
    round_ = RoundFactory(office=office)
    assert staff_client(client, office, role).get(url("statistics:round", round_)).status_code == 200


def test_the_national_admin_sees_every_offices_round(national_admin_client):
    assert national_admin_client.get(url("statistics:round", RoundFactory())).status_code == 200


def test_others_get_404(client, caseworker_client, editor_client, office):
    round_ = RoundFactory(office=office)
    other_office = staff_client(client, OfficeFactory(), Role.CASEWORKER)
    assert other_office.get(url("statistics:round", round_)).status_code == 404
    assert other_office.get(url("statistics:round_csv", round_, table="money")).status_code == 404
    assert editor_client.get(url("statistics:round", round_)).status_code == 404
    assert editor_client.get(url("statistics:index")).status_code == 404
    assert caseworker_client.get(url("statistics:national")).status_code == 404
    assert caseworker_client.get(url("statistics:national_csv", table="offices")).status_code == 404
    assert caseworker_client.get(url("statistics:round", round_pk=987654)).status_code == 404
    assert caseworker_client.get(url("statistics:round_csv", round_, table="nonsense")).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(url("statistics:national"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_dashboard_shows_the_figures_and_no_internal_note(client):
    round_ = hand_counted_round()
    response = staff_client(client, round_.office, Role.CASEWORKER).get(url("statistics:round", round_))
    text = visible_text(response)
    assert "Budget 1,000,000" in text.replace("NOK ", "")
    assert "NOK 1,400,000" in text and "NOK 730,000" in text and "NOK 840,000" in text
    assert "1.4 times the budget" in text
    assert "45.2 %" in text and "52.1 %" in text  # rus og psykisk helse and formal education, of awarded
    assert "INTERNT-NOTAT" not in page_text(response)
    for key in TABLES:
        assert f'id="table-{key}"' in page_text(response)
    # each chart: a title, a sentence, an SVG hidden from screen readers beside its table
    page = page_text(response)
    assert page.count("<svg") == 5 and page.count('aria-hidden="true" focusable="false"') >= 5
    assert 'id="chart-money-summary"' in page and '<caption id="table-money-caption">' in page


def test_the_round_page_links_to_the_figures(caseworker_client, office):
    round_ = RoundFactory(office=office)
    response = caseworker_client.get(url("office:round_applications", round_))
    assert url("statistics:round", round_) in page_text(response)


def rows_of_csv(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def test_the_exports_hold_the_tables_numbers(client):
    round_ = hand_counted_round()
    client = staff_client(client, round_.office, Role.CASEWORKER)
    rows = rows_of_csv(client.get(url("statistics:round_csv", round_, table="parts")))
    assert rows[0] == ["Part", "Applied for", "Proposed", "Awarded"]
    assert rows[1][1:] == [str(v) for v in ROUND_FIGURES["measures"]]
    assert rows[2][1:] == [str(v) for v in ROUND_FIGURES["projects"]]
    assert rows[3][1:] == [str(ROUND_FIGURES[k]) for k in ("applied", "proposed", "awarded")]

    priorities = rows_of_csv(client.get(url("statistics:round_csv", round_, table="priorities")))
    assert priorities[1][1:] == ["330000", "23.6", "330000", "45.2"]

    workbook = load_workbook(io.BytesIO(client.get(url("statistics:round_xlsx", round_, table="money")).content))
    sheet = workbook.active
    values = {sheet.cell(row=r, column=1).value: sheet.cell(row=r, column=2).value for r in range(2, sheet.max_row + 1)}
    assert values["Applied for"] == 1_400_000 and values["Awarded (decisions approved or sent)"] == 730_000
    assert values["Applied for, as a multiple of the budget"] == 1.4


def test_the_exports_are_formula_safe(client, office):
    round_ = RoundFactory(office=office)
    evil = OrganisationFactory(name='=HYPERLINK("http://evil.example","Klikk")', county=office.counties.first())
    measure(ApplicationFactory(round=round_, organisation=evil, submitted=True), 10_000, "other")
    client = staff_client(client, office, Role.CASEWORKER)
    rows = rows_of_csv(client.get(url("statistics:round_csv", round_, table="municipalities")))
    assert rows[1][0] == "'" + evil.name and rows[1][2] == "10000"
    sheet = load_workbook(io.BytesIO(client.get(url("statistics:round_xlsx", round_, table="municipalities"))
                                     .content)).active
    assert sheet["A2"].value == "'" + evil.name and sheet["A2"].data_type == "s"


def test_the_national_dashboard_filters_by_year_and_office(national_admin_client):
    round_ = hand_counted_round()
    client = in_english(national_admin_client)
    response = client.get(url("statistics:national"), {"year": round_.year, "office": round_.office.pk})
    text = visible_text(response)
    assert response.status_code == 200 and "NOK 1,400,000" in text
    rows = rows_of_csv(client.get(url("statistics:national_csv", table="offices"),
                                  {"year": round_.year, "office": round_.office.pk}))
    assert len(rows) == 3  # the header, the office, the total
    assert rows[1][2] == rows[2][2] == "1400000"
    years = rows_of_csv(client.get(url("statistics:national_csv", table="years"), {"year": round_.year}))
    assert [row[0] for row in years[1:]] == [str(round_.year - n) for n in range(5)]


def test_a_filter_that_makes_no_sense_is_told_and_ignored(national_admin_client):
    response = in_english(national_admin_client).get(url("statistics:national"), {"year": "abc", "office": "999999"})
    assert response.status_code == 200
    text = visible_text(response)
    assert "There is a problem" in text and "Select a valid choice" in text


# --- queries: the same at five applications as at a national size -------------------------------------

def populate(round_, organisations):
    """Applications in play by `organisations`: every other one decided, some sent."""
    for number, organisation in enumerate(organisations):
        application = applying_for(round_, 100_000, 50_000, organisation=organisation)
        if number % 2:
            DecisionFactory(application=application, approved=True, sent=number % 4 == 1)


def real_municipalities() -> list[Organisation]:
    """The reference data's municipalities (their numbers are unique: the factories' would clash)."""
    return list(Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY).order_by("pk"))


def queries_of(client, path, **params) -> int:
    warm_user_context(client)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params)
    assert response.status_code == 200
    return len(queries)


MAX_QUERIES = 25


def test_the_round_dashboard_reads_the_same_queries_at_five_and_at_national_size(client, django_assert_max_num_queries):
    office = reference_office()
    round_ = RoundFactory(office=office, with_criteria=True)
    municipalities = real_municipalities()
    client = staff_client(client, office, Role.CASEWORKER)
    populate(round_, municipalities[:5])
    with django_assert_max_num_queries(MAX_QUERIES):
        small = queries_of(client, url("statistics:round", round_))
    populate(round_, municipalities[5:65])
    assert round_.applications.count() == 65
    with django_assert_max_num_queries(MAX_QUERIES):
        national = queries_of(client, url("statistics:round", round_))
    assert national == small


def test_the_national_dashboard_reads_the_same_queries_at_any_size(national_admin_client,
                                                                  django_assert_max_num_queries):
    offices = [reference_office(), reference_office("fylkesmannen-i-oslo-og-viken")]
    rounds = [RoundFactory(office=office, with_criteria=True) for office in offices]
    municipalities = real_municipalities()
    populate(rounds[0], municipalities[:5])
    with django_assert_max_num_queries(MAX_QUERIES):
        small = queries_of(national_admin_client, url("statistics:national"), year=rounds[0].year)
    populate(rounds[0], municipalities[5:35])
    populate(rounds[1], municipalities[35:70])
    RoundFactory(office=offices[1], year=rounds[0].year - 1)
    with django_assert_max_num_queries(MAX_QUERIES):
        national = queries_of(national_admin_client, url("statistics:national"), year=rounds[0].year)
    assert national == small


def test_my_page_links_to_the_figures(caseworker_client, office_admin_client, national_admin_client, office):
    RoundFactory(office=office)
    for client in (caseworker_client, office_admin_client):
        assert url("statistics:index") in page_text(client.get(url("portal:dashboard")))
    assert url("statistics:national") in page_text(national_admin_client.get(url("portal:dashboard")))


def test_the_index_lists_the_offices_rounds(office_admin_client, office):
    mine, theirs = RoundFactory(office=office), RoundFactory()
    page = page_text(office_admin_client.get(url("statistics:index")))
    assert url("statistics:round", mine) in page and url("statistics:round", theirs) not in page
