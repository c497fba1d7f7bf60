"""Decisions with four eyes, the letter, sending, appeals, and who may reach which page.

The letter PDF and its e-mail belong to letters.py and its Celery task; here they are replaced by
recorders (`side_effects`), so these tests see exactly when the letter is queued and sent."""

import datetime as dt
import html
import re
import types

import pytest
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation

from applications.models import ApplicationEvent, ApplicationStatus, InnovationProject
from casework.models import Appeal, CaseworkEvent, Decision, DecisionStatus, Outcome
from casework.rules import appeal_deadline
from casework.services.appeals import appeal_handle, appeal_register
from casework.services.decisions import decision_approve, decision_propose, decision_send, decisions_send_for_round
from portal.exceptions import ServiceError
from portal.models import Role
from schemes.services import round_create_default_criteria
from tests.applications.factories import MINIMAL_PDF, InnovationProjectFactory, applying_for, assess, member, staff
from tests.helpers import stub_task
from tests.portal.factories import MembershipFactory, OfficeFactory
from tests.schemes.factories import RoundFactory

pytestmark = pytest.mark.django_db


def english(client):
    client.cookies["tilskudd_language"] = "en"
    return client


def text(response) -> str:
    return re.sub(r"[\xa0\u202f]", " ", html.unescape(response.content.decode()))


def url(name, obj):
    key = {"board": "round_pk", "board_accept": "round_pk", "send_letters": "round_pk",
           "appeal_handle": "appeal_pk"}.get(name, "pk")
    return reverse(f"office:{name}", kwargs={key: obj.pk})


@pytest.fixture(autouse=True)
def side_effects(monkeypatch):
    """Records the letter task's and the letter e-mail task's `delay` instead of making PDFs and mail."""
    return types.SimpleNamespace(made=stub_task(monkeypatch, "casework.tasks.decision_letter_task"),
                                 emailed=stub_task(monkeypatch, "casework.tasks.decision_letter_email_task"))


@pytest.fixture(autouse=True)
def english_messages():
    """The services' refusals are matched in English, whatever the catalogues hold."""
    with translation.override("en"):
        yield


@pytest.fixture
def round_(office):
    round_ = RoundFactory(office=office, budget=10_000_000)
    round_create_default_criteria(round=round_)
    return round_


@pytest.fixture
def caseworker(office):
    return staff(office, Role.CASEWORKER)


@pytest.fixture
def approver(office):
    return staff(office, Role.APPROVER)


def in_assessment(round_, caseworker, *amounts, awards="full", level=4):
    application = applying_for(round_, *amounts)
    if awards == "full" or awards is None:
        assess(application, caseworker, level=level, awards=awards)
    else:
        lines = application.measures.order_by("pk")
        assess(application, caseworker, level=level,
               awards={("measure", line.pk): amount for line, amount in zip(lines, awards, strict=True)})
    application.refresh_from_db()
    return application


def with_letter(decision):
    decision.letter_pdf.save(f"vedtak-{decision.pk}.pdf", ContentFile(MINIMAL_PDF), save=False)
    decision.letter_created_at = timezone.now()
    decision.save(update_fields=["letter_pdf", "letter_created_at"])
    return decision


def sent_decision(round_, caseworker, approver, *amounts, sent_days_ago=0):
    application = in_assessment(round_, caseworker, *amounts)
    decision = decision_propose(application=application, user=caseworker, reasons="")
    decision_approve(decision=decision, user=approver)
    decision = decision_send(decision=with_letter(Decision.objects.get(pk=decision.pk)), user=caseworker)
    if sent_days_ago:
        Decision.objects.filter(pk=decision.pk).update(sent_at=timezone.now() - dt.timedelta(days=sent_days_ago))
        decision.refresh_from_db()
    return decision


# --- the outcome follows from the awards --------------------------------------------------------------

