"""The editor hands the finished report over to the signatory: a recorded mark, the signatories told by
e-mail (once each per mark) and in the portal, and the report page says who may submit and whether
they were told."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from applications.models import ApplicationEvent
from portal.models import Notification, Role
from reporting.exceptions import ReportError
from reporting.handover import report_signature_request_email
from reporting.models import ReportEvent, ReportSignatureRequest
from reporting.notifications import ReportNotice
from reporting.permissions import can_mark_report_ready_for_signature
from reporting.selectors import report_signature_request_email_key, reports_ready_for_signature
from reporting.services import report_mark_ready_for_signature
from reporting.tasks import report_signature_requests_catch_up_task
from reporting.workflow import REPORT
from tests.applications.factories import member, staff
from tests.helpers import in_english, stub_task, url, visible_text
from tests.portal.factories import SentEmailFactory
from tests.reporting.factories import complete_lines, fill, report_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def email_task(monkeypatch):
    return stub_task(monkeypatch, "reporting.tasks.report_signature_request_email_task")


def _people(report):
    organisation = report.application.organisation
    signatories = [m.user for m in organisation.memberships.filter(role=Role.SIGNATORY)]
    return member(organisation, Role.EDITOR), signatories


def test_the_editor_marks_the_finished_report_and_the_signatories_are_told(
        round_, email_task, django_capture_on_commit_callbacks):
    report = report_in(round_, filled=True)
    editor, signatories = _people(report)
    with django_capture_on_commit_callbacks(execute=True):
        request, made = report_mark_ready_for_signature(report=report, user=editor)
    assert made and request.requested_by == editor
    assert ApplicationEvent.objects.filter(kind=ReportEvent.REPORT_READY_FOR_SIGNATURE, actor=editor).exists()
    assert email_task.first_args == [request.pk]
    told = Notification.objects.filter(kind=ReportNotice.REPORT_READY_FOR_SIGNATURE)
    assert {n.user for n in told} == set(signatories) and editor not in {n.user for n in told}

    assert report_signature_request_email(request_id=request.pk) == len(signatories)
    assert report_signature_request_email(request_id=request.pk) == 0  # at most once
    assert sorted(m.to[0] for m in mail.outbox) == sorted(s.email for s in signatories)


@pytest.mark.usefixtures("english")
def test_only_editors_mark_and_only_a_complete_report(round_, office, email_task):
    report = report_in(round_)  # not filled in
    editor, _signatories = _people(report)
    with pytest.raises(ReportError, match="not complete"):
        report_mark_ready_for_signature(report=report, user=editor)
    fill(report, editor)
    report.refresh_from_db()
    for user in (member(report.application.organisation, Role.SIGNATORY), staff(office)):
        assert not can_mark_report_ready_for_signature(user, report)
        with pytest.raises(ReportError, match="Only the municipality's editors"):
            report_mark_ready_for_signature(report=report, user=user)
    assert not ReportSignatureRequest.objects.exists() and not email_task


def test_twice_tells_once_a_change_makes_a_new_mark_and_a_submission_ends_it(
        round_, email_task, django_capture_on_commit_callbacks):
    report = report_in(round_, filled=True)
    editor, signatories = _people(report)
    with django_capture_on_commit_callbacks(execute=True):
        first, _made = report_mark_ready_for_signature(report=report, user=editor)
        assert report_mark_ready_for_signature(report=report, user=editor) == (first, False)
    assert len(email_task) == 1
    [ready] = reports_ready_for_signature(user=signatories[0])
    assert ready == report and ready.ready_marked_by == str(editor) and not ready.changed_since_mark

    fill(report, editor, overall="Midlene ble brukt til kurs.")
    [ready] = reports_ready_for_signature(user=signatories[0])
    assert ready.changed_since_mark
    with django_capture_on_commit_callbacks(execute=True):
        second, made = report_mark_ready_for_signature(report=report, user=editor)
    assert made and second != first and email_task.first_args == [first.pk, second.pk]

    report.refresh_from_db()
    REPORT.perform(report, "submit", user=signatories[0])
    assert reports_ready_for_signature(user=signatories[0]) == []
    # returned: the mark from before the submission no longer counts
    report.refresh_from_db()
    REPORT.perform(report, "return", user=staff(round_.office), data={"message": "Mer om måloppnåelse."})
    assert reports_ready_for_signature(user=signatories[0]) == []
    assert report_signature_request_email(request_id=second.pk) == 0


def test_the_list_is_the_signatorys_own_in_constant_queries(round_, email_task):
    def count(user):
        with CaptureQueriesContext(connection) as queries:
            rows = reports_ready_for_signature(user=user)
            [(r.application.organisation.name, r.application.round.scheme.name, r.ready_marked_by) for r in rows]
        return len(queries), len(rows)

    report = report_in(round_, filled=True)
    editor, [signatory] = _people(report)
    report_mark_ready_for_signature(report=report, user=editor)
    other = report_in(round_, filled=True)
    other_editor, [other_signatory] = _people(other)
    report_mark_ready_for_signature(report=other, user=other_editor)
    assert reports_ready_for_signature(user=signatory) == [report]
    assert reports_ready_for_signature(user=editor) == []

    count(signatory)
    small = count(signatory)
    for _ in range(4):  # more of the signatory's organisation's reports, in other rounds
        from tests.schemes.factories import RoundFactory

        more = report_in(RoundFactory(office=round_.office, with_criteria=True), filled=True)
        more.application.organisation.memberships.all().delete()
        more.application.organisation = report.application.organisation
        more.application.save(update_fields=["organisation"])
        report_mark_ready_for_signature(report=more, user=editor)
    large = count(signatory)
    assert (small[1], large[1]) == (1, 5)
    assert small[0] == large[0]


# --- the report page -----------------------------------------------------------------------------------

def test_the_editor_is_offered_the_hand_over_and_the_signatory_sees_who_was_told(
        round_, client, email_task, django_capture_on_commit_callbacks):
    report = report_in(round_, filled=True)
    editor, [signatory] = _people(report)
    page_url = url("reporting:report", report.application)
    client.force_login(editor)
    page = visible_text(in_english(client).get(page_url))
    assert f"Only the signatory can submit the report: {signatory}." in page
    assert "Save and mark ready for signature" in page
    assert "Only the signatory can submit the report. Ask" not in page  # the bare refusal is gone

    posted = {"version": report.version, "overall_account": "Midlene ble brukt som planlagt, og mer.",
              **{f"line-{pk}-{name}": value for pk, values in complete_lines(report).items()
                 for name, value in values.items()}}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("reporting:mark_ready", report.application), posted, follow=True)
    assert "marked ready for signature" in visible_text(response)
    report.refresh_from_db()
    assert report.overall_account == "Midlene ble brukt som planlagt, og mer."  # what was typed is saved

    client.force_login(signatory)
    page = visible_text(in_english(client).get(page_url))
    assert f"Marked ready for signature by {editor}" in page
    assert f"{signatory}: told in the portal" in page
    assert "Save and submit the report" in page


def test_marking_another_organisations_report_is_a_404(round_, editor_client, email_task):
    report = report_in(round_, filled=True)
    assert editor_client.post(url("reporting:mark_ready", report.application)).status_code == 404
    assert not ReportSignatureRequest.objects.exists()


def test_a_report_hand_over_e_mail_whose_task_was_lost_is_queued_again_by_the_catch_up(round_, email_task):
    report = report_in(round_, filled=True)
    editor, signatories = _people(report)
    request, _made = report_mark_ready_for_signature(report=report, user=editor)  # after commit: never run here
    assert report_signature_requests_catch_up_task() == 0  # its first try has had no time yet
    later = timezone.now() + dt.timedelta(minutes=11)
    with time_machine.travel(later):
        assert report_signature_requests_catch_up_task() == 1
    assert email_task.first_args == [request.pk]

    for signatory in signatories:  # they went
        SentEmailFactory(key=report_signature_request_email_key(request.pk, signatory.pk), sent=True)
    with time_machine.travel(later):
        assert report_signature_requests_catch_up_task() == 0


def test_from_my_pages_due_reports_the_list_reads_nothing_while_none_is_due_and_one_query_while_none_is_marked(
        round_, email_task, django_assert_num_queries):
    from reporting.selectors import reports_due_for_organisations

    report = report_in(round_, filled=True)
    editor, [signatory] = _people(report)
    with django_assert_num_queries(0):
        assert reports_ready_for_signature(user=signatory, due=[]) == []
    due = list(reports_due_for_organisations(user=signatory))
    assert due == [report]
    with django_assert_num_queries(1):  # its marks: none
        assert reports_ready_for_signature(user=signatory, due=due) == []

    report_mark_ready_for_signature(report=report, user=editor)
    due = list(reports_due_for_organisations(user=signatory))
    with django_assert_num_queries(2):  # the marks with who made them, the saves since
        [ready] = reports_ready_for_signature(user=signatory, due=due)
        assert ready.ready_marked_by == str(editor) and str(ready.application.round)
    assert not ready.changed_since_mark
