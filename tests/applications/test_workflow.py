"""The application's life: who may submit, withdraw and start again, when, and that each happens once."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from applications.completeness import application_problems
from applications.exceptions import ApplicationError
from applications.models import Application, ApplicationEvent, ApplicationStatus, EventKind
from applications.permissions import can_edit_application
from applications.services import (
    application_details_save,
    application_reopen,
    application_submit,
    application_withdraw,
    measure_save,
)
from portal.exceptions import TransitionError
from portal.models import Role
from tests.applications.factories import ApplicationFactory, member, ready_to_submit
from tests.helpers import stub_task
from tests.schemes.factories import RoundFactory, oslo

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def receipt_task(monkeypatch):
    """Counts the receipts queued instead of rendering PDFs (receipts have their own tests)."""
    return stub_task(monkeypatch, "applications.tasks.receipt_create_task")


def status_events(application):
    return ApplicationEvent.objects.filter(application=application, kind=EventKind.STATUS_CHANGED)


def transitions(application) -> list[str]:
    """The transitions the application's history records, oldest first."""
    return [event.data["transition"] for event in status_events(application).order_by("pk")]


def reloaded(application):
    return Application.objects.get(pk=application.pk)


# --- submitting ----------------------------------------------------------------------------------

def test_the_signatory_submits_and_a_receipt_is_queued(receipt_task, django_capture_on_commit_callbacks):
    application = ready_to_submit()
    signatory = member(application.organisation, Role.SIGNATORY)

    with django_capture_on_commit_callbacks(execute=True):
        application_submit(application=application, user=signatory)

    application = reloaded(application)
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.submitted_by == signatory
    assert application.submitted_at is not None
    assert application.submission_count == 1
    assert receipt_task == [(application.pk, 1)]
    event = status_events(application).get()
    assert (event.from_status, event.to_status, event.actor) == (ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED,
                                                                 signatory)


def test_an_editor_cannot_submit(receipt_task, django_capture_on_commit_callbacks):
    application = ready_to_submit()
    editor = member(application.organisation, Role.EDITOR)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(TransitionError, match="role"):
        application_submit(application=application, user=editor)

    assert reloaded(application).status == ApplicationStatus.DRAFT
    assert not status_events(application).exists()
    assert receipt_task == []


def test_a_signatory_of_another_municipality_cannot_submit(receipt_task):
    application = ready_to_submit()
    stranger = member(ApplicationFactory(round=application.round).organisation, Role.SIGNATORY)

    with pytest.raises(TransitionError):
        application_submit(application=application, user=stranger)

    assert reloaded(application).status == ApplicationStatus.DRAFT


def test_an_incomplete_application_is_refused_with_its_problems_and_nothing_changes(
    receipt_task, django_capture_on_commit_callbacks
):
    application = ApplicationFactory()  # no lines, no cover letter
    signatory = member(application.organisation, Role.SIGNATORY)
    problems = application_problems(application=application)
    assert problems

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(TransitionError) as refused:
        application_submit(application=application, user=signatory)

    assert "not complete" in str(refused.value)
    assert str(len(problems)) in str(refused.value)
    application = reloaded(application)
    assert application.status == ApplicationStatus.DRAFT
    assert application.submission_count == 0
    assert application.submitted_at is None
    assert not status_events(application).exists()
    assert receipt_task == []


def test_submitting_twice_submits_once(receipt_task, django_capture_on_commit_callbacks):
    """A double click or a retried request: the caller holds the same (now stale) draft both times."""
    application = ready_to_submit()
    signatory = member(application.organisation, Role.SIGNATORY)

    with django_capture_on_commit_callbacks(execute=True):
        first = application_submit(application=application, user=signatory)
    with django_capture_on_commit_callbacks(execute=True) as scheduled_by_the_repeat:
        second = application_submit(application=application, user=signatory)

    assert first.pk == second.pk
    assert scheduled_by_the_repeat == []
    assert reloaded(application).submission_count == 1
    assert status_events(application).count() == 1
    assert receipt_task == [(application.pk, 1)]