@pytest.mark.parametrize("awards, outcome, total", [
    ([300_000, 200_000], Outcome.GRANTED, 500_000),
    ([300_000, 50_000], Outcome.PARTLY_GRANTED, 350_000),
    ([0, 0], Outcome.REJECTED, 0),
])
def test_the_outcome_follows_from_the_awards(round_, caseworker, awards, outcome, total):
    application = in_assessment(round_, caseworker, 300_000, 200_000, awards=awards)

    decision = decision_propose(application=application, user=caseworker, reasons="Begrunnelse.")

    assert (decision.outcome, decision.total_awarded, decision.total_applied) == (outcome, total, 500_000)
    assert decision.status == DecisionStatus.PROPOSED
    assert decision.proposed_by == caseworker
    assert decision.reporting_deadline == round_.reporting_deadline
    assert ApplicationEvent.objects.filter(application=application, kind=CaseworkEvent.DECISION_PROPOSED).count() == 1


@pytest.mark.parametrize("awards", [[300_000, 50_000], [0, 0]])
def test_reasons_are_required_when_partly_granted_or_rejected(round_, caseworker, awards):
    application = in_assessment(round_, caseworker, 300_000, 200_000, awards=awards)

    with pytest.raises(ServiceError, match="reasons"):
        decision_propose(application=application, user=caseworker, reasons="  ")
    assert not Decision.objects.exists()


def test_reasons_may_be_left_out_when_granted_in_full(round_, caseworker):
    application = in_assessment(round_, caseworker, 300_000)
    assert decision_propose(application=application, user=caseworker, reasons="").outcome == Outcome.GRANTED


def test_a_decision_needs_an_award_on_every_line(round_, caseworker):
    application = in_assessment(round_, caseworker, 300_000, awards=None)
    with pytest.raises(ServiceError, match="every line"):
        decision_propose(application=application, user=caseworker, reasons="x")


def test_an_auditors_statement_is_required_above_200_000_kroner(round_, caseworker):
    small = decision_propose(application=in_assessment(round_, caseworker, 200_000), user=caseworker, reasons="")
    large = decision_propose(application=in_assessment(round_, caseworker, 200_001), user=caseworker, reasons="")
    assert (small.auditor_statement_required, large.auditor_statement_required) == (False, True)


# --- four eyes --------------------------------------------------------------------------------------

def test_nobody_approves_their_own_proposal(round_, office):
    both = staff(office, Role.CASEWORKER)
    MembershipFactory(user=both, role=Role.APPROVER, office=office)
    both._membership_cache = None
    application = in_assessment(round_, both, 300_000)
    decision = decision_propose(application=application, user=both, reasons="")

    with pytest.raises(ServiceError, match="four eyes"):
        decision_approve(decision=decision, user=both)

    decision.refresh_from_db()
    assert (decision.status, decision.approved_by) == (DecisionStatus.PROPOSED, None)


def test_the_database_refuses_an_approval_by_the_proposer_too(round_, caseworker):
    decision = decision_propose(application=in_assessment(round_, caseworker, 300_000), user=caseworker,
                                reasons="")

    with pytest.raises(IntegrityError, match="decision_four_eyes"), transaction.atomic():
        Decision.objects.filter(pk=decision.pk).update(approved_by=F("proposed_by"), approved_at=timezone.now())


def test_a_caseworker_cannot_approve(round_, caseworker, office):
    decision = decision_propose(application=in_assessment(round_, caseworker, 300_000), user=caseworker,
                                reasons="")
    with pytest.raises(ServiceError):
        decision_approve(decision=decision, user=staff(office, Role.CASEWORKER))


def test_approval_is_refused_while_the_rounds_proposals_exceed_the_budget(round_, caseworker, approver):
    application = in_assessment(round_, caseworker, 6_000_000)
    decision = decision_propose(application=application, user=caseworker, reasons="")
    other = in_assessment(round_, caseworker, 5_000_000)  # 11 000 000 proposed on a budget of 10 000 000

    with pytest.raises(ServiceError, match="more than its budget"):
        decision_approve(decision=decision, user=approver)
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.PROPOSED

    assess(other, caseworker, awards={("measure", other.measures.get().pk): 4_000_000})
    assert decision_approve(decision=decision, user=approver).status == DecisionStatus.APPROVED


