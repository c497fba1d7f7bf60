"""Decisions with four eyes, the letter, sending, appeals, and who may reach which page.

The letter PDF and its e-mail belong to letters.py and its Celery tasks; the tests that run the
callbacks after commit stub those tasks (`stub_task`), so they see exactly when the letter is queued
and sent. Decisions a test only starts from are made by the factories (tests/casework/factories.py)."""

import datetime as dt
import re

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from applications.models import ApplicationEvent, ApplicationStatus, InnovationProject
from casework.models import Appeal, CaseworkEvent, Decision, DecisionStatus, Outcome
from casework.rules import appeal_deadline
from casework.services.appeals import appeal_handle, appeal_register
from casework.services.decisions import decision_approve, decision_propose, decision_send, decisions_send_for_round
from portal.exceptions import ServiceError
from portal.models import Role
from tests.applications.factories import InnovationProjectFactory, applying_for, member, staff
from tests.casework.factories import AppealFactory, AssessmentFactory, DecisionFactory, assess, assessed, letter_stored
from tests.helpers import in_english, page_text, stub_task, url
from tests.portal.factories import MembershipFactory, OfficeFactory

# the services' refusals are matched in English, whatever the catalogues hold
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


# --- the outcome follows from the awards --------------------------------------------------------------

@pytest.mark.parametrize("awards, outcome, total", [
    ([300_000, 200_000], Outcome.GRANTED, 500_000),
    ([300_000, 50_000], Outcome.PARTLY_GRANTED, 350_000),
    ([0, 0], Outcome.REJECTED, 0),
])
def test_the_outcome_follows_from_the_awards(round_, caseworker, awards, outcome, total):
    application = assessed(round_, 300_000, 200_000, awarded=awards, caseworker=caseworker)

    decision = decision_propose(application=application, user=caseworker, reasons="Begrunnelse.")

    assert (decision.outcome, decision.total_awarded, decision.total_applied) == (outcome, total, 500_000)
    assert decision.status == DecisionStatus.PROPOSED
    assert decision.proposed_by == caseworker
    assert decision.reporting_deadline == round_.reporting_deadline
    assert ApplicationEvent.objects.filter(application=application, kind=CaseworkEvent.DECISION_PROPOSED).count() == 1


@pytest.mark.parametrize("awards", [[300_000, 50_000], [0, 0]])
def test_reasons_are_required_when_partly_granted_or_rejected(round_, caseworker, awards):
    application = assessed(round_, 300_000, 200_000, awarded=awards, caseworker=caseworker)

    with pytest.raises(ServiceError, match="reasons"):
        decision_propose(application=application, user=caseworker, reasons="  ")
    assert not Decision.objects.exists()


def test_reasons_may_be_left_out_when_granted_in_full(round_, caseworker):
    application = assessed(round_, 300_000, caseworker=caseworker)
    assert decision_propose(application=application, user=caseworker, reasons="").outcome == Outcome.GRANTED


def test_a_decision_needs_an_award_on_every_line(round_, caseworker):
    application = assessed(round_, 300_000, awarded=None, caseworker=caseworker)
    with pytest.raises(ServiceError, match="every line"):
        decision_propose(application=application, user=caseworker, reasons="x")


def test_an_auditors_statement_is_required_above_200_000_kroner(round_, caseworker):
    small = decision_propose(application=assessed(round_, 200_000, caseworker=caseworker), user=caseworker, reasons="")
    large = decision_propose(application=assessed(round_, 200_001, caseworker=caseworker), user=caseworker, reasons="")
    assert (small.auditor_statement_required, large.auditor_statement_required) == (False, True)


# --- four eyes --------------------------------------------------------------------------------------

def test_nobody_approves_their_own_proposal(round_, office):
    both = staff(office, Role.CASEWORKER)
    MembershipFactory(user=both, role=Role.APPROVER, office=office)
    decision = DecisionFactory(round=round_, applied=(300_000,), caseworker=both)

    with pytest.raises(ServiceError, match="four eyes"):
        decision_approve(decision=decision, user=both)

    decision.refresh_from_db()
    assert (decision.status, decision.approved_by) == (DecisionStatus.PROPOSED, None)


