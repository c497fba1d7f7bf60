"""The one state machine mechanism (portal.workflow), the same for the application, the decision and
the report: each transition refused with its reason, performed once however often it is asked, with
one event, and the transitions that follow it in the same transaction or not at all."""

import pytest
from django.db import transaction

from applications.models import Application, ApplicationEvent, ApplicationStatus, EventKind
from applications.workflow import APPLICATION
from casework.models import DecisionStatus
from casework.workflow import DECISION
from portal.exceptions import TransitionError
from portal.models import Role
from portal.workflow import Follow, Machine, Transition
from reporting.models import ReportStatus
from reporting.workflow import REPORT
from tests.applications.factories import ApplicationFactory, member, staff
from tests.casework.factories import DecisionFactory, letter_stored
from tests.portal.factories import MembershipFactory
from tests.reporting.factories import GrantReportFactory, fill

pytestmark = pytest.mark.django_db


def events(application) -> list[str]:
    return list(ApplicationEvent.objects.filter(application=application).values_list("kind", flat=True))


# --- a repeated request performs once, for every machine ---------------------------------------------

def _withdraw(english):
    application = ApplicationFactory(submitted=True)
    return APPLICATION, application, "withdraw", member(application.organisation, Role.SIGNATORY), {"reason": "Vi venter."}


def _approve(english):
    decision = DecisionFactory()
    return DECISION, decision, "approve", decision.test_approver, {}


def _send(english):
    decision = letter_stored(DecisionFactory(approved=True))
    return DECISION, decision, "send", decision.test_caseworker, {}


def _submit_report(english):
    report = GrantReportFactory(filled=True)
    return REPORT, report, "submit", member(report.application.organisation, Role.SIGNATORY), {}


def _return_report(english):
    report = GrantReportFactory(submitted=True)
    return REPORT, report, "return", report.test_decision.test_caseworker, {"message": "Mangler signatur."}


@pytest.mark.parametrize("case", [_withdraw, _approve, _send, _submit_report, _return_report],
                         ids=["application.withdraw", "decision.approve", "decision.send", "report.submit",
                              "report.return"])
def test_a_double_click_performs_the_transition_once_with_one_event(case, english):
    machine, obj, name, user, data = case(english)
    application = obj if isinstance(obj, Application) else obj.application
    before = len(events(application))

    first = machine.perform(obj, name, user=user, data=data)
    after_first = len(events(application))
    second = machine.perform(obj, name, user=user, data=data)

    assert first.performed and not second.performed
    assert machine.status_of(second.object) == machine[name].target
    assert len(events(application)) == after_first > before  # the repeat wrote nothing


def test_a_repeat_by_someone_without_the_role_is_refused_not_ignored(english):
    decision = DecisionFactory(approved=True)
    editor = member(decision.application.organisation, Role.EDITOR)
    with pytest.raises(TransitionError, match="role"):
        DECISION.perform(decision, "approve", user=editor)


# --- refusals, with the reason --------------------------------------------------------------------

def test_the_wrong_status_the_wrong_role_and_the_guard_each_say_why(english):
    application = ApplicationFactory()  # a draft with nothing in it
    signatory = member(application.organisation, Role.SIGNATORY)
    assert APPLICATION.check(application, "withdraw", signatory) == (
        "This cannot be done while the application is draft.")
    assert APPLICATION.check(application, "submit", member(application.organisation, Role.EDITOR)) == (
        "Your role does not allow this.")
    assert "not complete" in APPLICATION.check(application, "submit", signatory)
    with pytest.raises(TransitionError, match="not complete"):
        APPLICATION.perform(application, "submit", user=signatory)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT and events(application) == []


def test_the_decision_and_report_tables_say_why_too(english):
    decision = DecisionFactory()
    with pytest.raises(TransitionError, match="role"):
        DECISION.perform(decision, "approve", user=decision.test_caseworker)  # a caseworker may not approve
    both = staff(decision.application.round.office, Role.APPROVER)
    MembershipFactory(user=both, role=Role.CASEWORKER, office=decision.application.round.office)
    own = DecisionFactory(round=decision.application.round, caseworker=both)
    with pytest.raises(TransitionError, match="four eyes"):
        DECISION.perform(own, "approve", user=both)  # nobody approves their own proposal
    assert DECISION.check(decision, "send", decision.test_caseworker) == (
        "This cannot be done while the decision is proposed.")
    report = GrantReportFactory()
    assert "not complete" in REPORT.check(report, "submit", member(report.application.organisation, Role.SIGNATORY))