def test_a_submitted_application_can_no_longer_be_changed(receipt_task):
    application = ready_to_submit()
    editor = member(application.organisation, Role.EDITOR)
    signatory = member(application.organisation, Role.SIGNATORY)
    application_submit(application=application, user=signatory)
    application = reloaded(application)
    events_before = application.events.count()

    assert not can_edit_application(editor, application)
    assert not can_edit_application(signatory, application)
    with pytest.raises(ApplicationError):
        application_details_save(application=application, user=editor, data={"contact_phone": "12345678"},
                                 base_version=application.details_version)
    with pytest.raises(ApplicationError):
        measure_save(application=application, user=signatory, data={"title": "Et nytt tiltak"})
    application = reloaded(application)
    assert application.contact_phone == ""
    assert not application.measures.exists()
    assert application.events.count() == events_before


# --- the deadline: Europe/Oslo, end of the deadline minute, plus grace ---------------------------

DEADLINES = [
    pytest.param((2020, 2, 20, 23, 59), 0, (2020, 2, 20, 23, 59, 59), (2020, 2, 21, 0, 0, 0), id="20.02.2020 23:59"),
    pytest.param((2020, 2, 20, 23, 59), 15, (2020, 2, 21, 0, 14, 59), (2020, 2, 21, 0, 15, 0), id="grace 15 min"),
    pytest.param((2020, 3, 28, 23, 59), 0, (2020, 3, 28, 23, 59, 59), (2020, 3, 29, 0, 0, 0),
                 id="night before summer time"),
    pytest.param((2020, 10, 25, 23, 59), 0, (2020, 10, 25, 23, 59, 59), (2020, 10, 26, 0, 0, 0),
                 id="day winter time started"),
]


def _round_2020(closes, grace):
    return RoundFactory(year=2020, opens_at=oslo(2020, 1, 6, 8, 0), closes_at=oslo(*closes), grace_minutes=grace,
                        reporting_deadline=oslo(2021, 3, 1, 23, 59))


@pytest.mark.parametrize(("closes", "grace", "last_accepted", "first_refused"), DEADLINES)
def test_a_submission_in_the_last_second_is_accepted(receipt_task, closes, grace, last_accepted, first_refused):
    application = ready_to_submit(round=_round_2020(closes, grace))
    signatory = member(application.organisation, Role.SIGNATORY)
    moment = oslo(*last_accepted)

    with time_machine.travel(moment, tick=False):
        application_submit(application=application, user=signatory)

    application = reloaded(application)
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.submitted_at == moment
    assert timezone.localtime(application.submitted_at).strftime("%d.%m.%Y %H:%M:%S") == moment.strftime(
        "%d.%m.%Y %H:%M:%S")


@pytest.mark.parametrize(("closes", "grace", "last_accepted", "first_refused"), DEADLINES)
def test_a_submission_after_the_deadline_is_refused(receipt_task, closes, grace, last_accepted, first_refused):
    application = ready_to_submit(round=_round_2020(closes, grace))
    signatory = member(application.organisation, Role.SIGNATORY)

    with time_machine.travel(oslo(*first_refused), tick=False), pytest.raises(TransitionError) as refused:
        application_submit(application=application, user=signatory)

    assert "deadline has passed" in str(refused.value)
    application = reloaded(application)
    assert application.status == ApplicationStatus.DRAFT
    assert application.submitted_at is None
    assert receipt_task == []


def test_the_deadline_is_read_in_oslo_time_not_utc():
    """23:59 in Oslo in winter is 22:59 UTC: a server reading the deadline as UTC would accept an hour late."""
    round_ = _round_2020((2020, 2, 20, 23, 59), 0)
    round_.refresh_from_db()
    assert round_.is_open(dt.datetime(2020, 2, 20, 22, 59, 59, tzinfo=dt.UTC))
    assert not round_.is_open(dt.datetime(2020, 2, 20, 23, 0, 0, tzinfo=dt.UTC))


def test_a_submission_before_the_round_opens_is_refused(receipt_task):
    application = ready_to_submit(round=_round_2020((2020, 2, 20, 23, 59), 0))
    signatory = member(application.organisation, Role.SIGNATORY)

    with time_machine.travel(oslo(2020, 1, 6, 7, 59, 59), tick=False), pytest.raises(TransitionError) as refused:
        application_submit(application=application, user=signatory)

    assert "not opened" in str(refused.value)
    assert reloaded(application).status == ApplicationStatus.DRAFT
    with time_machine.travel(oslo(2020, 1, 6, 8, 0, 0), tick=False):
        application_submit(application=application, user=signatory)
    assert reloaded(application).status == ApplicationStatus.SUBMITTED