def test_the_database_refuses_an_approval_by_the_proposer_too(round_):
    decision = DecisionFactory(round=round_, applied=(300_000,))

    with pytest.raises(IntegrityError, match="decision_four_eyes"), transaction.atomic():
        Decision.objects.filter(pk=decision.pk).update(approved_by=F("proposed_by"), approved_at=timezone.now())


def test_a_caseworker_cannot_approve(round_, caseworker, office):
    decision = DecisionFactory(round=round_, applied=(300_000,), caseworker=caseworker)
    with pytest.raises(ServiceError):
        decision_approve(decision=decision, user=staff(office, Role.CASEWORKER))
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.PROPOSED


def test_approval_is_refused_while_the_rounds_proposals_exceed_the_budget(round_, caseworker, approver):
    decision = DecisionFactory(round=round_, applied=(6_000_000,), caseworker=caseworker)
    other = assessed(round_, 5_000_000, caseworker=caseworker)  # 11 000 000 proposed on a budget of 10 000 000

    with pytest.raises(ServiceError, match="more than its budget"):
        decision_approve(decision=decision, user=approver)
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.PROPOSED

    assess(other, caseworker, awards={("measure", other.measures.get().pk): 4_000_000})
    assert decision_approve(decision=decision, user=approver).status == DecisionStatus.APPROVED


def test_approval_decides_the_application_and_queues_the_letter_once(
        round_, caseworker, approver, monkeypatch, django_capture_on_commit_callbacks):
    made = stub_task(monkeypatch, "casework.tasks.decision_letter_task")
    decision = DecisionFactory(round=round_, applied=(300_000,), caseworker=caseworker)
    application = decision.application

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        decision_approve(decision=decision, user=approver)
    with django_capture_on_commit_callbacks(execute=True):
        decision_approve(decision=decision, user=approver)  # a double click

    assert len(callbacks) == 1
    assert made.first_args == [decision.pk]
    application.refresh_from_db()
    decision.refresh_from_db()
    assert application.status == ApplicationStatus.DECIDED
    assert (decision.status, decision.approved_by) == (DecisionStatus.APPROVED, approver)
    assert decision.letter_language == application.organisation.language_form
    assert ApplicationEvent.objects.filter(application=application, kind=CaseworkEvent.DECISION_APPROVED).count() == 1


def test_an_approved_decision_cannot_be_proposed_again(round_, caseworker):
    application = DecisionFactory(round=round_, applied=(300_000,), caseworker=caseworker, approved=True).application
    with pytest.raises(ServiceError):
        decision_propose(application=application, user=caseworker, reasons="again")


# --- sending ----------------------------------------------------------------------------------------

def test_sending_needs_the_letter_and_sends_once(round_, caseworker, approver, monkeypatch,
                                                 django_capture_on_commit_callbacks):
    emailed = stub_task(monkeypatch, "casework.tasks.decision_letter_email_task")
    decision = DecisionFactory(round=round_, applied=(300_000,), caseworker=caseworker, approver=approver,
                               approved=True)
    application = decision.application

    with pytest.raises(ServiceError, match="still being made"):
        decision_send(decision=decision, user=caseworker)

    letter_stored(decision)
    with django_capture_on_commit_callbacks(execute=True):
        decision_send(decision=decision, user=caseworker)
    with django_capture_on_commit_callbacks(execute=True):
        decision_send(decision=decision, user=approver)

    decision.refresh_from_db()
    assert (decision.status, decision.sent_by) == (DecisionStatus.SENT, caseworker)
    assert emailed.first_args == [decision.pk]
    assert ApplicationEvent.objects.filter(application=application, kind=CaseworkEvent.DECISION_SENT).count() == 1


def test_a_proposed_decision_cannot_be_sent(round_, caseworker):
    decision = DecisionFactory(round=round_, applied=(300_000,), caseworker=caseworker)
    with pytest.raises(ServiceError):
        decision_send(decision=decision, user=caseworker)
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.PROPOSED