def test_approval_decides_the_application_and_queues_the_letter_once(
        round_, caseworker, approver, side_effects, django_capture_on_commit_callbacks):
    application = in_assessment(round_, caseworker, 300_000)
    decision = decision_propose(application=application, user=caseworker, reasons="")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        decision_approve(decision=decision, user=approver)
    with django_capture_on_commit_callbacks(execute=True):
        decision_approve(decision=decision, user=approver)  # a double click

    assert len(callbacks) == 1
    assert side_effects.made.first_args == [decision.pk]
    application.refresh_from_db()
    decision.refresh_from_db()
    assert application.status == ApplicationStatus.DECIDED
    assert (decision.status, decision.approved_by) == (DecisionStatus.APPROVED, approver)
    assert decision.letter_language == application.organisation.language_form
    assert ApplicationEvent.objects.filter(application=application, kind=CaseworkEvent.DECISION_APPROVED).count() == 1


def test_an_approved_decision_cannot_be_proposed_again(round_, caseworker, approver):
    application = in_assessment(round_, caseworker, 300_000)
    decision_approve(decision=decision_propose(application=application, user=caseworker, reasons=""), user=approver)
    with pytest.raises(ServiceError):
        decision_propose(application=application, user=caseworker, reasons="again")


# --- sending ----------------------------------------------------------------------------------------

def test_sending_needs_the_letter_and_sends_once(round_, caseworker, approver, side_effects,
                                                 django_capture_on_commit_callbacks):
    application = in_assessment(round_, caseworker, 300_000)
    decision = decision_approve(decision=decision_propose(application=application, user=caseworker, reasons=""),
                                user=approver)

    with pytest.raises(ServiceError, match="still being made"):
        decision_send(decision=decision, user=caseworker)

    with_letter(decision)
    with django_capture_on_commit_callbacks(execute=True):
        decision_send(decision=decision, user=caseworker)
    with django_capture_on_commit_callbacks(execute=True):
        decision_send(decision=decision, user=approver)

    decision.refresh_from_db()
    assert (decision.status, decision.sent_by) == (DecisionStatus.SENT, caseworker)
    assert side_effects.emailed.first_args == [decision.pk]
    assert ApplicationEvent.objects.filter(application=application, kind=CaseworkEvent.DECISION_SENT).count() == 1


def test_a_proposed_decision_cannot_be_sent(round_, caseworker):
    decision = decision_propose(application=in_assessment(round_, caseworker, 300_000), user=caseworker,
                                reasons="")
    with pytest.raises(ServiceError):
        decision_send(decision=decision, user=caseworker)


def test_send_all_sends_every_approved_decision_with_a_letter(round_, caseworker, approver, side_effects,
                                                              django_capture_on_commit_callbacks):
    approved = []
    for _ in range(3):
        application = in_assessment(round_, caseworker, 100_000)
        approved.append(decision_approve(
            decision=decision_propose(application=application, user=caseworker, reasons=""), user=approver))
    ready = [with_letter(approved[0]), with_letter(approved[1])]
    proposed = decision_propose(application=in_assessment(round_, caseworker, 100_000), user=caseworker,
                                reasons="")
    elsewhere = sent_candidate_in_another_round()

    with django_capture_on_commit_callbacks(execute=True):
        assert decisions_send_for_round(round_=round_, user=caseworker) == (2, 1)

    status = dict(Decision.objects.values_list("pk", "status"))
    assert [status[d.pk] for d in ready] == [DecisionStatus.SENT, DecisionStatus.SENT]
    assert status[approved[2].pk] == DecisionStatus.APPROVED  # waits for its letter
    assert status[proposed.pk] == DecisionStatus.PROPOSED
    assert status[elsewhere.pk] == DecisionStatus.APPROVED
    assert sorted(side_effects.emailed.first_args) == sorted(d.pk for d in ready)


def sent_candidate_in_another_round():
    other_round = RoundFactory(budget=1_000_000)
    round_create_default_criteria(round=other_round)
    caseworker, approver = staff(other_round.office), staff(other_round.office, Role.APPROVER)
    application = in_assessment(other_round, caseworker, 100_000)
    return with_letter(decision_approve(
        decision=decision_propose(application=application, user=caseworker, reasons=""), user=approver))