# --- the buttons a page may draw ----------------------------------------------------------------------

def test_available_lists_what_the_status_and_the_users_role_allow():
    application = ApplicationFactory(submitted=True)
    office = application.round.office
    assert [t.name for t in APPLICATION.available(application, member(application.organisation, Role.SIGNATORY))] == [
        "withdraw"]
    assert [t.name for t in APPLICATION.available(application, staff(office, Role.CASEWORKER))] == [
        "start_assessment"]
    assert APPLICATION.available(application, member(application.organisation, Role.EDITOR)) == []
    assert DECISION.available(None, staff(office, Role.APPROVER)) == []


# --- transitions that follow: one transaction -------------------------------------------------------

def test_the_decisions_approval_is_followed_by_the_applications_decide(english):
    decision = DecisionFactory()
    approved = DECISION.perform(decision, "approve", user=decision.test_approver).object
    assert approved.status == DecisionStatus.APPROVED
    assert approved.application.status == ApplicationStatus.DECIDED  # the object it holds is current
    decide = ApplicationEvent.objects.get(application=approved.application, kind=EventKind.STATUS_CHANGED,
                                          to_status=ApplicationStatus.DECIDED)
    assert decide.data["follows"] == "decision.approve" and not decide.visible_to_applicant


def test_a_followed_transition_that_is_refused_undoes_the_first(english):
    """A machine whose transition is followed by one that cannot happen: nothing is written."""
    application = ApplicationFactory(in_assessment=True)
    caseworker = staff(application.round.office, Role.CASEWORKER)
    machine = Machine(
        model=Application, roles_of=lambda user, obj: {Role.CASEWORKER}, record=lambda *args: None,
        transitions=[Transition("odd", "Odd", (ApplicationStatus.IN_ASSESSMENT,), ApplicationStatus.RETURNED,
                                (Role.CASEWORKER,),
                                follows=(Follow(APPLICATION, "close", of=lambda obj: obj),))],
    )
    with pytest.raises(TransitionError):
        with transaction.atomic():
            machine.perform(application, "odd", user=caseworker)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.IN_ASSESSMENT


def test_each_report_transition_moves_the_application_with_it(english):
    report = GrantReportFactory(filled=True)
    signatory = member(report.application.organisation, Role.SIGNATORY)
    caseworker = report.test_decision.test_caseworker
    steps = [("submit", signatory, {}, ReportStatus.SUBMITTED, ApplicationStatus.REPORTED),
             ("return", caseworker, {"message": "Mangler."}, ReportStatus.RETURNED, ApplicationStatus.DECIDED),
             ("submit", signatory, {}, ReportStatus.SUBMITTED, ApplicationStatus.REPORTED),
             ("approve", caseworker, {}, ReportStatus.APPROVED, ApplicationStatus.CLOSED)]
    for name, user, data, report_status, application_status in steps:
        if name == "submit":
            report = fill(report, signatory)
        report = REPORT.perform(report, name, user=user, data=data).object
        report.application.refresh_from_db()
        assert (report.status, report.application.status) == (report_status, application_status)


def test_a_step_that_only_follows_another_has_no_button_and_cannot_be_asked_for_alone(english):
    decision = DecisionFactory()
    application = decision.application  # in assessment, the decision proposed
    approver = decision.test_approver
    assert "decide" not in [t.name for t in APPLICATION.available(application, approver)]
    with pytest.raises(TransitionError, match="only together with another step"):
        APPLICATION.perform(application, "decide", user=approver)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.IN_ASSESSMENT


def test_a_follow_into_a_status_already_reached_is_a_mismatch_and_undoes_the_first(english):
    """The application already decided while its decision is only proposed: approving must not pass
    off the application's "decide" as a harmless repeat."""
    decision = DecisionFactory()
    Application.objects.filter(pk=decision.application_id).update(status=ApplicationStatus.DECIDED)
    with pytest.raises(TransitionError):
        with transaction.atomic():
            DECISION.perform(decision, "approve", user=decision.test_approver)
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.PROPOSED


def test_the_refusal_names_the_status_the_applicant_may_know(english):
    """Decided, but the letter is not sent: the municipality is told it is in assessment."""
    decision = DecisionFactory(approved=True)
    signatory = member(decision.application.organisation, Role.SIGNATORY)
    assert APPLICATION.check(decision.application, "withdraw", signatory) == (
        "This cannot be done while the application is in assessment.")
    caseworker = decision.test_caseworker
    assert APPLICATION.check(decision.application, "withdraw", caseworker) == (
        "This cannot be done while the application is decided.")