def test_send_all_sends_every_approved_decision_with_a_letter(round_, caseworker, approver, monkeypatch,
                                                              django_capture_on_commit_callbacks):
    emailed = stub_task(monkeypatch, "casework.tasks.decision_letter_email_task")
    approved = [DecisionFactory(round=round_, applied=(100_000,), caseworker=caseworker, approver=approver,
                                approved=True) for _ in range(3)]
    ready = [letter_stored(approved[0]), letter_stored(approved[1])]
    proposed = DecisionFactory(round=round_, applied=(100_000,), caseworker=caseworker)
    elsewhere = letter_stored(DecisionFactory(applied=(100_000,), approved=True))  # another office's round

    with django_capture_on_commit_callbacks(execute=True):
        assert decisions_send_for_round(round_=round_, user=caseworker) == (2, 1)

    status = dict(Decision.objects.values_list("pk", "status"))
    assert [status[d.pk] for d in ready] == [DecisionStatus.SENT, DecisionStatus.SENT]
    assert status[approved[2].pk] == DecisionStatus.APPROVED  # waits for its letter
    assert status[proposed.pk] == DecisionStatus.PROPOSED
    assert status[elsewhere.pk] == DecisionStatus.APPROVED
    assert sorted(emailed.first_args) == sorted(d.pk for d in ready)


# --- appeals ----------------------------------------------------------------------------------------

def test_an_appeal_within_three_weeks_is_within_the_deadline(round_, caseworker, approver):
    decision = DecisionFactory(round=round_, applied=(300_000,), caseworker=caseworker, approver=approver, sent=True,
                               sent_days_ago=40)
    deadline = appeal_deadline(decision)
    assert deadline == timezone.localtime(decision.sent_at).date() + dt.timedelta(days=21)

    on_time = appeal_register(decision=decision, user=caseworker, received_on=deadline, text="Vi klager.")
    late = appeal_register(decision=decision, user=caseworker, received_on=deadline + dt.timedelta(days=1),
                           text="Vi klager for sent.")

    assert (on_time.within_deadline, late.within_deadline) == (True, False)
    events = ApplicationEvent.objects.filter(application=decision.application, kind=CaseworkEvent.APPEAL_REGISTERED)
    assert sorted(e.data["within_deadline"] for e in events) == [False, True]


def test_an_appeal_needs_a_sent_decision_and_a_text(round_, caseworker, approver):
    decision = DecisionFactory(round=round_, applied=(300_000,), caseworker=caseworker, approver=approver,
                               approved=True)
    with pytest.raises(ServiceError, match="sent"):
        appeal_register(decision=decision, user=caseworker, received_on=timezone.localdate(), text="Klage")
    sent = DecisionFactory(round=round_, applied=(200_000,), caseworker=caseworker, approver=approver, sent=True)
    with pytest.raises(ServiceError):
        appeal_register(decision=sent, user=caseworker, received_on=timezone.localdate(), text=" ")


def test_the_handling_of_an_appeal_is_recorded_in_the_history(round_, caseworker, approver):
    decision = DecisionFactory(round=round_, applied=(300_000,), caseworker=caseworker, approver=approver, sent=True)
    appeal = appeal_register(decision=decision, user=caseworker, received_on=timezone.localdate(), text="Klage")

    appeal_handle(appeal=appeal, user=approver, handling="forwarded", notes="Sendt til Helsedirektoratet.")

    appeal.refresh_from_db()
    assert (appeal.handling, appeal.handling_notes) == ("forwarded", "Sendt til Helsedirektoratet.")
    assert appeal.handled_at is not None
    handled = ApplicationEvent.objects.get(application=decision.application, kind=CaseworkEvent.APPEAL_HANDLED)
    assert (handled.actor, handled.data, handled.object_id) == (approver, {"handling": "forwarded"}, appeal.pk)


def test_pending_is_not_a_handling(round_, caseworker, approver):
    decision = DecisionFactory(round=round_, applied=(300_000,), caseworker=caseworker, approver=approver, sent=True)
    appeal = appeal_register(decision=decision, user=caseworker, received_on=timezone.localdate(), text="Klage")
    with pytest.raises(ServiceError):
        appeal_handle(appeal=appeal, user=approver, handling="pending")


# --- the decision page --------------------------------------------------------------------------------