# --- appeals ----------------------------------------------------------------------------------------

def test_an_appeal_within_three_weeks_is_within_the_deadline(round_, caseworker, approver):
    decision = sent_decision(round_, caseworker, approver, 300_000, sent_days_ago=40)
    deadline = appeal_deadline(decision)
    assert deadline == timezone.localtime(decision.sent_at).date() + dt.timedelta(days=21)

    on_time = appeal_register(decision=decision, user=caseworker, received_on=deadline, text="Vi klager.")
    late = appeal_register(decision=decision, user=caseworker, received_on=deadline + dt.timedelta(days=1),
                           text="Vi klager for sent.")

    assert (on_time.within_deadline, late.within_deadline) == (True, False)
    events = ApplicationEvent.objects.filter(application=decision.application, kind=CaseworkEvent.APPEAL_REGISTERED)
    assert sorted(e.data["within_deadline"] for e in events) == [False, True]


def test_an_appeal_needs_a_sent_decision_and_a_text(round_, caseworker, approver):
    decision = decision_approve(
        decision=decision_propose(application=in_assessment(round_, caseworker, 300_000), user=caseworker,
                                  reasons=""), user=approver)
    with pytest.raises(ServiceError, match="sent"):
        appeal_register(decision=decision, user=caseworker, received_on=timezone.localdate(), text="Klage")
    sent = sent_decision(round_, caseworker, approver, 200_000)
    with pytest.raises(ServiceError):
        appeal_register(decision=sent, user=caseworker, received_on=timezone.localdate(), text=" ")


def test_the_handling_of_an_appeal_is_recorded_in_the_history(round_, caseworker, approver):
    decision = sent_decision(round_, caseworker, approver, 300_000)
    appeal = appeal_register(decision=decision, user=caseworker, received_on=timezone.localdate(), text="Klage")

    appeal_handle(appeal=appeal, user=approver, handling="forwarded", notes="Sendt til Helsedirektoratet.")

    appeal.refresh_from_db()
    assert (appeal.handling, appeal.handling_notes) == ("forwarded", "Sendt til Helsedirektoratet.")
    assert appeal.handled_at is not None
    handled = ApplicationEvent.objects.get(application=decision.application, kind=CaseworkEvent.APPEAL_HANDLED)
    assert (handled.actor, handled.data, handled.object_id) == (approver, {"handling": "forwarded"}, appeal.pk)


def test_pending_is_not_a_handling(round_, caseworker, approver):
    decision = sent_decision(round_, caseworker, approver, 300_000)
    appeal = appeal_register(decision=decision, user=caseworker, received_on=timezone.localdate(), text="Klage")
    with pytest.raises(ServiceError):
        appeal_handle(appeal=appeal, user=approver, handling="pending")


# --- the decision page --------------------------------------------------------------------------------

def test_the_decision_page_shows_the_awards_the_outcome_and_the_default_deadline(caseworker_client, round_):
    application = in_assessment(round_, caseworker_client.user, 300_000, 200_000, awards=[300_000, 50_000])

    response = english(caseworker_client).get(url("decision", application))

    assert response.status_code == 200
    page = text(response)
    assert page.count("<h1") == 1
    assert "The outcome that follows from the awards: <strong>Partly granted</strong>." in page
    assert re.search(r'id="total-awarded">NOK 350,000<', page)
    assert "the report must include an auditor's statement" in page
    deadline = timezone.localtime(round_.reporting_deadline).date().isoformat()
    assert f'name="reporting_deadline" value="{deadline}"' in page
    assert "Approve decision" not in page


def test_proposing_on_the_page_without_reasons_shows_the_error_at_the_field(caseworker_client, round_):
    application = in_assessment(round_, caseworker_client.user, 300_000, 200_000, awards=[0, 0])
    deadline = timezone.localtime(round_.reporting_deadline).date().isoformat()

    response = english(caseworker_client).post(url("decision", application),
                                               {"reasons": "", "conditions": "", "reporting_deadline": deadline})

    assert response.status_code == 200
    assert 'href="#id_reasons"' in text(response)
    assert "they are required when the application is partly granted or rejected" in text(response)
    assert not Decision.objects.exists()