# --- withdrawing and starting again --------------------------------------------------------------

def test_only_the_signatory_withdraws():
    application = ApplicationFactory(submitted=True)
    editor = member(application.organisation, Role.EDITOR)

    with pytest.raises(TransitionError):
        application_withdraw(application=application, user=editor, reason="Vi trekker søknaden.")

    assert reloaded(application).status == ApplicationStatus.SUBMITTED


@pytest.mark.parametrize("reason", ["", "   \n"])
def test_withdrawing_needs_a_reason(reason):
    application = ApplicationFactory(submitted=True)
    signatory = member(application.organisation, Role.SIGNATORY)

    with pytest.raises(ApplicationError):
        application_withdraw(application=application, user=signatory, reason=reason)

    application = reloaded(application)
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.withdrawn_at is None
    assert transitions(application) == ["submit"]  # only the submission's: nothing was recorded


def test_withdrawing_records_the_reason_and_time_once():
    application = ApplicationFactory(submitted=True)
    signatory = member(application.organisation, Role.SIGNATORY)
    moment = oslo(2026, 3, 2, 10, 15)

    with time_machine.travel(moment, tick=False):
        application_withdraw(application=application, user=signatory, reason="  Prosjektet er utsatt.  ")
    application_withdraw(application=application, user=signatory, reason="Et annet svar.")

    application = reloaded(application)
    assert application.status == ApplicationStatus.WITHDRAWN
    assert application.withdrawal_reason == "Prosjektet er utsatt."
    assert application.withdrawn_at == moment
    assert transitions(application) == ["submit", "withdraw"]
    event = status_events(application).get(to_status=ApplicationStatus.WITHDRAWN)
    assert event.data["reason"] == "Prosjektet er utsatt."


def test_a_withdrawn_application_can_be_started_again_while_the_round_is_open():
    application = ApplicationFactory(submitted=True)
    signatory = member(application.organisation, Role.SIGNATORY)
    editor = member(application.organisation, Role.EDITOR)
    application_withdraw(application=application, user=signatory, reason="Feil tall.")

    application_reopen(application=application, user=editor)

    application = reloaded(application)
    assert application.status == ApplicationStatus.DRAFT
    assert application.submitted_at is None
    assert can_edit_application(editor, application)


def test_a_withdrawn_application_cannot_be_started_again_after_the_deadline():
    application = ApplicationFactory(submitted=True)
    signatory = member(application.organisation, Role.SIGNATORY)
    application_withdraw(application=application, user=signatory, reason="Feil tall.")
    after_deadline = application.round.submission_closes_at + dt.timedelta(seconds=1)

    with time_machine.travel(after_deadline, tick=False), pytest.raises(TransitionError) as refused:
        application_reopen(application=application, user=signatory)

    assert "deadline has passed" in str(refused.value)
    assert reloaded(application).status == ApplicationStatus.WITHDRAWN


# --- sending again when the office asked for more ------------------------------------------------

def test_a_returned_application_can_be_sent_again_after_the_deadline(receipt_task, django_capture_on_commit_callbacks):
    application = ready_to_submit(round=RoundFactory(closed=True), returned=True)
    signatory = member(application.organisation, Role.SIGNATORY)
    editor = member(application.organisation, Role.EDITOR)
    assert not application.round.is_open()
    assert can_edit_application(editor, application)

    with django_capture_on_commit_callbacks(execute=True):
        application_submit(application=application, user=signatory)

    application = reloaded(application)
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.submission_count == 2
    assert transitions(application) == ["submit", "start_assessment", "return", "resubmit"]
    assert receipt_task == [(application.pk, 2)]


def test_a_draft_cannot_be_submitted_after_the_deadline(receipt_task):
    application = ready_to_submit(round=RoundFactory(closed=True))
    signatory = member(application.organisation, Role.SIGNATORY)

    with pytest.raises(TransitionError, match="deadline has passed"):
        application_submit(application=application, user=signatory)

    assert reloaded(application).status == ApplicationStatus.DRAFT