def test_the_decision_page_shows_the_awards_the_outcome_and_the_default_deadline(caseworker_client, round_):
    application = assessed(round_, 300_000, 200_000, awarded=[300_000, 50_000], caseworker=caseworker_client.user)

    response = in_english(caseworker_client).get(url("office:decision", application))

    assert response.status_code == 200
    page = page_text(response)
    assert page.count("<h1") == 1
    assert "The outcome that follows from the awards: <strong>Partly granted</strong>." in page
    assert re.search(r'id="total-awarded">NOK 350,000<', page)
    assert "the report must include an auditor's statement" in page
    deadline = timezone.localtime(round_.reporting_deadline).date().isoformat()
    assert f'name="reporting_deadline" value="{deadline}"' in page
    assert "Approve decision" not in page


@pytest.mark.parametrize("organisation_form, office_form, written, write_in", [
    ("nn", "nb", "Nynorsk", "Reasons (write in nynorsk)"),
    ("nb", "nn", "Bokmål", "Reasons (write in bokmål)"),
    ("neutral", "nn", "Nynorsk", "Reasons (write in nynorsk)"),
    ("neutral", "nb", "Bokmål", "Reasons (write in bokmål)"),
])
def test_the_decision_page_says_which_language_form_the_letter_is_written_in(
        caseworker_client, round_, organisation_form, office_form, written, write_in):
    application = assessed(round_, 300_000, 200_000, awarded=[300_000, 50_000], caseworker=caseworker_client.user)
    application.organisation.language_form = organisation_form
    application.organisation.save(update_fields=["language_form"])
    round_.office.neutral_language_form = office_form
    round_.office.save(update_fields=["neutral_language_form"])

    page = page_text(in_english(caseworker_client).get(url("office:decision", application)))

    assert f"The letter is written in the municipality's language form: <strong>{written}</strong>." in page
    assert write_in in page and "Conditions (write in" in page
    assert ("The municipality is neutral" in page) == (organisation_form == "neutral")


def test_proposing_on_the_page_without_reasons_shows_the_error_at_the_field(caseworker_client, round_):
    application = assessed(round_, 300_000, 200_000, awarded=[0, 0], caseworker=caseworker_client.user)
    deadline = timezone.localtime(round_.reporting_deadline).date().isoformat()

    response = in_english(caseworker_client).post(url("office:decision", application),
                                                  {"reasons": "", "conditions": "", "reporting_deadline": deadline})

    assert response.status_code == 200
    assert 'href="#id_reasons"' in page_text(response)
    assert "they are required when the application is partly granted or rejected" in page_text(response)
    assert not Decision.objects.exists()


def test_proposing_on_the_page(caseworker_client, round_):
    application = assessed(round_, 300_000, 200_000, awarded=[300_000, 50_000], caseworker=caseworker_client.user)
    deadline = timezone.localtime(round_.reporting_deadline).date()

    response = in_english(caseworker_client).post(url("office:decision", application), {
        "reasons": "Begrenset budsjett.", "conditions": "Rapporter innen fristen.",
        "reporting_deadline": deadline.isoformat()}, follow=True)

    decision = Decision.objects.get(application=application)
    assert (decision.outcome, decision.total_awarded) == (Outcome.PARTLY_GRANTED, 350_000)
    assert (decision.reasons, decision.conditions) == ("Begrenset budsjett.", "Rapporter innen fristen.")
    assert decision.reporting_deadline == round_.reporting_deadline
    assert decision.proposed_by == caseworker_client.user
    assert "An approver other than you must approve it." in page_text(response)

    later = deadline + dt.timedelta(days=30)
    in_english(caseworker_client).post(url("office:decision", application), {
        "reasons": "Begrenset budsjett.", "conditions": "", "reporting_deadline": later.isoformat()})
    decision.refresh_from_db()
    assert timezone.localtime(decision.reporting_deadline).date() == later
    assert timezone.localtime(decision.reporting_deadline).time() == timezone.localtime(round_.reporting_deadline).time()


def test_a_service_refusal_is_shown_as_a_message(caseworker_client, round_):
    application = assessed(round_, 300_000, awarded=None, caseworker=caseworker_client.user)
    deadline = timezone.localtime(round_.reporting_deadline).date().isoformat()

    response = in_english(caseworker_client).post(url("office:decision", application),
                                                  {"reasons": "x", "reporting_deadline": deadline})

    assert "Set the proposed award (0 or more) for every line first" in page_text(response)
    assert not Decision.objects.exists()


