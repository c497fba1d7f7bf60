"""The report pages: the municipality writes and submits, the office reviews, approves or returns,
and follows a round's reports and repayments. Bad input gets a message at the field and loses
nothing; an id in a URL never reaches another organisation's or office's report."""

import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from applications.models import ApplicationStatus
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
from tests.applications.factories import MINIMAL_PDF, ApplicationFactory, member, staff
from tests.portal.factories import MembershipFactory
from tests.reporting import decided, fill, no_letters
from tests.schemes.factories import RoundFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_letters(monkeypatch):
    no_letters(monkeypatch)


@pytest.fixture
def round_(db):
    from schemes.services import round_create_default_criteria

    round_ = RoundFactory()
    round_create_default_criteria(round=round_)
    return round_


@pytest.fixture
def application(round_):
    """Decided: two measures granted 250 000 and 100 000 (an auditor's statement is required)."""
    return decided(round_, 250_000, 100_000)


@pytest.fixture
def report(application):
    return application.report


def client_for(client_class, user):
    client = client_class()
    client.force_login(user)
    client.cookies["tilskudd_language"] = "en"
    client.user = user
    return client


@pytest.fixture
def signatory(client_class, application):
    return client_for(client_class, member(application.organisation, Role.SIGNATORY))


@pytest.fixture
def editor(client_class, application):
    return client_for(client_class, member(application.organisation, Role.EDITOR))


@pytest.fixture
def caseworker(client_class, round_):
    return client_for(client_class, staff(round_.office, Role.CASEWORKER))


@pytest.fixture
def approver(client_class, round_):
    return client_for(client_class, staff(round_.office, Role.APPROVER))


def nok(amount) -> str:
    """An amount as the English pages show it."""
    with translation.override("en"):
        return re.sub(r"[\xa0\u202f]", " ", kroner(amount))


def text(response) -> str:
    return re.sub(r"[\xa0\u202f]", " ", html.unescape(response.content.decode()))


def url(name, obj):
    key = "round_pk" if name == "round_reports" else "pk"
    pk = obj.pk if name == "round_reports" else obj.application_id if isinstance(obj, GrantReport) else obj.pk
    return reverse(f"reporting:{name}", kwargs={key: pk})


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


