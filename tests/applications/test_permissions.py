"""Each permission function, allowed and refused."""

import pytest

from applications.permissions import can_edit_application, can_view_application, is_applicant
from casework.models import Decision
from casework.permissions import can_assess, can_download_letter, can_work_on_round
from portal.models import Role
from tests.applications.factories import ApplicationFactory, member, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted():
    return ApplicationFactory(submitted=True)


def test_is_applicant(submitted):
    assert is_applicant(member(submitted.organisation, Role.EDITOR), submitted)
    assert not is_applicant(staff(submitted.round.office, Role.CASEWORKER), submitted)
    assert not is_applicant(member(ApplicationFactory().organisation, Role.SIGNATORY), submitted)


def test_can_view_application(submitted):
    assert can_view_application(staff(submitted.round.office, Role.CASEWORKER), submitted)
    draft = ApplicationFactory(round=submitted.round)
    assert not can_view_application(staff(submitted.round.office, Role.CASEWORKER), draft)
    assert can_view_application(member(draft.organisation, Role.EDITOR), draft)


def test_can_edit_application(submitted):
    draft = ApplicationFactory(round=submitted.round)
    assert can_edit_application(member(draft.organisation, Role.EDITOR), draft)
    refused = can_edit_application(member(submitted.organisation, Role.EDITOR), submitted)
    assert not refused and refused.reason


def test_can_assess(submitted):
    assert can_assess(staff(submitted.round.office, Role.CASEWORKER), submitted)
    assert not can_assess(staff(submitted.round.office, Role.APPROVER), submitted)
    assert not can_assess(staff(ApplicationFactory().round.office, Role.CASEWORKER), submitted)


def test_can_work_on_round(submitted):
    assert can_work_on_round(staff(submitted.round.office, Role.APPROVER), submitted.round)
    assert not can_work_on_round(staff(submitted.round.office, Role.OFFICE_ADMIN), submitted.round)


def test_can_download_letter(submitted):
    caseworker = staff(submitted.round.office, Role.CASEWORKER)
    signatory = member(submitted.organisation, Role.SIGNATORY)
    decision = Decision.objects.create(
        application=submitted, outcome="granted", total_applied=1, total_awarded=1, status="approved",
        reporting_deadline=submitted.round.reporting_deadline, proposed_by=caseworker,
        proposed_at=submitted.round.closes_at)
    submitted.refresh_from_db()
    assert can_download_letter(caseworker, submitted)
    assert not can_download_letter(signatory, submitted)  # approved, not yet sent
    Decision.objects.filter(pk=decision.pk).update(status="sent")
    submitted.refresh_from_db()
    assert can_download_letter(signatory, submitted)
    assert not can_download_letter(member(ApplicationFactory().organisation, Role.SIGNATORY), submitted)