def test_proposing_on_the_page(caseworker_client, round_):
    application = in_assessment(round_, caseworker_client.user, 300_000, 200_000, awards=[300_000, 50_000])
    deadline = timezone.localtime(round_.reporting_deadline).date()

    response = english(caseworker_client).post(url("decision", application), {
        "reasons": "Begrenset budsjett.", "conditions": "Rapporter innen fristen.",
        "reporting_deadline": deadline.isoformat()}, follow=True)

    decision = Decision.objects.get(application=application)
    assert (decision.outcome, decision.total_awarded) == (Outcome.PARTLY_GRANTED, 350_000)
    assert (decision.reasons, decision.conditions) == ("Begrenset budsjett.", "Rapporter innen fristen.")
    assert decision.reporting_deadline == round_.reporting_deadline
    assert decision.proposed_by == caseworker_client.user
    assert "An approver other than you must approve it." in text(response)

    later = deadline + dt.timedelta(days=30)
    english(caseworker_client).post(url("decision", application), {
        "reasons": "Begrenset budsjett.", "conditions": "", "reporting_deadline": later.isoformat()})
    decision.refresh_from_db()
    assert timezone.localtime(decision.reporting_deadline).date() == later
    assert timezone.localtime(decision.reporting_deadline).time() == timezone.localtime(round_.reporting_deadline).time()


def test_a_service_refusal_is_shown_as_a_message(caseworker_client, round_):
    application = in_assessment(round_, caseworker_client.user, 300_000, awards=None)
    deadline = timezone.localtime(round_.reporting_deadline).date().isoformat()

    response = english(caseworker_client).post(url("decision", application),
                                               {"reasons": "x", "reporting_deadline": deadline})

    assert "Set the proposed award (0 or more) for every line first" in text(response)
    assert not Decision.objects.exists()


def test_an_approver_cannot_propose(approver_client, round_, caseworker):
    application = in_assessment(round_, caseworker, 300_000)
    deadline = timezone.localtime(round_.reporting_deadline).date().isoformat()
    response = english(approver_client).post(url("decision", application),
                                             {"reasons": "x", "reporting_deadline": deadline})
    assert response.status_code == 403
    assert "Only the office's caseworkers propose decisions." in text(response)


def test_the_approver_approves_on_the_page(approver_client, round_, caseworker, side_effects,
                                           django_capture_on_commit_callbacks):
    application = in_assessment(round_, caseworker, 300_000)
    decision = decision_propose(application=application, user=caseworker, reasons="")
    page = text(english(approver_client).get(url("decision", application)))
    assert f'action="{url("decision_approve", application)}"' in page

    with django_capture_on_commit_callbacks(execute=True):
        response = approver_client.post(url("decision_approve", application), follow=True)

    assert "The decision is approved and the application is decided." in text(response)
    decision.refresh_from_db()
    assert (decision.status, decision.approved_by) == (DecisionStatus.APPROVED, approver_client.user)
    assert side_effects.made.first_args == [decision.pk]
    assert "The letter is being made." in text(response)


def test_a_caseworker_gets_403_with_the_reason_when_approving(caseworker_client, round_, office):
    proposer = staff(office, Role.CASEWORKER)
    application = in_assessment(round_, proposer, 300_000)
    decision = decision_propose(application=application, user=proposer, reasons="")

    response = english(caseworker_client).post(url("decision_approve", application))

    assert response.status_code == 403
    assert "Only the office's approvers approve decisions." in text(response)
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.PROPOSED