def test_an_approver_cannot_propose(approver_client, round_, caseworker):
    application = assessed(round_, 300_000, caseworker=caseworker)
    deadline = timezone.localtime(round_.reporting_deadline).date().isoformat()
    response = in_english(approver_client).post(url("office:decision", application),
                                                {"reasons": "x", "reporting_deadline": deadline})
    assert response.status_code == 403
    assert "Only the office's caseworkers propose decisions." in page_text(response)


def test_the_approver_approves_on_the_page(approver_client, round_, monkeypatch, django_capture_on_commit_callbacks):
    made = stub_task(monkeypatch, "casework.tasks.decision_letter_task")
    decision = DecisionFactory(round=round_, applied=(300_000,))
    application = decision.application
    page = page_text(in_english(approver_client).get(url("office:decision", application)))
    assert f'action="{url("office:decision_approve", application)}"' in page

    with django_capture_on_commit_callbacks(execute=True):
        response = approver_client.post(url("office:decision_approve", application), follow=True)

    assert "The decision is approved and the application is decided." in page_text(response)
    decision.refresh_from_db()
    assert (decision.status, decision.approved_by) == (DecisionStatus.APPROVED, approver_client.user)
    assert made.first_args == [decision.pk]
    assert "The letter is being made." in page_text(response)

    with django_capture_on_commit_callbacks(execute=True):  # a double click, or the back button
        response = approver_client.post(url("office:decision_approve", application), follow=True)
    assert "The decision was already approved." in page_text(response)
    assert made.first_args == [decision.pk]


def test_a_caseworker_gets_403_with_the_reason_when_approving(caseworker_client, round_):
    decision = DecisionFactory(round=round_, applied=(300_000,))  # proposed by another caseworker
    application = decision.application

    response = in_english(caseworker_client).post(url("office:decision_approve", application))

    assert response.status_code == 403
    assert "Only the office's approvers approve decisions." in page_text(response)
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.PROPOSED


def test_the_page_shows_the_four_eyes_refusal(client, round_, office):
    both = staff(office, Role.CASEWORKER)
    MembershipFactory(user=both, role=Role.APPROVER, office=office)
    client.force_login(both)
    application = assessed(round_, 300_000, caseworker=both)
    deadline = timezone.localtime(round_.reporting_deadline).date().isoformat()
    in_english(client).post(url("office:decision", application), {"reasons": "", "reporting_deadline": deadline})
    page = page_text(client.get(url("office:decision", application)))
    assert "You proposed this decision, so another approver must approve it (four eyes)." in page
    assert f'action="{url("office:decision_approve", application)}"' not in page

    response = client.post(url("office:decision_approve", application), follow=True)  # forced: the server refuses

    assert "You proposed this decision; another approver must approve it (four eyes)." in page_text(response)
    assert Decision.objects.get(application=application).status == DecisionStatus.PROPOSED


def test_the_page_shows_the_budget_refusal(approver_client, round_, caseworker):
    application = DecisionFactory(round=round_, applied=(6_000_000,), caseworker=caseworker).application
    assessed(round_, 5_000_000, caseworker=caseworker)  # 11 000 000 proposed on a budget of 10 000 000

    page = page_text(in_english(approver_client).get(url("office:decision", application)))
    assert 'id="round-over-budget"' in page
    response = approver_client.post(url("office:decision_approve", application), follow=True)

    assert "more than its budget of NOK 10,000,000. Reduce the proposals before approving." in page_text(response)
    assert Decision.objects.get(application=application).status == DecisionStatus.PROPOSED


