"""The report pages: the municipality writes and submits, the office reviews, approves or returns,
and follows a round's reports and repayments. Bad input gets a message at the field and loses
nothing; an id in a URL never reaches another organisation's or office's report."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from applications.models import ApplicationEvent, ApplicationStatus
from portal.formatting import kroner
from portal.models import Role
from reporting.models import GrantReport, ReportStatus
from reporting.permissions import (
    can_edit_report,
    can_review_report,
    can_sign_report,
    can_submit_report,
    can_view_report,
    can_view_round_reports,
)
from reporting.services import report_approve, report_return, report_submit
from tests.applications.factories import ApplicationFactory, applying_for, member, pdf_upload, staff
from tests.casework.factories import decided
from tests.helpers import in_english, page_text, url, warm_user_context
from tests.portal.factories import OfficeFactory, OrganisationFactory
from tests.reporting.factories import GrantReportFactory, fill, report_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(round_, organisation):
    """The draft report of `organisation`'s application in `round_`, decided and its letter sent: two
    measures granted 250 000 and 100 000 (an auditor's statement is required)."""
    return GrantReportFactory(decision__round=round_,
                              decision__application=applying_for(round_, 250_000, 100_000, organisation=organisation))


@pytest.fixture
def application(report):
    return report.application


@pytest.fixture(autouse=True)
def _in_english(request):
    """The conftest's role clients a test uses (of `organisation`, and of `office`, whose round is `round_`)
    read the pages in English."""
    for name in ("editor_client", "signatory_client", "caseworker_client", "approver_client", "office_admin_client"):
        if name in request.fixturenames:
            in_english(request.getfixturevalue(name))


def client_for(client_class, user):
    client = in_english(client_class())
    client.force_login(user)
    client.user = user
    return client


def nok(amount) -> str:
    """An amount as the English pages show it."""
    with translation.override("en"):
        return re.sub(r"[\xa0\u202f]", " ", kroner(amount))


def link(name, report_or_round) -> str:
    """The URL of a report page (by the report's application) or of a round's reports."""
    if isinstance(report_or_round, GrantReport):
        return url(f"reporting:{name}", pk=report_or_round.application_id)
    return url(f"reporting:{name}", report_or_round)


def form_data(report, *, used=None, overall="Midlene ble brukt som planlagt.", **overrides) -> dict:
    """Everything the report page posts, filled in completely (`overrides` by field name)."""
    data = {"overall_account": overall, "version": report.version}
    for line in report.lines.order_by("pk"):
        prefix = f"line-{line.pk}-"
        data |= {prefix + "amount_used": str(line.awarded if used is None else used),
                 prefix + "participants_planned": "10", prefix + "participants_completed": "8",
                 prefix + "achievements": f"{line.title}: åtte fullførte.", prefix + "overspend_explanation": ""}
    return data | overrides


def lines_of(report):
    return list(report.lines.order_by("pk"))


def stored(report) -> GrantReport:
    return GrantReport.objects.get(pk=report.pk)


def pdf(name="Revisorberetning.pdf"):
    """An auditor's statement: a real (minimal) PDF."""
    return pdf_upload(name)


# --- the municipality's report page ------------------------------------------------------------------------

def test_the_report_page_shows_each_line_the_totals_and_a_check_list_linked_to_the_fields(editor_client, report):
    first, second = lines_of(report)
    page = page_text(editor_client.get(link("report", report)))
    assert '<form method="post" action="%s"' % link("report", report) in page
    for line in (first, second):
        assert f'id="id_line-{line.pk}-amount_used"' in page
        assert f'href="#id_line-{line.pk}-amount_used"' in page  # the check list links to the field
    assert 'id="id_auditor_statement"' in page and 'href="#id_auditor_statement"' in page
    assert f'id="total-granted">{nok(350_000)}<' in page
    assert 'name="version" value="0"' in page


def test_saving_stores_the_figures_and_shows_the_computed_totals(editor_client, report):
    first, second = lines_of(report)
    data = form_data(report) | {f"line-{first.pk}-amount_used": "200 000 kr"}
    response = editor_client.post(link("report", report), data)
    assert response.status_code == 302
    report = stored(report)
    assert report.version == 1 and report.overall_account == "Midlene ble brukt som planlagt."
    assert [line.amount_used for line in lines_of(report)] == [200_000, 100_000]
    page = page_text(editor_client.get(link("report", report)))
    assert f'id="total-used">{nok(300_000)}<' in page and f'id="total-unused">{nok(50_000)}<' in page


@pytest.mark.parametrize(("value", "message"), [
    ("-5000", "The amount cannot be negative."),
    ("mange penger", "Write the amount in whole kroner, with digits only"),
    ("1500,50", "Give whole kroner, without øre."),
])
def test_a_bad_amount_gets_a_message_at_the_field_and_nothing_typed_is_lost(editor_client, report, value, message):
    first, _second = lines_of(report)
    data = form_data(report, overall="Vår samlede redegjørelse.") | {f"line-{first.pk}-amount_used": value}
    response = editor_client.post(link("report", report), data)
    page = page_text(response)
    assert response.status_code == 200
    assert 'id="error-summary"' in page and f'href="#id_line-{first.pk}-amount_used"' in page
    assert re.search(rf'id="error_1_id_line-{first.pk}-amount_used"[^>]*>\s*<strong>{re.escape(message)}', page)
    assert f'value="{value}"' in page and "Vår samlede redegjørelse." in page  # kept for the user
    assert stored(report).version == 0 and stored(report).overall_account == ""  # and nothing saved


def test_markup_is_refused_at_the_field(editor_client, report):
    _first, second = lines_of(report)
    data = form_data(report) | {f"line-{second.pk}-achievements": "<script>alert(1)</script>"}
    page = page_text(editor_client.post(link("report", report), data))
    assert re.search(rf'id="error_1_id_line-{second.pk}-achievements"[^>]*>\s*<strong>Write plain text', page)
    assert "&lt;script&gt;" in editor_client.post(link("report", report), data).content.decode()  # shown, escaped
    assert stored(report).version == 0


def test_a_pdf_that_is_not_a_pdf_gets_a_message_at_the_field_and_nothing_is_saved(editor_client, report):
    data = form_data(report, overall="Teksten skal ikke gå tapt.")
    data["auditor_statement"] = SimpleUploadedFile("Revisorberetning.pdf", b"<html>not a pdf</html>",
                                                   content_type="application/pdf")
    page = page_text(editor_client.post(link("report", report), data))
    assert re.search(r'id="error_1_id_auditor_statement"[^>]*>\s*<strong>Revisorberetning is not a PDF, DOCX or '
                     r'ODT file', page)
    assert 'href="#id_auditor_statement"' in page
    assert "Teksten skal ikke gå tapt." in page
    report = stored(report)
    assert (report.version, report.overall_account, report.auditor_statement.name) == (0, "", "")


def test_a_real_pdf_is_stored_and_can_be_downloaded_by_the_municipality_and_the_office(editor_client,
                                                                                      caseworker_client, report):
    data = form_data(report) | {"auditor_statement": pdf("../Revisor beretning.pdf")}
    assert editor_client.post(link("report", report), data).status_code == 302
    report = stored(report)
    assert report.auditor_statement_name == "Revisor_beretning.pdf"
    for client in (editor_client, caseworker_client):
        response = client.get(link("auditor_statement", report))
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
        assert response["Content-Type"] == "application/pdf"


def test_a_stale_page_keeps_what_was_typed_and_says_so(editor_client, signatory_client, report):
    saved = signatory_client.post(link("report", report), form_data(report, overall="Signatarens versjon."))
    assert saved.status_code == 302
    # the editor's page still has version 0
    response = editor_client.post(link("report", report), form_data(report, overall="Redaktørens versjon."))
    page = page_text(response)
    assert response.status_code == 200
    assert 'id="conflict"' in page and "Nothing was overwritten" in page
    assert "Redaktørens versjon." in page and 'name="version" value="1"' in page
    assert stored(report).overall_account == "Signatarens versjon."


def test_autosave_answers_with_the_new_version_and_leaves_the_file_for_the_button(editor_client, report):
    data = form_data(report) | {"_autosave": "1", "auditor_statement": pdf()}
    response = editor_client.post(link("report", report), data, HTTP_X_AUTOSAVE="1")
    assert response.status_code == 200 and response.json()["version"] == 1
    assert stored(report).auditor_statement.name == ""
    stale = editor_client.post(link("report", report), data, HTTP_X_AUTOSAVE="1")  # still version 0 in the form
    assert stale.status_code == 409


def test_an_editor_cannot_submit_and_is_told_why(editor_client, report):
    page = page_text(editor_client.get(link("report", report)))
    # the page says who may submit (here: nobody yet) and offers the hand-over (tests/reporting/test_handover.py)
    assert 'id="submit-report"' not in page and 'id="signatories"' in page
    assert "nobody can submit the report" in page
    response = editor_client.post(link("submit", report), form_data(report), follow=True)
    assert "Only the signatory can submit the report." in page_text(response)
    assert stored(report).status == ReportStatus.DRAFT and stored(report).version == 0


def test_the_signatory_submits_what_the_page_holds_and_the_report_becomes_read_only(signatory_client, report,
                                                                                    application):
    page = page_text(signatory_client.get(link("report", report)))
    assert f'formaction="{link("submit", report)}"' in page
    data = form_data(report) | {"auditor_statement": pdf()}
    response = signatory_client.post(link("submit", report), data, follow=True)
    page = page_text(response)
    assert "The report is submitted to the County Governor." in page
    application.refresh_from_db()
    assert (stored(report).status, application.status) == (ReportStatus.SUBMITTED, ApplicationStatus.REPORTED)
    assert "data-autosave" not in page and 'id="submit-report"' not in page
    assert "Midlene ble brukt som planlagt." in page  # read-only

    again = signatory_client.post(link("submit", report), data, follow=True)
    assert "already submitted; it was not submitted twice" in page_text(again)
    changed = signatory_client.post(link("report", report), form_data(stored(report), overall="Endret."), follow=True)
    assert "can no longer be changed" in page_text(changed)
    assert stored(report).overall_account == "Midlene ble brukt som planlagt."


def test_an_incomplete_report_is_not_submitted_and_the_signatory_is_told_what_is_missing(signatory_client, report):
    first, _second = lines_of(report)
    data = form_data(report) | {f"line-{first.pk}-achievements": ""}  # and no auditor's statement
    page = page_text(signatory_client.post(link("submit", report), data, follow=True))
    assert "The report is not complete" in page and "Upload the auditor's statement" in page
    assert f'href="#id_line-{first.pk}-achievements"' in page
    assert stored(report).status == ReportStatus.DRAFT
    assert stored(report).version == 1  # what was typed was saved


def test_a_bad_amount_on_submit_saves_nothing_and_submits_nothing(signatory_client, report):
    first, _second = lines_of(report)
    data = form_data(report) | {f"line-{first.pk}-amount_used": "-1", "auditor_statement": pdf()}
    response = signatory_client.post(link("submit", report), data)
    assert response.status_code == 200 and "The amount cannot be negative." in page_text(response)
    assert (stored(report).status, stored(report).version) == (ReportStatus.DRAFT, 0)


def test_a_returned_report_shows_the_caseworkers_message_and_can_be_changed(signatory_client, caseworker_client,
                                                                            report):
    fill(report, signatory_client.user, upload=pdf())
    report_submit(report=stored(report), user=signatory_client.user)
    report_return(report=stored(report), user=caseworker_client.user, message="Revisorberetningen mangler signatur.")
    page = page_text(signatory_client.get(link("report", report)))
    assert 'id="return-message"' in page and "Revisorberetningen mangler signatur." in page
    assert "data-autosave" in page and 'id="submit-report"' in page


def test_the_overview_links_to_the_report_once_decided(signatory_client, application, round_, client_class):
    page = page_text(signatory_client.get(url("applications:overview", application)))
    assert f'href="{link("report", application.report)}"' in page

    rejected = decided(round_, 100_000, awarded=[0], sent=True)
    own = client_for(client_class, member(rejected.organisation, Role.SIGNATORY))
    response = own.get(url("applications:overview", rejected))
    assert response.status_code == 200 and 'id="report-link"' not in page_text(response)
    assert own.get(url("reporting:report", rejected)).status_code == 404


# --- the office's review -----------------------------------------------------------------------------------

@pytest.fixture
def submitted_report(report, signatory_client):
    """The signatory submitted `report`."""
    # 200 000 used on each line: 50 000 unused on the first, 100 000 overspent (and explained) on the second
    fill(report, signatory_client.user, used=200_000, explanation="Flere deltok enn planlagt.", upload=pdf())
    return report_submit(report=stored(report), user=signatory_client.user)


def test_the_caseworker_reads_and_approves_and_the_application_is_closed(caseworker_client, submitted_report,
                                                                         application):
    page = page_text(caseworker_client.get(link("review", submitted_report)))
    assert "Midlene ble brukt som planlagt." in page and 'id="approve-report"' in page
    assert f'href="{link("auditor_statement", submitted_report)}"' in page
    response = caseworker_client.post(link("approve", submitted_report), follow=True)
    assert "The report is approved and the application is closed." in page_text(response)
    application.refresh_from_db()
    assert (stored(submitted_report).status, application.status) == (ReportStatus.APPROVED, ApplicationStatus.CLOSED)


def test_the_caseworker_returns_saying_what_is_missing(caseworker_client, submitted_report, application):
    refused = caseworker_client.post(link("return", submitted_report), {"message": ""})
    assert refused.status_code == 200 and "Write what is missing from the report." in page_text(refused)
    assert stored(submitted_report).status == ReportStatus.SUBMITTED
    response = caseworker_client.post(link("return", submitted_report), {"message": "Deltakertallene mangler."},
                                      follow=True)
    assert "The report is returned to" in page_text(response)
    application.refresh_from_db()
    assert (stored(submitted_report).status, application.status) == (ReportStatus.RETURNED, ApplicationStatus.DECIDED)
    assert stored(submitted_report).return_message == "Deltakertallene mangler."


def test_an_approver_reads_but_may_not_approve_or_return(approver_client, submitted_report):
    page = page_text(approver_client.get(link("review", submitted_report)))
    assert 'id="approve-report"' not in page and "Only the office's caseworkers approve or return reports." in page
    for name, data in (("approve", {}), ("return", {"message": "Mangler."})):
        response = approver_client.post(link(name, submitted_report), data)
        assert response.status_code == 403
        assert "Only the office&#x27;s caseworkers approve or return reports." in response.content.decode()
    assert stored(submitted_report).status == ReportStatus.SUBMITTED


def test_the_office_does_not_read_a_draft(caseworker_client, report):
    page = page_text(caseworker_client.get(link("review", report)))
    assert 'id="not-submitted"' in page and 'id="approve-report"' not in page


def test_office_staff_opening_the_municipality_page_are_sent_to_the_review(caseworker_client, report):
    response = caseworker_client.get(link("report", report))
    assert response.status_code == 302 and response["Location"] == link("review", report)


# --- who reaches what -----------------------------------------------------------------------------------

def test_another_organisations_members_get_404_everywhere(client_class, round_, submitted_report):
    other = report_in(round_, 100_000)
    for role in (Role.EDITOR, Role.SIGNATORY):
        outsider = client_for(client_class, member(other.application.organisation, role))
        assert outsider.get(link("report", other)).status_code == 200  # their own
        for name in ("report", "auditor_statement", "review"):
            assert outsider.get(link(name, submitted_report)).status_code == 404, name
        for name in ("report", "submit", "approve", "return"):
            assert outsider.post(link(name, submitted_report), {"message": "x"}).status_code == 404, name
        assert outsider.get(link("round_reports", round_)).status_code == 404
    assert stored(submitted_report).status == ReportStatus.SUBMITTED


def test_another_offices_staff_get_404_everywhere(client_class, round_, submitted_report):
    other_office = OfficeFactory()
    for role in (Role.CASEWORKER, Role.APPROVER, Role.OFFICE_ADMIN):
        outsider = client_for(client_class, staff(other_office, role))
        for name in ("report", "review", "auditor_statement"):
            assert outsider.get(link(name, submitted_report)).status_code == 404, name
        for name in ("approve", "return", "submit"):
            assert outsider.post(link(name, submitted_report), {"message": "x"}).status_code == 404, name
        assert outsider.get(link("round_reports", round_)).status_code == 404
    assert stored(submitted_report).status == ReportStatus.SUBMITTED


def test_the_office_admin_of_the_same_office_is_told_why_not(office_admin_client, round_, submitted_report):
    admin = office_admin_client
    assert admin.get(link("review", submitted_report)).status_code == 403
    assert admin.get(link("round_reports", round_)).status_code == 403
    assert admin.post(link("approve", submitted_report)).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, submitted_report, round_):
    for name, obj in (("report", submitted_report), ("review", submitted_report), ("round_reports", round_)):
        response = client.get(link(name, obj))
        assert response.status_code == 302 and "/login/" in response["Location"]