def test_the_page_shows_the_four_eyes_refusal(client, round_, office):
    both = staff(office, Role.CASEWORKER)
    MembershipFactory(user=both, role=Role.APPROVER, office=office)
    client.force_login(both)
    application = in_assessment(round_, both, 300_000)
    deadline = timezone.localtime(round_.reporting_deadline).date().isoformat()
    english(client).post(url("decision", application), {"reasons": "", "reporting_deadline": deadline})
    page = text(client.get(url("decision", application)))
    assert "You proposed this decision, so another approver must approve it (four eyes)." in page
    assert f'action="{url("decision_approve", application)}"' not in page

    response = client.post(url("decision_approve", application), follow=True)  # forced: the server refuses

    assert "You proposed this decision; another approver must approve it (four eyes)." in text(response)
    assert Decision.objects.get(application=application).status == DecisionStatus.PROPOSED


def test_the_page_shows_the_budget_refusal(approver_client, round_, caseworker):
    application = in_assessment(round_, caseworker, 6_000_000)
    decision_propose(application=application, user=caseworker, reasons="")
    in_assessment(round_, caseworker, 5_000_000)

    page = text(english(approver_client).get(url("decision", application)))
    assert 'id="round-over-budget"' in page
    response = approver_client.post(url("decision_approve", application), follow=True)

    assert "more than its budget of NOK 10,000,000. Reduce the proposals before approving." in text(response)
    assert Decision.objects.get(application=application).status == DecisionStatus.PROPOSED


def test_sending_on_the_page_and_sending_every_letter_of_the_round(caseworker_client, round_, approver,
                                                                   side_effects,
                                                                   django_capture_on_commit_callbacks):
    caseworker = caseworker_client.user
    decisions = []
    for _ in range(3):
        application = in_assessment(round_, caseworker, 100_000)
        decisions.append(decision_approve(
            decision=decision_propose(application=application, user=caseworker, reasons=""), user=approver))
    page = text(english(caseworker_client).get(url("decision", decisions[0].application)))
    assert "The letter can be sent when it is made" in page
    for decision in decisions[:2]:
        with_letter(decision)

    with django_capture_on_commit_callbacks(execute=True):
        response = caseworker_client.post(url("decision_send", decisions[0].application), follow=True)
    assert "The decision letter is sent to" in text(response)
    with django_capture_on_commit_callbacks(execute=True):
        response = caseworker_client.post(url("send_letters", round_), follow=True)

    page = text(response)
    assert "1 decision letter was sent." in page
    assert "1 approved decision is still waiting for its letter" in page
    assert side_effects.emailed.first_args == [decisions[0].pk, decisions[1].pk]
    response = caseworker_client.post(url("send_letters", round_), follow=True)
    assert "1 approved decision is still waiting for its letter" in text(response)