def test_sending_on_the_page_and_sending_every_letter_of_the_round(caseworker_client, round_, monkeypatch,
                                                                   django_capture_on_commit_callbacks):
    emailed = stub_task(monkeypatch, "casework.tasks.decision_letter_email_task")
    decisions = [DecisionFactory(round=round_, applied=(100_000,), approved=True) for _ in range(3)]
    page = page_text(in_english(caseworker_client).get(url("office:decision", decisions[0].application)))
    assert "The letter can be sent when it is made" in page
    for decision in decisions[:2]:
        letter_stored(decision)

    with django_capture_on_commit_callbacks(execute=True):
        response = caseworker_client.post(url("office:decision_send", decisions[0].application), follow=True)
    assert "The decision letter is sent to" in page_text(response)
    with django_capture_on_commit_callbacks(execute=True):  # sent again by a double click: not twice
        response = caseworker_client.post(url("office:decision_send", decisions[0].application), follow=True)
    assert "The decision letter was already sent; it was not sent twice." in page_text(response)
    assert emailed.first_args == [decisions[0].pk]
    with django_capture_on_commit_callbacks(execute=True):
        response = caseworker_client.post(url("office:send_letters", round_), follow=True)

    page = page_text(response)
    assert "1 decision letter was sent." in page
    assert "1 approved decision is still waiting for its letter" in page
    assert emailed.first_args == [decisions[0].pk, decisions[1].pk]
    response = caseworker_client.post(url("office:send_letters", round_), follow=True)
    assert "1 approved decision is still waiting for its letter" in page_text(response)


def test_the_letter_is_served_to_the_office_and_to_the_municipality_once_sent(
        caseworker_client, editor_client, round_, organisation):
    caseworker = caseworker_client.user
    decision = DecisionFactory(application=applying_for(round_, 300_000, organisation=organisation),
                               caseworker=caseworker, approved=True)
    application = decision.application
    letter_url = url("office:decision_letter", application)

    assert caseworker_client.get(letter_url).status_code == 404  # no letter yet
    letter_stored(decision)
    response = caseworker_client.get(letter_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert editor_client.get(letter_url).status_code == 404  # approved, not sent
    assert 'id="decision-letter"' not in page_text(editor_client.get(application.get_absolute_url()))

    decision_send(decision=decision, user=caseworker)

    assert editor_client.get(letter_url).status_code == 200
    overview = page_text(in_english(editor_client).get(application.get_absolute_url()))
    assert f'<a href="{letter_url}">Download the decision letter (PDF), sent' in overview
    other_municipality = in_english(editor_client.__class__())
    other_municipality.force_login(member(applying_for(round_, 1000).organisation))
    assert other_municipality.get(letter_url).status_code == 404
    assert editor_client.get(url("office:decision", application)).status_code == 404


def test_registering_and_handling_an_appeal_on_the_pages(caseworker_client, round_):
    decision = DecisionFactory(round=round_, applied=(300_000,), caseworker=caseworker_client.user, sent=True,
                               sent_days_ago=30)
    application = decision.application
    deadline = appeal_deadline(decision)
    in_english(caseworker_client)

    page = page_text(caseworker_client.get(url("office:appeal_new", application)))
    assert "the three-week deadline has passed" in page
    assert page.count("<h1") == 1
    response = caseworker_client.post(url("office:appeal_new", application), {
        "received_on": deadline.isoformat(), "text": "Kommunen klager på vedtaket."}, follow=True)
    assert "The appeal is registered. It came within the deadline." in page_text(response)
    appeal = Appeal.objects.get(decision=decision)
    assert appeal.within_deadline is True

    response = caseworker_client.post(url("office:appeal_new", application), {
        "received_on": (deadline + dt.timedelta(days=2)).isoformat(), "text": "For sent."}, follow=True)
    assert "It came after the deadline." in page_text(response)

    page = page_text(caseworker_client.get(url("office:appeal_handle", appeal)))
    assert "Kommunen klager på vedtaket." in page
    assert re.search(r'type="radio"[^>]*name="handling" value="forwarded"', page)
    assert 'value="pending"' not in page
    response = caseworker_client.post(url("office:appeal_handle", appeal),
                                      {"handling": "upheld", "notes": "Opprettholdt."}, follow=True)
    assert "The appeal's handling is recorded." in page_text(response)
    assert "Decision upheld" in page_text(response)

    history = page_text(caseworker_client.get(reverse("applications:history", kwargs={"pk": application.pk})))
    assert history.count("Appeal registered") == 2
    assert "Appeal handled" in history


def test_an_appeal_in_the_future_is_refused_at_the_field(caseworker_client, round_):
    decision = DecisionFactory(round=round_, applied=(300_000,), caseworker=caseworker_client.user, sent=True)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = in_english(caseworker_client).post(url("office:appeal_new", decision.application),
                                                  {"received_on": tomorrow.isoformat(), "text": "Klage"})
    assert 'href="#id_received_on"' in page_text(response)
    assert not Appeal.objects.exists()


def test_an_appeal_cannot_be_registered_before_the_letter_is_sent(caseworker_client, round_):
    application = DecisionFactory(round=round_, applied=(300_000,), approved=True).application
    response = in_english(caseworker_client).post(url("office:appeal_new", application),
                                                  {"received_on": timezone.localdate().isoformat(), "text": "Klage"})
    assert "An appeal can only be registered against a decision that was sent." in page_text(response)
    assert not Appeal.objects.exists()


# --- access: another office's pages are 404 for every route -------------------------------------------

ROUTES = [
    ("get", "office:board", "round"), ("post", "office:board_accept", "round"),
    ("post", "office:send_letters", "round"),
    ("get", "office:decision", "application"), ("post", "office:decision", "application"),
    ("post", "office:decision_approve", "application"), ("post", "office:decision_send", "application"),
    ("get", "office:decision_letter", "application"), ("get", "office:appeal_new", "application"),
    ("post", "office:appeal_new", "application"), ("get", "office:appeal_handle", "appeal"),
    ("post", "office:appeal_handle", "appeal"),
    ("get", "office:decision_letter_preview", "application"), ("get", "office:round_decisions", "round"),
    ("post", "office:round_decisions_approve", "round"),
]


@pytest.fixture
def office_x_world(db):
    """Office X with a round, a sent decision with its letter, and a pending appeal."""
    appeal = AppealFactory(decision__applied=(300_000,), text="Klage")  # its decision: sent, in a round of office X
    application = appeal.decision.application
    assert appeal.handling == "pending"
    return {"round": application.round, "application": application, "appeal": appeal}


@pytest.mark.parametrize("method, name, target", ROUTES, ids=[f"{m}-{n}" for m, n, _t in ROUTES])
@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.APPROVER])
def test_another_offices_staff_get_404_on_every_route(client, office_x_world, method, name, target, role):
    outsider = staff(OfficeFactory(), role)
    client.force_login(outsider)
    data = {"scope": "all", "handling": "changed", "notes": "x", "received_on": timezone.localdate().isoformat(),
            "text": "x", "reasons": "x", "reporting_deadline": timezone.localdate().isoformat()}

    response = getattr(client, method)(url(name, office_x_world[target]), data if method == "post" else None)

    assert response.status_code == 404
    assert Appeal.objects.get().handling == "pending"
    assert Appeal.objects.count() == 1