# --- the round's reports --------------------------------------------------------------------------------------

def test_the_round_overview_shows_each_report_and_the_total_to_be_repaid(caseworker_client, round_, submitted_report,
                                                                         application):
    draft = report_in(round_, 80_000)
    page = page_text(caseworker_client.get(link("round_reports", round_)))
    assert f'href="{link("review", submitted_report)}"' in page and f'href="{link("review", draft)}"' in page
    assert application.organisation.name in page and draft.application.organisation.name in page
    # 250 000 + 100 000 granted, 200 000 used on each line: 50 000 unused (the overspent line offsets nothing)
    assert f'id="to-be-repaid">{nok(50_000)}<' in page
    assert "Submitted: 1" in page and "Draft: 1" in page


def test_the_round_overview_runs_the_same_queries_for_5_and_50_reports(caseworker_client, round_, caseworker,
                                                                       approver):
    def add(count):
        for n in range(count):  # every other one submitted, 30 000 of its 50 000 used
            report_in(round_, 50_000, submitted=bool(n % 2), used=30_000, decision__caseworker=caseworker,
                      decision__approver=approver)

    def queries():
        warm_user_context(caseworker_client)
        with CaptureQueriesContext(connection) as captured:
            response = caseworker_client.get(link("round_reports", round_))
        assert response.status_code == 200
        return len(captured), page_text(response)

    add(5)
    few, page = queries()
    assert f'id="to-be-repaid">{nok(40_000)}<' in page
    add(45)
    many, page = queries()
    assert f'id="to-be-repaid">{nok(24 * 20_000)}<' in page
    assert few == many


