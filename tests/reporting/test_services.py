"""The report rules: who gets a report and when it is due, what it must hold before submission,
and the life of a report (submit, approve, return), which moves the application along with it."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from applications.models import ApplicationEvent, ApplicationStatus, EventKind
from portal.exceptions import ServiceError, StaleEdit
from portal.models import Role
from reporting.models import GrantReport, ReportStatus
from reporting.rules import report_problems, report_totals
from reporting.selectors import repayments_for_round
from reporting.services import report_approve, report_create_for_decision, report_return, report_save, report_submit
from tests.applications.factories import member, pdf_upload, staff
from tests.casework.factories import decided
from tests.portal.factories import OfficeFactory
from tests.reporting.factories import complete_lines, fill, report_in

# the messages are asserted in their English source form
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def people(report):
    organisation = report.application.organisation
    return member(organisation, Role.SIGNATORY), member(organisation, Role.EDITOR)


def report_events(application):
    return list(ApplicationEvent.objects.filter(application=application, kind=EventKind.STATUS_CHANGED,
                                                data__follows__startswith="grantreport.").order_by("id"))


# --- which decisions get a report -------------------------------------------------------------------

def test_a_granted_decision_gets_a_report_due_at_the_reporting_deadline_with_its_granted_lines(round_):
    application = decided(round_, 150_000, 90_000, awarded=[120_000, 0])
    report = application.report
    assert report.status == ReportStatus.DRAFT
    assert report.due_at == round_.reporting_deadline
    assert report.total_awarded == 120_000
    measure = application.measures.order_by("pk").first()
    assert [(line.part, line.line_id, line.awarded) for line in report.lines.all()] == [
        ("measure", measure.pk, 120_000)]  # the line granted nothing has no line in the report
    assert report.lines.get().participants_planned == measure.participants  # copied from the application


def test_a_rejected_application_gets_no_report(round_):
    application = decided(round_, 150_000, awarded=[0])
    assert application.status == ApplicationStatus.DECIDED
    assert not GrantReport.objects.filter(application=application).exists()


def test_making_the_report_again_changes_nothing(round_):
    application = decided(round_, 150_000)
    again = report_create_for_decision(decision=application.decision)
    assert again.pk == application.report.pk
    assert again.lines.count() == 1


@pytest.mark.parametrize(("granted", "required"), [(200_000, False), (200_001, True)])
def test_the_auditors_statement_is_required_only_when_the_grant_exceeds_200_000(round_, granted, required):
    report = report_in(round_, granted)
    assert report.auditor_statement_required is required
    signatory, _editor = people(report)
    fill(report, signatory)
    anchors = [anchor for anchor, _message in report_problems(report=GrantReport.objects.get(pk=report.pk))]
    assert ("id_auditor_statement" in anchors) is required


def test_an_uploaded_auditors_statement_satisfies_the_requirement(round_):
    report = report_in(round_, 300_000)
    signatory, _editor = people(report)
    saved = fill(report, signatory, upload=pdf_upload("Revisorberetning 2026.pdf"))
    assert saved.auditor_statement_name == "Revisorberetning_2026.pdf"
    assert report_problems(report=GrantReport.objects.get(pk=saved.pk)) == []


def test_a_file_that_is_not_a_pdf_is_refused_and_nothing_is_written(round_):
    report = report_in(round_, 300_000)
    signatory, _editor = people(report)
    fake = SimpleUploadedFile("Revisorberetning.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")
    with pytest.raises(ValidationError):
        fill(report, signatory, upload=fake)
    stored = GrantReport.objects.get(pk=report.pk)
    assert (stored.version, stored.overall_account, stored.auditor_statement.name) == (0, "", "")


# --- what the report must hold ------------------------------------------------------------------------

def test_totals_are_computed_from_the_lines(round_):
    report = report_in(round_, 100_000, 50_000)
    signatory, _editor = people(report)
    first, second = report.lines.order_by("pk")
    report_save(report=report, user=signatory, data={}, base_version=0, lines={
        first.pk: {"amount_used": 70_000},
        second.pk: {"amount_used": 60_000, "overspend_explanation": "Flere deltok."}})
    # an overspent line does not offset another line's unused funds
    assert report_totals(report=report) == {"awarded": 150_000, "used": 130_000, "unused": 30_000}


def test_a_line_that_used_more_than_granted_needs_an_explanation(round_):
    report = report_in(round_, 100_000)
    signatory, _editor = people(report)
    report = fill(report, signatory, used=120_000)
    line = report.lines.get()
    assert (f"id_line-{line.pk}-overspend_explanation", f"{line.title}: more was used than granted; explain why.") \
        in report_problems(report=report)
    with pytest.raises(ServiceError, match="more was used than granted"):
        report_submit(report=report, user=signatory)

    report = fill(report, signatory, used=120_000, explanation="Flere ansatte enn planlagt fullførte.")
    assert report_problems(report=report) == []
    assert report_submit(report=report, user=signatory).status == ReportStatus.SUBMITTED


def test_an_empty_report_lists_everything_missing_with_the_field_to_fix(round_):
    report = report_in(round_, 100_000)
    line = report.lines.get()
    anchors = [anchor for anchor, _message in report_problems(report=report)]
    assert anchors == ["id_overall_account", f"id_line-{line.pk}-amount_used",
                       f"id_line-{line.pk}-participants_completed", f"id_line-{line.pk}-achievements"]


def test_a_save_on_a_stale_page_is_refused_and_writes_nothing(round_):
    report = report_in(round_, 100_000)
    signatory, editor = people(report)
    report = fill(report, editor, overall="Redaktørens tekst.")
    with pytest.raises(StaleEdit) as stale:
        report_save(report=report, user=signatory, data={"overall_account": "Signatarens tekst."}, lines={},
                    base_version=0)
    assert stale.value.current_version == 1
    assert GrantReport.objects.get(pk=report.pk).overall_account == "Redaktørens tekst."


def test_a_line_of_another_report_is_refused(round_):
    report, other = report_in(round_, 100_000), report_in(round_, 100_000)
    signatory, _editor = people(report)
    with pytest.raises(ServiceError):
        report_save(report=report, user=signatory, data={}, base_version=0,
                    lines={other.lines.get().pk: {"amount_used": 1}})
    assert other.lines.get().amount_used is None


def test_the_office_and_other_municipalities_cannot_write_the_report(round_, caseworker):
    report = report_in(round_, 100_000)
    outsider = member(report_in(round_, 100_000).application.organisation, Role.SIGNATORY)
    for user in (caseworker, outsider):
        with pytest.raises(ServiceError):
            fill(report, user)


# --- the life of a report ---------------------------------------------------------------------------

def test_submit_moves_the_application_to_reported_and_approval_closes_it(round_, caseworker):
    report = report_in(round_, 100_000)
    application = report.application
    signatory, _editor = people(report)
    report = fill(report, signatory)

    report = report_submit(report=report, user=signatory)
    application.refresh_from_db()
    assert (report.status, application.status) == (ReportStatus.SUBMITTED, ApplicationStatus.REPORTED)
    assert report.submitted_by == signatory and report.submitted_at is not None

    report = report_approve(report=report, user=caseworker)
    application.refresh_from_db()
    assert (report.status, application.status) == (ReportStatus.APPROVED, ApplicationStatus.CLOSED)
    assert report.reviewed_by == caseworker


def test_return_sends_the_application_back_to_decided_with_the_message_and_it_can_be_submitted_again(
        round_, caseworker):
    report = report_in(round_, 100_000, submitted=True)
    application, signatory = report.application, report.submitted_by

    report = report_return(report=report, user=caseworker, message="  Revisorberetningen mangler signatur.  ")
    application.refresh_from_db()
    assert (report.status, application.status) == (ReportStatus.RETURNED, ApplicationStatus.DECIDED)
    assert report.return_message == "Revisorberetningen mangler signatur."
    assert report_events(application)[-1].data["message"] == "Revisorberetningen mangler signatur."

    report = fill(report, signatory, overall="Rettet etter tilbakemelding.")
    report = report_submit(report=report, user=signatory)
    application.refresh_from_db()
    assert (report.status, application.status) == (ReportStatus.SUBMITTED, ApplicationStatus.REPORTED)


def test_a_return_needs_a_message(round_, caseworker):
    report = report_in(round_, 100_000, submitted=True)
    with pytest.raises(ServiceError, match="Write what is missing"):
        report_return(report=report, user=caseworker, message="   ")
    assert GrantReport.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED


def test_a_double_submit_submits_once(round_):
    report = report_in(round_, 100_000)
    signatory, _editor = people(report)
    report = fill(report, signatory)
    report_submit(report=report, user=signatory)
    again = report_submit(report=report, user=signatory)
    assert again.status == ReportStatus.SUBMITTED
    assert [event.to_status for event in report_events(report.application)] == [ApplicationStatus.REPORTED]


def test_an_editor_cannot_submit(round_):
    report = report_in(round_, 100_000)
    signatory, editor = people(report)
    report = fill(report, editor)
    with pytest.raises(ServiceError, match="role"):
        report_submit(report=report, user=editor)
    assert GrantReport.objects.get(pk=report.pk).status == ReportStatus.DRAFT

    # nor "again" once the signatory has: the role is checked before the double-click shortcut
    report_submit(report=report, user=signatory)
    with pytest.raises(ServiceError, match="role"):
        report_submit(report=report, user=editor)


def test_only_a_caseworker_approves_or_returns(round_, approver):
    report = report_in(round_, 100_000, submitted=True)
    for user in (approver, report.submitted_by, staff(OfficeFactory(), Role.CASEWORKER)):
        with pytest.raises(ServiceError, match="role"):
            report_approve(report=report, user=user)
        with pytest.raises(ServiceError, match="role"):
            report_return(report=report, user=user, message="Mangler.")
    assert GrantReport.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED


def test_a_submitted_report_can_no_longer_be_changed(round_):
    report = report_in(round_, 100_000, submitted=True)
    with pytest.raises(ServiceError, match="can no longer be changed"):
        fill(report, report.submitted_by, overall="Endret etterpå.")


def test_a_draft_cannot_be_approved(round_, caseworker):
    report = report_in(round_, 100_000)
    with pytest.raises(ServiceError, match="while the report is draft"):
        report_approve(report=report, user=caseworker)


# --- repayments --------------------------------------------------------------------------------------

def test_unused_funds_become_a_repayment_once_the_report_is_submitted(round_, caseworker):
    underspent = report_in(round_, 100_000, 50_000)
    report_in(round_, 80_000, submitted=True)  # all used
    draft = report_in(round_, 60_000)
    signatory, _editor = people(underspent)
    report = fill(underspent, signatory, used=40_000)  # 60 000 + 10 000 unused
    report_submit(report=report, user=signatory)
    draft_signatory, _editor = people(draft)
    fill(draft, draft_signatory, used=10_000)  # not submitted: not counted yet

    assert repayments_for_round(round_=round_) == [(underspent.application, 70_000)]
    report_approve(report=report, user=caseworker)
    assert repayments_for_round(round_=round_) == [(underspent.application, 70_000)]


def test_lines_saved_are_the_lines_given(round_):
    report = report_in(round_, 100_000)
    signatory, _editor = people(report)
    saved = report_save(report=report, user=signatory, data={"overall_account": "Tekst."},
                        lines=complete_lines(report, used=90_000), base_version=0)
    line = saved.lines.get()
    assert (line.amount_used, line.participants_completed, line.unused) == (90_000, 8, 10_000)
    assert saved.version == 1


def test_report_transitions_tell_the_right_people_in_their_own_words(round_, caseworker,
                                                                     django_capture_on_commit_callbacks):
    from portal.models import Notification
    from portal.notifications import notification_text

    report = report_in(round_, 100_000)
    signatory = member(report.application.organisation, Role.SIGNATORY)
    fill(report, signatory)
    with django_capture_on_commit_callbacks(execute=True):
        report_submit(report=GrantReport.objects.get(pk=report.pk), user=signatory)
    assert Notification.objects.filter(user=caseworker, kind="report_submitted").count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        report_return(report=GrantReport.objects.get(pk=report.pk), user=caseworker,
                      message="Legg ved revisorerklæring.")
    returned = Notification.objects.get(user=signatory, kind="report_returned")
    assert "Legg ved revisorerklæring." in notification_text(returned)
    assert not Notification.objects.filter(kind="status_changed", data__status="decided").exists()