def test_the_letter_is_served_to_the_office_and_to_the_municipality_once_sent(
        caseworker_client, editor_client, round_, approver, organisation):
    caseworker = caseworker_client.user
    application = applying_for(round_, 300_000, organisation=organisation)
    assess(application, caseworker, awards="full")
    decision = decision_approve(
        decision=decision_propose(application=application, user=caseworker, reasons=""), user=approver)
    letter_url = url("decision_letter", application)

    assert caseworker_client.get(letter_url).status_code == 404  # no letter yet
    with_letter(decision)
    response = caseworker_client.get(letter_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert editor_client.get(letter_url).status_code == 404  # approved, not sent
    assert 'id="decision-letter"' not in text(editor_client.get(application.get_absolute_url()))

    decision_send(decision=decision, user=caseworker)

    assert editor_client.get(letter_url).status_code == 200
    overview = text(english(editor_client).get(application.get_absolute_url()))
    assert f'<a href="{letter_url}">Download the decision letter (PDF), sent' in overview
    other_municipality = english(editor_client.__class__())
    other_municipality.force_login(member(applying_for(round_, 1000).organisation))
    assert other_municipality.get(letter_url).status_code == 404
    assert editor_client.get(url("decision", application)).status_code == 404


def test_registering_and_handling_an_appeal_on_the_pages(caseworker_client, round_, approver):
    decision = sent_decision(round_, caseworker_client.user, approver, 300_000, sent_days_ago=30)
    application = decision.application
    deadline = appeal_deadline(decision)
    english(caseworker_client)

    page = text(caseworker_client.get(url("appeal_new", application)))
    assert "the three-week deadline has passed" in page
    assert page.count("<h1") == 1
    response = caseworker_client.post(url("appeal_new", application), {
        "received_on": deadline.isoformat(), "text": "Kommunen klager på vedtaket."}, follow=True)
    assert "The appeal is registered. It came within the deadline." in text(response)
    appeal = Appeal.objects.get(decision=decision)
    assert appeal.within_deadline is True

    response = caseworker_client.post(url("appeal_new", application), {
        "received_on": (deadline + dt.timedelta(days=2)).isoformat(), "text": "For sent."}, follow=True)
    assert "It came after the deadline." in text(response)

    page = text(caseworker_client.get(url("appeal_handle", appeal)))
    assert "Kommunen klager på vedtaket." in page
    assert re.search(r'type="radio"[^>]*name="handling" value="forwarded"', page)
    assert 'value="pending"' not in page
    response = caseworker_client.post(url("appeal_handle", appeal), {"handling": "upheld", "notes": "Opprettholdt."},
                                      follow=True)
    assert "The appeal's handling is recorded." in text(response)
    assert "Decision upheld" in text(response)

    history = text(caseworker_client.get(reverse("applications:history", kwargs={"pk": application.pk})))
    assert history.count("Appeal registered") == 2
    assert "Appeal handled" in history


def test_an_appeal_in_the_future_is_refused_at_the_field(caseworker_client, round_, approver):
    decision = sent_decision(round_, caseworker_client.user, approver, 300_000)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = english(caseworker_client).post(url("appeal_new", decision.application),
                                               {"received_on": tomorrow.isoformat(), "text": "Klage"})
    assert 'href="#id_received_on"' in text(response)
    assert not Appeal.objects.exists()


def test_an_appeal_cannot_be_registered_before_the_letter_is_sent(caseworker_client, round_, approver):
    caseworker = caseworker_client.user
    application = in_assessment(round_, caseworker, 300_000)
    decision_approve(decision=decision_propose(application=application, user=caseworker, reasons=""),
                     user=approver)
    response = english(caseworker_client).post(url("appeal_new", application),
                                               {"received_on": timezone.localdate().isoformat(), "text": "Klage"})
    assert "An appeal can only be registered against a decision that was sent." in text(response)
    assert not Appeal.objects.exists()


# --- access: another office's pages are 404 for every route -------------------------------------------

ROUTES = [
    ("get", "board", "round"), ("post", "board_accept", "round"), ("post", "send_letters", "round"),
    ("get", "decision", "application"), ("post", "decision", "application"),
    ("post", "decision_approve", "application"), ("post", "decision_send", "application"),
    ("get", "decision_letter", "application"), ("get", "appeal_new", "application"),
    ("post", "appeal_new", "application"), ("get", "appeal_handle", "appeal"), ("post", "appeal_handle", "appeal"),
]


@pytest.fixture
def office_x_world(db):
    """Office X with a round, a sent decision with its letter, and a pending appeal."""
    office_x = OfficeFactory()
    round_x = RoundFactory(office=office_x, budget=10_000_000)
    round_create_default_criteria(round=round_x)
    decision = sent_decision(round_x, staff(office_x), staff(office_x, Role.APPROVER), 300_000)
    appeal = Appeal.objects.create(decision=decision, received_on=timezone.localdate(), text="Klage",
                                   within_deadline=True, registered_by=decision.proposed_by)
    return {"round": round_x, "application": decision.application, "appeal": appeal}


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


@pytest.mark.parametrize("name, target", [("board", "round"), ("decision", "application"),
                                          ("appeal_new", "application"), ("appeal_handle", "appeal")])
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
    response = client.get(url("decision", office_x_world["application"]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_project_lines_are_shown_and_awarded_too(caseworker_client, round_):
    caseworker = caseworker_client.user
    application = applying_for(round_, 100_000)
    project = InnovationProjectFactory(application=application, amount_applied=400_000)
    assess(application, caseworker, awards="full")
    assert InnovationProject.objects.get(pk=project.pk).proposed_award == 400_000
    page = text(english(caseworker_client).get(url("decision", application)))
    assert project.title in page
    assert "Granted" in page
