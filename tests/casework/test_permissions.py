"""Each permission function of the office's casework (casework.permissions), allowed and refused."""

import pytest

from casework.permissions import (
    can_approve_decision,
    can_approve_decisions_of_round,
    can_assess,
    can_download_letter,
    can_propose_decision,
    can_send_decision,
    can_work_on_round,
)
from portal.models import ORGANISATION_ROLES, Role
from tests.applications.factories import ApplicationFactory, member, staff
from tests.casework.factories import DecisionFactory
from tests.portal.factories import OfficeFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def refused(verdict, reason: str):
    """The verdict says no, and says why (the page shows the reason)."""
    assert not verdict
    assert reason in str(verdict.reason), verdict.reason
    return True


def test_can_work_on_round_allows_the_offices_caseworkers_and_approvers(round_, caseworker, approver):
    assert can_work_on_round(caseworker, round_)
    assert can_work_on_round(approver, round_)


def test_can_work_on_round_refuses_the_office_admin_another_office_and_the_municipality(round_, organisation):
    reason = "Only the office's caseworkers and approvers"
    assert refused(can_work_on_round(staff(round_.office, Role.OFFICE_ADMIN), round_), reason)
    assert refused(can_work_on_round(staff(OfficeFactory(), Role.CASEWORKER), round_), reason)
    assert refused(can_work_on_round(member(organisation, Role.SIGNATORY), round_), reason)


def test_can_assess_allows_a_caseworker_of_the_office_once_submitted(submitted, caseworker):
    assert can_assess(caseworker, submitted)
    assert can_assess(caseworker, ApplicationFactory(round=submitted.round, in_assessment=True))


def test_can_assess_refuses_other_roles_other_offices_drafts_and_withdrawn(submitted, caseworker, approver):
    assert refused(can_assess(approver, submitted), "Only the office's caseworkers assess")
    assert refused(can_assess(staff(OfficeFactory(), Role.CASEWORKER), submitted), "Only the office's caseworkers")
    assert refused(can_assess(member(submitted.organisation, Role.SIGNATORY), submitted), "Only the office's")
    draft = ApplicationFactory(round=submitted.round)
    assert refused(can_assess(caseworker, draft), "is draft and cannot be assessed")
    withdrawn = ApplicationFactory(round=submitted.round, withdrawn=True)
    assert refused(can_assess(caseworker, withdrawn), "is withdrawn and cannot be assessed")


def test_can_propose_decision_allows_a_caseworker_of_the_office(submitted, caseworker):
    assert can_propose_decision(caseworker, submitted)


def test_can_propose_decision_refuses_approvers_other_offices_and_the_municipality(submitted, approver):
    reason = "Only the office's caseworkers propose decisions."
    assert refused(can_propose_decision(approver, submitted), reason)
    assert refused(can_propose_decision(staff(submitted.round.office, Role.OFFICE_ADMIN), submitted), reason)
    assert refused(can_propose_decision(staff(OfficeFactory(), Role.CASEWORKER), submitted), reason)
    assert refused(can_propose_decision(member(submitted.organisation, Role.SIGNATORY), submitted), reason)


def test_can_approve_decision_allows_an_approver_of_the_office(submitted, approver):
    assert can_approve_decision(approver, submitted)


def test_can_approve_decision_refuses_caseworkers_other_offices_and_the_municipality(submitted, caseworker):
    reason = "Only the office's approvers approve decisions."
    assert refused(can_approve_decision(caseworker, submitted), reason)
    assert refused(can_approve_decision(staff(OfficeFactory(), Role.APPROVER), submitted), reason)
    assert refused(can_approve_decision(member(submitted.organisation, Role.SIGNATORY), submitted), reason)


def test_can_approve_decisions_of_round_allows_an_approver_of_the_office(round_, approver):
    assert can_approve_decisions_of_round(approver, round_)


def test_can_approve_decisions_of_round_refuses_caseworkers_other_offices_and_the_municipality(
        round_, caseworker, organisation):
    reason = "Only the office's approvers approve decisions."
    assert refused(can_approve_decisions_of_round(caseworker, round_), reason)
    assert refused(can_approve_decisions_of_round(staff(round_.office, Role.OFFICE_ADMIN), round_), reason)
    assert refused(can_approve_decisions_of_round(staff(OfficeFactory(), Role.APPROVER), round_), reason)
    assert refused(can_approve_decisions_of_round(member(organisation, Role.SIGNATORY), round_), reason)


def test_can_send_decision_allows_the_offices_caseworkers_and_approvers(submitted, caseworker, approver):
    assert can_send_decision(caseworker, submitted)
    assert can_send_decision(approver, submitted)


def test_can_send_decision_refuses_the_office_admin_other_offices_and_the_municipality(submitted):
    reason = "Only the office's caseworkers and approvers send decisions"
    assert refused(can_send_decision(staff(submitted.round.office, Role.OFFICE_ADMIN), submitted), reason)
    assert refused(can_send_decision(staff(OfficeFactory(), Role.CASEWORKER), submitted), reason)
    assert refused(can_send_decision(member(submitted.organisation, Role.SIGNATORY), submitted), reason)


def test_the_office_reads_the_letter_at_once_and_the_municipality_once_it_is_sent(round_, caseworker, approver):
    approved = DecisionFactory(round=round_, approved=True).application
    sent = DecisionFactory(round=round_, sent=True).application

    assert can_download_letter(caseworker, approved)
    assert can_download_letter(approver, approved)
    for role in ORGANISATION_ROLES:
        assert can_download_letter(member(sent.organisation, role), sent)


def test_the_letter_is_refused_to_the_municipality_before_it_is_sent_and_to_strangers(round_):
    reason = "The decision letter is not available to you."
    undecided = ApplicationFactory(round=round_, in_assessment=True)
    proposed = DecisionFactory(round=round_).application
    approved = DecisionFactory(round=round_, approved=True).application  # approved, not yet sent
    sent = DecisionFactory(round=round_, sent=True).application

    for application in (undecided, proposed, approved):
        assert refused(can_download_letter(member(application.organisation, Role.SIGNATORY), application), reason)
    assert refused(can_download_letter(member(approved.organisation, Role.SIGNATORY), sent), reason)
    assert refused(can_download_letter(staff(OfficeFactory(), Role.CASEWORKER), sent), reason)