def pdf(name="Revisorberetning.pdf", content=MINIMAL_PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


# --- the municipality's report page ------------------------------------------------------------------------

def test_the_report_page_shows_each_line_the_totals_and_a_check_list_linked_to_the_fields(editor, report):
    first, second = lines_of(report)
    page = text(editor.get(url("report", report)))
    assert '<form method="post" action="%s"' % url("report", report) in page
    for line in (first, second):
        assert f'id="id_line-{line.pk}-amount_used"' in page
        assert f'href="#id_line-{line.pk}-amount_used"' in page  # the check list links to the field
    assert 'id="id_auditor_statement"' in page and 'href="#id_auditor_statement"' in page
    assert f'id="total-granted">{nok(350_000)}<' in page
    assert 'name="version" value="0"' in page


def test_saving_stores_the_figures_and_shows_the_computed_totals(editor, report):
    first, second = lines_of(report)
    data = form_data(report) | {f"line-{first.pk}-amount_used": "200 000 kr"}
    response = editor.post(url("report", report), data)
    assert response.status_code == 302
    report = stored(report)
    assert report.version == 1 and report.overall_account == "Midlene ble brukt som planlagt."
    assert [line.amount_used for line in lines_of(report)] == [200_000, 100_000]
    page = text(editor.get(url("report", report)))
    assert f'id="total-used">{nok(300_000)}<' in page and f'id="total-unused">{nok(50_000)}<' in page


@pytest.mark.parametrize(("value", "message"), [
    ("-5000", "The amount cannot be negative."),
    ("mange penger", "Write the amount in whole kroner, with digits only"),
    ("1500,50", "Give whole kroner, without øre."),
])
def test_a_bad_amount_gets_a_message_at_the_field_and_nothing_typed_is_lost(editor, report, value, message):
    first, _second = lines_of(report)
    data = form_data(report, overall="Vår samlede redegjørelse.") | {f"line-{first.pk}-amount_used": value}
    response = editor.post(url("report", report), data)
    page = text(response)
    assert response.status_code == 200
    assert 'id="error-summary"' in page and f'href="#id_line-{first.pk}-amount_used"' in page
    assert re.search(rf'id="error_1_id_line-{first.pk}-amount_used"[^>]*>\s*<strong>{re.escape(message)}', page)
    assert f'value="{value}"' in page and "Vår samlede redegjørelse." in page  # kept for the user
    assert stored(report).version == 0 and stored(report).overall_account == ""  # and nothing saved


def test_markup_is_refused_at_the_field(editor, report):
    _first, second = lines_of(report)
    data = form_data(report) | {f"line-{second.pk}-achievements": "<script>alert(1)</script>"}
    page = text(editor.post(url("report", report), data))
    assert re.search(rf'id="error_1_id_line-{second.pk}-achievements"[^>]*>\s*<strong>Write plain text', page)
    assert "&lt;script&gt;" in editor.post(url("report", report), data).content.decode()  # shown, escaped
    assert stored(report).version == 0


def test_a_pdf_that_is_not_a_pdf_gets_a_message_at_the_field_and_nothing_is_saved(editor, report):
    data = form_data(report, overall="Teksten skal ikke gå tapt.")
    data["auditor_statement"] = pdf(content=b"<html>not a pdf</html>")
    page = text(editor.post(url("report", report), data))
    assert re.search(r'id="error_1_id_auditor_statement"[^>]*>\s*<strong>Revisorberetning is not a PDF, DOCX or '
                     r'ODT file', page)
    assert 'href="#id_auditor_statement"' in page
    assert "Teksten skal ikke gå tapt." in page
    report = stored(report)
    assert (report.version, report.overall_account, report.auditor_statement.name) == (0, "", "")


def test_a_real_pdf_is_stored_and_can_be_downloaded_by_the_municipality_and_the_office(editor, caseworker, report):
    data = form_data(report) | {"auditor_statement": pdf("../Revisor beretning.pdf")}
    assert editor.post(url("report", report), data).status_code == 302
    report = stored(report)
    assert report.auditor_statement_name == "Revisor_beretning.pdf"
    for client in (editor, caseworker):
        response = client.get(url("auditor_statement", report))
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
        assert response["Content-Type"] == "application/pdf"


def test_a_stale_page_keeps_what_was_typed_and_says_so(editor, signatory, report):
    assert signatory.post(url("report", report), form_data(report, overall="Signatarens versjon.")).status_code == 302
    response = editor.post(url("report", report), form_data(report, overall="Redaktørens versjon."))  # version 0
    page = text(response)
    assert response.status_code == 200
    assert 'id="conflict"' in page and "Nothing was overwritten" in page
    assert "Redaktørens versjon." in page and 'name="version" value="1"' in page
    assert stored(report).overall_account == "Signatarens versjon."


def test_autosave_answers_with_the_new_version_and_leaves_the_file_for_the_button(editor, report):
    data = form_data(report) | {"_autosave": "1", "auditor_statement": pdf()}
    response = editor.post(url("report", report), data, HTTP_X_AUTOSAVE="1")
    assert response.status_code == 200 and response.json()["version"] == 1
    assert stored(report).auditor_statement.name == ""
    stale = editor.post(url("report", report), data, HTTP_X_AUTOSAVE="1")  # still version 0 in the form
    assert stale.status_code == 409


def test_an_editor_cannot_submit_and_is_told_why(editor, report):
    page = text(editor.get(url("report", report)))
    assert 'id="submit-report"' not in page and "Only the signatory can submit the report." in page
    response = editor.post(url("submit", report), form_data(report), follow=True)
    assert "Only the signatory can submit the report." in text(response)
    assert stored(report).status == ReportStatus.DRAFT and stored(report).version == 0


def test_the_signatory_submits_what_the_page_holds_and_the_report_becomes_read_only(signatory, report, application):
    page = text(signatory.get(url("report", report)))
    assert f'formaction="{url("submit", report)}"' in page
    data = form_data(report) | {"auditor_statement": pdf()}
    response = signatory.post(url("submit", report), data, follow=True)
    page = text(response)
    assert "The report is submitted to the County Governor." in page
    application.refresh_from_db()
    assert (stored(report).status, application.status) == (ReportStatus.SUBMITTED, ApplicationStatus.REPORTED)
    assert "data-autosave" not in page and 'id="submit-report"' not in page
    assert "Midlene ble brukt som planlagt." in page  # read-only

    again = signatory.post(url("submit", report), data, follow=True)
    assert "already submitted; it was not submitted twice" in text(again)
    changed = signatory.post(url("report", report), form_data(stored(report), overall="Endret."), follow=True)
    assert "can no longer be changed" in text(changed)
    assert stored(report).overall_account == "Midlene ble brukt som planlagt."


def test_an_incomplete_report_is_not_submitted_and_the_signatory_is_told_what_is_missing(signatory, report):
    first, _second = lines_of(report)
    data = form_data(report) | {f"line-{first.pk}-achievements": ""}  # and no auditor's statement
    page = text(signatory.post(url("submit", report), data, follow=True))
    assert "The report is not complete" in page and "Upload the auditor's statement" in page
    assert f'href="#id_line-{first.pk}-achievements"' in page
    assert stored(report).status == ReportStatus.DRAFT
    assert stored(report).version == 1  # what was typed was saved


def test_a_bad_amount_on_submit_saves_nothing_and_submits_nothing(signatory, report):
    first, _second = lines_of(report)
    data = form_data(report) | {f"line-{first.pk}-amount_used": "-1", "auditor_statement": pdf()}
    response = signatory.post(url("submit", report), data)
    assert response.status_code == 200 and "The amount cannot be negative." in text(response)
    assert (stored(report).status, stored(report).version) == (ReportStatus.DRAFT, 0)


def test_a_returned_report_shows_the_caseworkers_message_and_can_be_changed(signatory, caseworker, report):
    fill(report, signatory.user, upload=pdf())
    report_submit(report=stored(report), user=signatory.user)
    report_return(report=stored(report), user=caseworker.user, message="Revisorberetningen mangler signatur.")
    page = text(signatory.get(url("report", report)))
    assert 'id="return-message"' in page and "Revisorberetningen mangler signatur." in page
    assert "data-autosave" in page and 'id="submit-report"' in page


def test_the_overview_links_to_the_report_once_decided(signatory, application, round_):
    page = text(signatory.get(reverse("applications:overview", kwargs={"pk": application.pk})))
    assert f'href="{url("report", application.report)}"' in page

    rejected = decided(round_, 100_000, awarded=[0])
    own = client_for(signatory.__class__, member(rejected.organisation, Role.SIGNATORY))
    response = own.get(reverse("applications:overview", kwargs={"pk": rejected.pk}))
    assert response.status_code == 200 and 'id="report-link"' not in text(response)
    assert own.get(reverse("reporting:report", kwargs={"pk": rejected.pk})).status_code == 404


# --- the office's review -----------------------------------------------------------------------------------

@pytest.fixture
def submitted(report, signatory):
    # 200 000 used on each line: 50 000 unused on the first, 100 000 overspent (and explained) on the second
    fill(report, signatory.user, used=200_000, explanation="Flere deltok enn planlagt.", upload=pdf())
    return report_submit(report=stored(report), user=signatory.user)


def test_the_caseworker_reads_and_approves_and_the_application_is_closed(caseworker, submitted, application):
    page = text(caseworker.get(url("review", submitted)))
    assert "Midlene ble brukt som planlagt." in page and 'id="approve-report"' in page
    assert f'href="{url("auditor_statement", submitted)}"' in page
    response = caseworker.post(url("approve", submitted), follow=True)
    assert "The report is approved and the application is closed." in text(response)
    application.refresh_from_db()
    assert (stored(submitted).status, application.status) == (ReportStatus.APPROVED, ApplicationStatus.CLOSED)


def test_the_caseworker_returns_saying_what_is_missing(caseworker, submitted, application):
    refused = caseworker.post(url("return", submitted), {"message": ""})
    assert refused.status_code == 200 and "Write what is missing from the report." in text(refused)
    assert stored(submitted).status == ReportStatus.SUBMITTED
    response = caseworker.post(url("return", submitted), {"message": "Deltakertallene mangler."}, follow=True)
    assert "The report is returned to" in text(response)
    application.refresh_from_db()
    assert (stored(submitted).status, application.status) == (ReportStatus.RETURNED, ApplicationStatus.DECIDED)
    assert stored(submitted).return_message == "Deltakertallene mangler."


def test_an_approver_reads_but_may_not_approve_or_return(approver, submitted):
    page = text(approver.get(url("review", submitted)))
    assert 'id="approve-report"' not in page and "Only the office's caseworkers approve or return reports." in page
    for name, data in (("approve", {}), ("return", {"message": "Mangler."})):
        response = approver.post(url(name, submitted), data)
        assert response.status_code == 403
        assert "Only the office&#x27;s caseworkers approve or return reports." in response.content.decode()
    assert stored(submitted).status == ReportStatus.SUBMITTED


def test_the_office_does_not_read_a_draft(caseworker, report):
    page = text(caseworker.get(url("review", report)))
    assert 'id="not-submitted"' in page and 'id="approve-report"' not in page


def test_office_staff_opening_the_municipality_page_are_sent_to_the_review(caseworker, report):
    response = caseworker.get(url("report", report))
    assert response.status_code == 302 and response["Location"] == url("review", report)


# --- who reaches what -----------------------------------------------------------------------------------

def test_another_organisations_members_get_404_everywhere(client_class, round_, submitted):
    other = decided(round_, 100_000)
    for role in (Role.EDITOR, Role.SIGNATORY):
        outsider = client_for(client_class, member(other.organisation, role))
        assert outsider.get(url("report", other.report)).status_code == 200  # their own
        for name in ("report", "auditor_statement", "review"):
            assert outsider.get(url(name, submitted)).status_code == 404, name
        for name in ("report", "submit", "approve", "return"):
            assert outsider.post(url(name, submitted), {"message": "x"}).status_code == 404, name
        assert outsider.get(url("round_reports", round_)).status_code == 404
    assert stored(submitted).status == ReportStatus.SUBMITTED


def test_another_offices_staff_get_404_everywhere(client_class, round_, submitted):
    other_round = RoundFactory()
    for role in (Role.CASEWORKER, Role.APPROVER, Role.OFFICE_ADMIN):
        outsider = client_for(client_class, staff(other_round.office, role))
        for name in ("report", "review", "auditor_statement"):
            assert outsider.get(url(name, submitted)).status_code == 404, name
        for name in ("approve", "return", "submit"):
            assert outsider.post(url(name, submitted), {"message": "x"}).status_code == 404, name
        assert outsider.get(url("round_reports", round_)).status_code == 404
    assert stored(submitted).status == ReportStatus.SUBMITTED


def test_the_office_admin_of_the_same_office_is_told_why_not(client_class, round_, submitted):
    admin = client_for(client_class, staff(round_.office, Role.OFFICE_ADMIN))
    assert admin.get(url("review", submitted)).status_code == 403
    assert admin.get(url("round_reports", round_)).status_code == 403
    assert admin.post(url("approve", submitted)).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, submitted, round_):
    for name, obj in (("report", submitted), ("review", submitted), ("round_reports", round_)):
        response = client.get(url(name, obj))
        assert response.status_code == 302 and "/login/" in response["Location"]


