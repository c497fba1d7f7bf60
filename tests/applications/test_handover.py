"""The editor's hand-over to the signatory: the application is marked ready for signature (a recorded
fact, not a status), the signatories are told by e-mail (once each per mark, in the organisation's
language form) and in the portal, and the check page says who may submit and whether they were told."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from applications.exceptions import ApplicationError
from applications.handover import signature_request_email, signature_request_notify
from applications.models import ApplicationStatus, EventKind, SignatureRequest
from applications.notifications import ApplicationNotice
from applications.permissions import can_mark_ready_for_signature
from applications.selectors import applications_ready_for_signature, signature_request_email_key
from applications.services import (
    application_details_save,
    application_mark_ready_for_signature,
    application_submit,
)
from applications.tasks import signature_requests_catch_up_task
from portal.models import LanguageForm, Notification, Role, SentEmail
from tests.applications.factories import ApplicationFactory, member, ready_to_submit, staff
from tests.helpers import in_english, page_text, stub_task, url, visible_text
from tests.portal.factories import SentEmailFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def email_task(monkeypatch):
    return stub_task(monkeypatch, "applications.tasks.signature_request_email_task")


@pytest.fixture
def application(organisation, round_):
    return ready_to_submit(round=round_, organisation=organisation)


def _details(application) -> dict:
    return {"contact_name": application.contact_name, "contact_email": application.contact_email,
            "contact_phone": "", "project_priorities": "Endret rekkefølge.",
            "competence_raising_plan": application.competence_raising_plan}


# --- the service ---------------------------------------------------------------------------------------

def test_the_editor_marks_it_ready_and_the_signatories_are_told_after_commit(
        application, organisation, email_task, django_capture_on_commit_callbacks):
    editor = member(organisation, Role.EDITOR)
    signatories = [member(organisation, Role.SIGNATORY), member(organisation, Role.SIGNATORY)]
    other_editor = member(organisation, Role.EDITOR)

    with django_capture_on_commit_callbacks(execute=True):
        request, made = application_mark_ready_for_signature(application=application, user=editor)

    assert made and request.requested_by == editor and request.submission_number == 1
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT  # a fact, not a status: editing goes on
    assert application.events.filter(kind=EventKind.READY_FOR_SIGNATURE, actor=editor, object_id=request.pk).exists()
    assert email_task.first_args == [request.pk]
    told = Notification.objects.filter(kind=ApplicationNotice.READY_FOR_SIGNATURE)
    assert {n.user for n in told} == set(signatories)  # not the editors
    assert all(n.url == url("applications:check", application) and n.data["request"] == request.pk for n in told)
    assert other_editor not in {n.user for n in told}


@pytest.mark.usefixtures("english")
def test_only_an_editor_marks_and_only_what_may_still_be_edited(application, organisation, office, email_task):
    signatory = member(organisation, Role.SIGNATORY)
    caseworker = staff(office)
    outsider = member(ApplicationFactory().organisation, Role.EDITOR)
    for user in (signatory, caseworker, outsider):
        assert not can_mark_ready_for_signature(user, application)
        with pytest.raises(ApplicationError, match="Only the municipality's editors"):
            application_mark_ready_for_signature(application=application, user=user)
    editor = member(organisation, Role.EDITOR)
    assert can_mark_ready_for_signature(editor, application)
    submitted = ApplicationFactory(round=application.round, submitted=True)
    assert not can_mark_ready_for_signature(member(submitted.organisation, Role.EDITOR), submitted)
    assert not email_task


@pytest.mark.usefixtures("english")
def test_an_incomplete_application_is_not_handed_over(organisation, round_, email_task):
    draft = ApplicationFactory(round=round_, organisation=organisation)  # no lines
    with pytest.raises(ApplicationError, match="not complete"):
        application_mark_ready_for_signature(application=draft, user=member(organisation, Role.EDITOR))
    assert not SignatureRequest.objects.exists() and not email_task


def test_marking_twice_tells_once_and_a_change_since_makes_a_new_mark(
        application, organisation, email_task, django_capture_on_commit_callbacks):
    editor, signatory = member(organisation, Role.EDITOR), member(organisation, Role.SIGNATORY)
    with django_capture_on_commit_callbacks(execute=True):
        first, _made = application_mark_ready_for_signature(application=application, user=editor)
        again, made_again = application_mark_ready_for_signature(application=application, user=editor)
    assert again == first and not made_again
    assert len(email_task) == 1 and Notification.objects.filter(user=signatory).count() == 1

    # the mark does not stop anyone from editing; a change after it leaves the mark, said to be stale
    application_details_save(application=application, user=editor, data=_details(application),
                             base_version=application.details_version)
    [ready] = applications_ready_for_signature(user=signatory)
    assert ready.changed_since_mark and ready.ready_marked_at == first.requested_at

    with django_capture_on_commit_callbacks(execute=True):
        second, made = application_mark_ready_for_signature(application=application, user=editor)
    assert made and second != first
    assert email_task.first_args == [first.pk, second.pk]
    assert Notification.objects.filter(user=signatory).count() == 2
    [ready] = applications_ready_for_signature(user=signatory)
    assert not ready.changed_since_mark


def test_a_submission_ends_the_mark(application, organisation, email_task, monkeypatch):
    stub_task(monkeypatch, "applications.tasks.receipt_create_task")
    editor, signatory = member(organisation, Role.EDITOR), member(organisation, Role.SIGNATORY)
    application_mark_ready_for_signature(application=application, user=editor)
    application_submit(application=application, user=signatory)
    assert applications_ready_for_signature(user=signatory) == []


# --- the e-mail ----------------------------------------------------------------------------------------

def test_each_signatory_gets_one_email_per_mark_in_the_organisations_language_form(
        application, organisation, email_task):
    organisation.language_form = LanguageForm.NYNORSK
    organisation.save()
    editor = member(organisation, Role.EDITOR)
    signatories = [member(organisation, Role.SIGNATORY), member(organisation, Role.SIGNATORY)]
    request, _made = application_mark_ready_for_signature(application=application, user=editor)

    assert signature_request_email(request_id=request.pk) == 2
    assert signature_request_email(request_id=request.pk) == 0  # a retried task sends nothing again
    assert sorted(m.to[0] for m in mail.outbox) == sorted(s.email for s in signatories)
    assert all(m.extra_headers["Content-Language"] == "nn" for m in mail.outbox)
    assert all(url("applications:check", application) in m.body for m in mail.outbox)
    assert str(editor) in mail.outbox[0].body


def test_no_email_for_a_mark_the_application_moved_past(application, organisation, email_task, monkeypatch):
    stub_task(monkeypatch, "applications.tasks.receipt_create_task")
    editor, signatory = member(organisation, Role.EDITOR), member(organisation, Role.SIGNATORY)
    request, _made = application_mark_ready_for_signature(application=application, user=editor)
    application_submit(application=application, user=signatory)
    assert signature_request_email(request_id=request.pk) == 0
    assert mail.outbox == []


# --- the check page ------------------------------------------------------------------------------------

def test_the_editor_is_offered_the_hand_over_instead_of_a_refusal(editor_client, organisation, round_, email_task,
                                                                  django_capture_on_commit_callbacks):
    application = ready_to_submit(round=round_, organisation=organisation)
    signatory = member(organisation, Role.SIGNATORY)
    check = url("applications:check", application)

    page = visible_text(in_english(editor_client).get(check))
    assert "Your role does not allow this" not in page
    assert f"Only the signatory can submit the application: {signatory}." in page
    assert "Mark ready for signature" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(url("applications:mark_ready", application), follow=True)
    assert "marked ready for signature" in visible_text(response)
    page = visible_text(editor_client.get(check))
    assert f"Marked ready for signature by {editor_client.user}" in page
    assert f"{signatory}: told in the portal" in page and "e-mail not sent yet" in page
    assert "Mark ready for signature" not in page.replace("Marked ready for signature", "")


def test_the_signatory_sees_who_handed_it_over_whether_told_and_changes_since(
        signatory_client, organisation, round_, email_task, django_capture_on_commit_callbacks):
    application = ready_to_submit(round=round_, organisation=organisation)
    editor = member(organisation, Role.EDITOR)
    with django_capture_on_commit_callbacks(execute=True):
        request, _made = application_mark_ready_for_signature(application=application, user=editor)
    signature_request_email(request_id=request.pk)
    check = url("applications:check", application)

    page = visible_text(in_english(signatory_client).get(check))
    assert f"Marked ready for signature by {editor}" in page
    assert f"{signatory_client.user}: told in the portal" in page and "e-mail sent" in page
    assert "Submit the application" in page

    application_details_save(application=application, user=editor, data=_details(application),
                             base_version=application.details_version)
    page = visible_text(signatory_client.get(check))
    assert f"The application was changed after it was marked: by {editor}" in page
    assert "Mark it again" not in page  # that is the editor's to do


def test_the_check_page_says_when_nobody_can_submit(editor_client, organisation, round_):
    application = ready_to_submit(round=round_, organisation=organisation)
    page = visible_text(in_english(editor_client).get(url("applications:check", application)))
    assert "The organisation has no signatory in the portal yet" in page


def test_marking_another_organisations_application_is_a_404(editor_client, round_, email_task):
    elsewhere = ready_to_submit(round=round_)
    assert editor_client.post(url("applications:mark_ready", elsewhere)).status_code == 404
    assert not SignatureRequest.objects.exists()


def test_a_signatory_posting_the_mark_is_told_why_and_nothing_is_marked(signatory_client, organisation, round_,
                                                                         email_task):
    application = ready_to_submit(round=round_, organisation=organisation)
    response = in_english(signatory_client).post(url("applications:mark_ready", application), follow=True)
    assert "Only the municipality's editors" in page_text(response)
    assert not SignatureRequest.objects.exists()


# --- the signatory's list: what to do next -------------------------------------------------------------

def test_a_complete_draft_does_not_tell_the_signatory_to_complete_it(signatory_client, editor_client, organisation,
                                                                      round_):
    ready_to_submit(round=round_, organisation=organisation)
    signatory_page = visible_text(in_english(signatory_client).get(url("applications:mine")))
    assert "Complete the sections" not in signatory_page
    assert "Everything required is filled in: check the application and submit it" in signatory_page
    editor_page = visible_text(in_english(editor_client).get(url("applications:mine")))
    assert "Everything required is filled in: mark it ready for signature" in editor_page


def test_an_incomplete_draft_still_says_what_to_do(signatory_client, organisation, round_):
    ApplicationFactory(round=round_, organisation=organisation)
    page = visible_text(in_english(signatory_client).get(url("applications:mine")))
    assert "Complete the sections and let the signatory submit before the deadline." in page


# --- the selector for the signatory's home page --------------------------------------------------------

def test_ready_for_signature_lists_only_the_signatorys_own_submittable_marked_applications(
        organisation, office, round_, email_task):
    from tests.schemes.factories import RoundFactory

    signatory, editor = member(organisation, Role.SIGNATORY), member(organisation, Role.EDITOR)
    marked = ready_to_submit(round=round_, organisation=organisation)
    application_mark_ready_for_signature(application=marked, user=editor)
    ready_to_submit(round=RoundFactory(office=office), organisation=organisation)  # not marked
    elsewhere = ready_to_submit(round=round_)
    application_mark_ready_for_signature(application=elsewhere, user=member(elsewhere.organisation, Role.EDITOR))

    [ready] = applications_ready_for_signature(user=signatory)
    assert ready == marked and ready.ready_marked_by == str(editor) and not ready.changed_since_mark
    assert applications_ready_for_signature(user=editor) == []  # the editor does not sign
    assert applications_ready_for_signature(user=staff(office)) == []
    # once the round no longer takes submissions, the draft cannot be signed
    later = round_.submission_closes_at + dt.timedelta(minutes=1)
    assert applications_ready_for_signature(user=signatory, now=later) == []


def test_ready_for_signature_reads_in_constant_queries(organisation, office, email_task):
    from tests.schemes.factories import RoundFactory

    signatory, editor = member(organisation, Role.SIGNATORY), member(organisation, Role.EDITOR)

    def add(n):
        for _ in range(n):
            application = ready_to_submit(round=RoundFactory(office=office), organisation=organisation)
            application_mark_ready_for_signature(application=application, user=editor, now=timezone.now())

    def count():
        with CaptureQueriesContext(connection) as queries:
            result = applications_ready_for_signature(user=signatory)
            [(a.round.scheme.name, a.organisation.name, a.ready_marked_by) for a in result]
        return len(queries), len(result)

    add(1)
    count()  # warm up: the user's roles are read once and kept on the user
    small = count()
    add(8)
    large = count()
    assert small[1] == 1 and large[1] == 9
    assert small[0] == large[0]


def test_the_notification_reads_as_a_sentence(application, organisation, english, email_task):
    from portal.notifications import notification_text

    editor = member(organisation, Role.EDITOR)
    signatory = member(organisation, Role.SIGNATORY)
    request, _made = application_mark_ready_for_signature(application=application, user=editor)
    assert signature_request_notify(request_id=request.pk) == 1
    notification = Notification.objects.get(user=signatory)
    assert notification_text(notification) == (
        f"{editor} has marked {organisation.name}'s application ready for your signature.")


# --- the catch-up: a hand-over e-mail whose task was lost ----------------------------------------------

def test_a_hand_over_e_mail_whose_task_was_lost_is_queued_again_by_the_catch_up(application, organisation,
                                                                                email_task):
    """A broker outage at commit loses the task (the signatories were told in the portal all the same):
    from ten minutes on, the periodic catch-up queues it again, until each signatory's e-mail went."""
    editor, signatory = member(organisation, Role.EDITOR), member(organisation, Role.SIGNATORY)
    request, _made = application_mark_ready_for_signature(application=application, user=editor)  # task lost
    assert signature_requests_catch_up_task() == 0  # its first try has had no time yet
    later = timezone.now() + dt.timedelta(minutes=11)
    with time_machine.travel(later):
        assert signature_requests_catch_up_task() == 1
    assert email_task.first_args == [request.pk]

    SentEmailFactory(key=signature_request_email_key(request.pk, signatory.pk), sent=True)  # it went
    with time_machine.travel(later):
        assert signature_requests_catch_up_task() == 0
    with time_machine.travel(timezone.now() + dt.timedelta(days=8)):  # past RETRY_FOR: given up
        SentEmail.objects.all().delete()
        assert signature_requests_catch_up_task() == 0


def test_ready_for_signature_reads_nothing_more_from_my_pages_applications_when_nothing_is_marked(
        organisation, office, email_task, django_assert_num_queries):
    from applications.selectors import applications_for_organisations
    from tests.schemes.factories import RoundFactory

    signatory, editor = member(organisation, Role.SIGNATORY), member(organisation, Role.EDITOR)
    unmarked = ready_to_submit(round=RoundFactory(office=office), organisation=organisation)
    applications = list(applications_for_organisations(user=signatory))
    with django_assert_num_queries(0):
        assert applications_ready_for_signature(user=signatory, applications=applications) == []

    application_mark_ready_for_signature(application=unmarked, user=editor)
    applications = list(applications_for_organisations(user=signatory))
    with django_assert_num_queries(2):  # the changes since the mark, the editor's name
        [ready] = applications_ready_for_signature(user=signatory, applications=applications)
    assert ready == unmarked and ready.ready_marked_by == str(editor) and not ready.changed_since_mark