# --- the permission functions, allowed and refused ---------------------------------------------------------

def test_permissions_allow_and_refuse(round_, report, caseworker, approver, english):
    organisation = report.application.organisation
    signatory, editor = member(organisation, Role.SIGNATORY), member(organisation, Role.EDITOR)
    admin = staff(round_.office, Role.OFFICE_ADMIN)
    outsider = member(OrganisationFactory(), Role.SIGNATORY)
    foreign_caseworker = staff(OfficeFactory(), Role.CASEWORKER)

    def allowed(check, *users, obj=report):
        return [bool(check(user, obj)) for user in users]

    assert allowed(can_view_report, signatory, editor, caseworker, approver) == [True] * 4
    assert allowed(can_view_report, admin, outsider, foreign_caseworker) == [False] * 3
    assert allowed(can_edit_report, signatory, editor) == [True, True]
    assert allowed(can_edit_report, caseworker, outsider) == [False, False]
    assert allowed(can_sign_report, signatory, editor) == [True, False]
    assert allowed(can_submit_report, signatory, editor, caseworker) == [True, False, False]
    assert allowed(can_review_report, caseworker, approver, signatory, foreign_caseworker) == [
        True, False, False, False]
    assert allowed(can_view_round_reports, caseworker, approver, obj=round_) == [True, True]
    assert allowed(can_view_round_reports, admin, foreign_caseworker, signatory, obj=round_) == [False] * 3

    fill(report, signatory, upload=pdf())
    submitted = report_submit(report=stored(report), user=signatory)
    assert not can_edit_report(editor, submitted) and "can no longer be changed" in str(
        can_edit_report(editor, submitted).reason)
    assert not can_submit_report(signatory, submitted)
    report_approve(report=submitted, user=caseworker)
    assert not can_edit_report(signatory, stored(report))