READ_ROUTES = [(name, target) for method, name, target in ROUTES if method == "get"]


@pytest.mark.parametrize("name, target", READ_ROUTES, ids=[n for n, _t in READ_ROUTES])
@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.APPROVER])
def test_the_same_pages_answer_the_offices_own_staff(client, office_x_world, name, target, role):
    client.force_login(staff(office_x_world["round"].office, role))
    assert client.get(url(name, office_x_world[target])).status_code == 200


@pytest.mark.parametrize("name, target", [("office:board", "round"), ("office:decision", "application"),
                                          ("office:appeal_new", "application"), ("office:appeal_handle", "appeal")])
def test_municipalities_get_404_and_office_admins_403_on_the_office_pages(client, office_x_world, name, target):
    """One rule for "a round of my office": another organisation's user never learns the page exists
    (404); the office's own admin is told it is not theirs to do (403, with the reason)."""
    application = office_x_world["application"]
    for user in (member(application.organisation), member(application.organisation, Role.SIGNATORY)):
        client.force_login(user)
        assert client.get(url(name, office_x_world[target])).status_code == 404
    client.force_login(staff(application.round.office, Role.OFFICE_ADMIN))
    assert client.get(url(name, office_x_world[target])).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, office_x_world):
    response = client.get(url("office:decision", office_x_world["application"]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_project_lines_are_shown_and_awarded_too(caseworker_client, round_):
    application = applying_for(round_, 100_000)
    project = InnovationProjectFactory(application=application, amount_applied=400_000)
    AssessmentFactory(application=application, started_by=caseworker_client.user, awarded="full")
    assert InnovationProject.objects.get(pk=project.pk).proposed_award == 400_000
    page = page_text(in_english(caseworker_client).get(url("office:decision", application)))
    assert project.title in page
    assert "Granted" in page
