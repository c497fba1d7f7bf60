"""Each permission function of the application (applications.permissions), allowed and refused.
The office's casework permissions are in tests/casework/test_permissions.py."""

import datetime as dt

import pytest

from applications.permissions import (
    can_edit_application,
    can_start_application,
    can_view_application,
    is_applicant,
    is_office_staff_of,
)
from portal.models import OFFICE_ROLES, ORGANISATION_ROLES, OrganisationKind, Role
from tests.applications.factories import ApplicationFactory, member, staff
from tests.portal.factories import CountyFactory, OfficeFactory, OrganisationFactory
from tests.schemes.factories import RoundFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def refused(verdict, reason: str):
    """The verdict says no, and says why (the page shows the reason)."""
    assert not verdict
    assert reason in str(verdict.reason), verdict.reason
    return True


@pytest.mark.parametrize("role", ORGANISATION_ROLES)
def test_is_applicant_allows_the_organisations_own_users(submitted, role):
    assert is_applicant(member(submitted.organisation, role), submitted)


def test_is_applicant_refuses_the_office_and_other_municipalities(submitted):
    for role in OFFICE_ROLES:
        assert not is_applicant(staff(submitted.round.office, role), submitted)
    assert not is_applicant(member(ApplicationFactory(round=submitted.round).organisation, Role.SIGNATORY),
                            submitted)


@pytest.mark.parametrize("role", OFFICE_ROLES)
def test_is_office_staff_of_allows_every_role_of_the_rounds_office(submitted, role):
    assert is_office_staff_of(staff(submitted.round.office, role), submitted)


def test_is_office_staff_of_refuses_another_office_and_the_municipality(submitted):
    assert not is_office_staff_of(staff(OfficeFactory(), Role.CASEWORKER), submitted)
    for role in ORGANISATION_ROLES:
        assert not is_office_staff_of(member(submitted.organisation, role), submitted)


def test_can_view_application_allows_the_applicant_at_any_time_and_the_office_once_submitted(submitted, caseworker):
    draft = ApplicationFactory(round=submitted.round)

    assert can_view_application(member(draft.organisation, Role.EDITOR), draft)
    assert can_view_application(member(submitted.organisation, Role.EDITOR), submitted)
    assert can_view_application(caseworker, submitted)


def test_can_view_application_refuses_the_office_a_draft_and_strangers_anything(submitted, caseworker):
    draft = ApplicationFactory(round=submitted.round)

    assert refused(can_view_application(caseworker, draft), "do not have access")
    assert refused(can_view_application(staff(OfficeFactory(), Role.CASEWORKER), submitted), "do not have access")
    assert refused(can_view_application(member(draft.organisation, Role.SIGNATORY), submitted), "do not have access")


def test_can_edit_application_allows_a_draft_in_an_open_round_and_a_returned_one_after_the_deadline(round_):
    draft = ApplicationFactory(round=round_)
    returned = ApplicationFactory(round=RoundFactory(closed=True), returned=True)

    for role in ORGANISATION_ROLES:
        assert can_edit_application(member(draft.organisation, role), draft)
    assert can_edit_application(member(returned.organisation, Role.EDITOR), returned)


def test_can_edit_application_refuses_the_office_a_submitted_application_and_a_closed_round(submitted, caseworker):
    draft = ApplicationFactory(round=submitted.round)
    editor = member(draft.organisation, Role.EDITOR)

    assert refused(can_edit_application(caseworker, submitted), "Only the municipality's own users")
    assert refused(can_edit_application(member(submitted.organisation, Role.EDITOR), submitted),
                   "is submitted and can no longer be changed")
    deadline = submitted.round.submission_closes_at
    assert can_edit_application(editor, draft, now=deadline)  # the last moment
    assert refused(can_edit_application(editor, draft, now=deadline + dt.timedelta(seconds=1)),
                   "deadline has passed")
    upcoming = ApplicationFactory(round=RoundFactory(upcoming=True))
    assert refused(can_edit_application(member(upcoming.organisation, Role.EDITOR), upcoming), "not opened yet")


def test_can_start_application_allows_a_member_while_the_round_is_open(round_, organisation):
    for role in ORGANISATION_ROLES:
        assert can_start_application(member(organisation, role), round_, organisation)


def test_can_start_application_refuses_outsiders_other_areas_other_kinds_and_a_closed_round(round_, organisation):
    assert refused(can_start_application(member(OrganisationFactory(county=organisation.county)), round_, organisation),
                   "not a member of this organisation")
    assert refused(can_start_application(staff(round_.office), round_, organisation), "not a member")

    elsewhere = OrganisationFactory(county=CountyFactory())
    assert refused(can_start_application(member(elsewhere), round_, elsewhere), "another County Governor's area")

    municipalities_only = RoundFactory(office=round_.office, eligible_kinds=[OrganisationKind.MUNICIPALITY])
    county_municipality = OrganisationFactory(county=organisation.county, kind=OrganisationKind.COUNTY_MUNICIPALITY)
    assert refused(can_start_application(member(county_municipality), municipalities_only, county_municipality),
                   "cannot apply in this round")

    closed = RoundFactory(office=round_.office, closed=True)
    assert refused(can_start_application(member(organisation), closed, organisation), "not open for applications")