# --- the round's reports --------------------------------------------------------------------------------------

def test_the_round_overview_shows_each_report_and_the_total_to_be_repaid(caseworker, round_, submitted, application):
    draft = decided(round_, 80_000)
    page = text(caseworker.get(url("round_reports", round_)))
    assert f'href="{url("review", submitted)}"' in page and f'href="{url("review", draft.report)}"' in page
    assert application.organisation.name in page and draft.organisation.name in page
    # 250 000 + 100 000 granted, 200 000 used on each line: 50 000 unused (the overspent line offsets nothing)
    assert f'id="to-be-repaid">{nok(50_000)}<' in page
    assert "Submitted: 1" in page and "Draft: 1" in page


def test_the_round_overview_runs_the_same_queries_for_5_and_50_reports(client_class, round_):
    caseworker_user = staff(round_.office, Role.CASEWORKER)
    approver_user = staff(round_.office, Role.APPROVER)

    def add(count):
        for n in range(count):
            application = decided(round_, 50_000, caseworker=caseworker_user, approver=approver_user)
            if n % 2:
                signatory = member(application.organisation, Role.SIGNATORY)
                report_submit(report=fill(application.report, signatory, used=30_000), user=signatory)

    def queries():
        client = client_for(client_class, caseworker_user)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url("round_reports", round_))
        assert response.status_code == 200
        return len(captured), text(response)

    add(5)
    few, page = queries()
    assert f'id="to-be-repaid">{nok(40_000)}<' in page
    add(45)
    many, page = queries()
    assert f'id="to-be-repaid">{nok(24 * 20_000)}<' in page
    assert few == many