def test_before_the_letter_is_sent_the_municipality_sees_no_decision_and_no_report(round_, client_class):
    """An enkeltvedtak is made known by its letter: approved but unsent, it does not exist for them."""
    application = decided(round_, 100_000, sent=False)
    own = client_for(client_class, member(application.organisation, Role.SIGNATORY))
    page = page_text(own.get(url("applications:overview", application)))
    assert 'id="report-link"' not in page
    assert own.get(url("reporting:report", application)).status_code == 404
    history = page_text(own.get(url("applications:history", application)))
    assert "History" in history  # the page rendered, in English
    assert "Decision approved" not in history and "Decided" not in history
    visible = ApplicationEvent.objects.filter(application=application, visible_to_applicant=True)
    assert not visible.filter(to_status="decided").exists()
    assert not visible.filter(kind="decision_approved").exists()


def test_a_report_submitted_meanwhile_keeps_what_the_editor_typed(editor_client, signatory_client, report):
    """The signatory submitted while the editor was still typing: nothing saved, nothing lost."""
    fill(report, signatory_client.user, upload=pdf())
    report_submit(report=stored(report), user=signatory_client.user)
    line = report.lines.first()
    response = editor_client.post(link("report", report), {
        "version": "0", "overall_account": "Min nye, lange redegjørelse",
        f"line-{line.pk}-achievements": "Noe jeg skrev", f"line-{line.pk}-amount_used": "100 000"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Min nye, lange redegjørelse" in page and "Noe jeg skrev" in page
    assert stored(report).overall_account == "Midlene ble brukt som planlagt."


def test_the_auditors_statement_is_a_sandboxed_download_for_its_own_only(signatory_client, report, client_class):
    fill(report, signatory_client.user, upload=pdf())
    response = signatory_client.get(link("auditor_statement", report))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff" and "sandbox" in response["Content-Security-Policy"]
    stranger = client_for(client_class, member(ApplicationFactory().organisation, Role.SIGNATORY))
    assert stranger.get(link("auditor_statement", report)).status_code == 404