# --- the permission functions, allowed and refused ---------------------------------------------------------

def test_permissions_allow_and_refuse(round_, report):
    organisation = report.application.organisation
    signatory, editor = member(organisation, Role.SIGNATORY), member(organisation, Role.EDITOR)
    caseworker, approver = staff(round_.office, Role.CASEWORKER), staff(round_.office, Role.APPROVER)
    admin = staff(round_.office, Role.OFFICE_ADMIN)
    outsider = MembershipFactory(role=Role.SIGNATORY).user
    foreign_caseworker = staff(RoundFactory().office, Role.CASEWORKER)

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


def test_before_the_letter_is_sent_the_municipality_sees_no_decision_and_no_report(round_):
    """An enkeltvedtak is made known by its letter: approved but unsent, it does not exist for them."""
    application = decided(round_, 100_000, sent=False)
    own = client_for(Client, member(application.organisation, Role.SIGNATORY))
    with translation.override("en"):
        page = text(own.get(reverse("applications:overview", kwargs={"pk": application.pk}),
                            HTTP_ACCEPT_LANGUAGE="en"))
    assert 'id="report-link"' not in page
    assert own.get(reverse("reporting:report", kwargs={"pk": application.pk})).status_code == 404
    with translation.override("en"):
        history = text(own.get(reverse("applications:history", kwargs={"pk": application.pk}),
                               HTTP_ACCEPT_LANGUAGE="en"))
    assert "History" in history  # the page rendered, in English
    assert "Decision approved" not in history and "Decided" not in history
    from applications.models import ApplicationEvent

    visible = ApplicationEvent.objects.filter(application=application, visible_to_applicant=True)
    assert not visible.filter(to_status="decided").exists()
    assert not visible.filter(kind="decision_approved").exists()


def test_a_report_submitted_meanwhile_keeps_what_the_editor_typed(editor, signatory, report):
    """The signatory submitted while the editor was still typing: nothing saved, nothing lost."""
    fill(report, signatory.user, upload=pdf())
    report_submit(report=stored(report), user=signatory.user)
    line = report.lines.first()
    response = editor.post(url("report", report), {
        "version": "0", "overall_account": "Min nye, lange redegjørelse",
        f"line-{line.pk}-achievements": "Noe jeg skrev", f"line-{line.pk}-amount_used": "100 000"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Min nye, lange redegjørelse" in page and "Noe jeg skrev" in page
    assert stored(report).overall_account == "Midlene ble brukt som planlagt."


def test_the_auditors_statement_is_a_sandboxed_download_for_its_own_only(signatory, report, client_class):
    fill(report, signatory.user, upload=pdf())
    response = signatory.get(reverse("reporting:auditor_statement", kwargs={"pk": report.application_id}))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff" and "sandbox" in response["Content-Security-Policy"]
    stranger = client_for(client_class, member(ApplicationFactory().organisation, Role.SIGNATORY))
    assert stranger.get(reverse("reporting:auditor_statement", kwargs={"pk": report.application_id})).status_code == 404
