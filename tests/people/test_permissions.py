"""Who may give, change and remove which role where (people.rules.GIVES), for allowed and refused."""

import pytest

from people.permissions import (
    can_change_role,
    can_deactivate,
    can_give_role,
    can_manage_people,
    can_remove_membership,
    roles_grantable,
)
from portal.models import Role
from tests.portal.factories import MembershipFactory, OfficeFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def place(office, organisation):
    """An office, an organisation in its counties, and another office with its own organisation."""
    other_office = OfficeFactory()
    return {
        "office": office,
        "organisation": organisation,
        "other_office": other_office,
        "other_organisation": OrganisationFactory(county=other_office.counties.first()),
    }


def member(role, **where):
    return MembershipFactory(role=role, **where).user


def test_a_signatory_gives_editors_and_signatories_in_their_own_organisation_only(place):
    signatory = member(Role.SIGNATORY, organisation=place["organisation"])
    assert roles_grantable(signatory, organisation=place["organisation"]) == (Role.EDITOR, Role.SIGNATORY)
    assert roles_grantable(signatory, organisation=place["other_organisation"]) == ()
    assert roles_grantable(signatory, office=place["office"]) == ()
    assert not can_give_role(signatory, Role.CASEWORKER, office=place["office"])
    assert not can_give_role(signatory, Role.NATIONAL_ADMIN)


def test_an_office_admin_gives_the_office_roles_at_home_and_organisation_roles_in_its_counties(place):
    admin = member(Role.OFFICE_ADMIN, office=place["office"])
    assert roles_grantable(admin, office=place["office"]) == (Role.CASEWORKER, Role.APPROVER, Role.OFFICE_ADMIN)
    assert roles_grantable(admin, organisation=place["organisation"]) == (Role.EDITOR, Role.SIGNATORY)
    assert roles_grantable(admin, office=place["other_office"]) == ()
    assert roles_grantable(admin, organisation=place["other_organisation"]) == ()
    assert not can_give_role(admin, Role.NATIONAL_ADMIN)


@pytest.mark.parametrize("role", [Role.EDITOR, Role.CASEWORKER, Role.APPROVER])
def test_editors_caseworkers_and_approvers_give_no_role(place, role):
    where = {"organisation": place["organisation"]} if role == Role.EDITOR else {"office": place["office"]}
    user = member(role, **where)
    assert roles_grantable(user, organisation=place["organisation"]) == ()
    assert roles_grantable(user, office=place["office"]) == ()
    assert not can_manage_people(user, organisation=place["organisation"])
    assert not can_manage_people(user, office=place["office"])


def test_a_national_admin_gives_every_role_everywhere(place):
    admin = member(Role.NATIONAL_ADMIN)
    assert roles_grantable(admin, office=place["other_office"]) == (Role.CASEWORKER, Role.APPROVER, Role.OFFICE_ADMIN)
    assert roles_grantable(admin, organisation=place["other_organisation"]) == (Role.EDITOR, Role.SIGNATORY)
    assert roles_grantable(admin) == (Role.NATIONAL_ADMIN,)


def test_a_role_is_given_only_where_it_is_held(place):
    admin = member(Role.NATIONAL_ADMIN)
    assert not can_give_role(admin, Role.EDITOR, office=place["office"])
    assert not can_give_role(admin, Role.CASEWORKER, organisation=place["organisation"])


def test_a_deactivated_user_gives_nothing(place):
    admin = member(Role.OFFICE_ADMIN, office=place["office"])
    admin.is_active = False
    assert roles_grantable(admin, office=place["office"]) == ()


def test_nobody_removes_their_own_role(place):
    membership = MembershipFactory(role=Role.OFFICE_ADMIN, office=place["office"])
    other_admin = MembershipFactory(role=Role.OFFICE_ADMIN, office=place["office"])
    assert not can_remove_membership(membership.user, membership)
    assert can_remove_membership(other_admin.user, membership)


def test_changing_a_role_needs_both_roles_to_be_givable(place):
    signatory = member(Role.SIGNATORY, organisation=place["organisation"])
    editor = MembershipFactory(role=Role.EDITOR, organisation=place["organisation"])
    assert can_change_role(signatory, editor, Role.SIGNATORY)
    caseworker = MembershipFactory(role=Role.CASEWORKER, office=place["office"])
    assert not can_change_role(signatory, caseworker, Role.APPROVER)


def test_a_person_with_roles_elsewhere_is_deactivated_only_by_whoever_manages_them_all(place):
    admin = member(Role.OFFICE_ADMIN, office=place["office"])
    person = UserFactory()
    here = MembershipFactory(user=person, role=Role.EDITOR, organisation=place["organisation"])
    assert can_deactivate(admin, person, [here])
    elsewhere = MembershipFactory(user=person, role=Role.EDITOR, organisation=place["other_organisation"])
    assert not can_deactivate(admin, person, [here, elsewhere])
    assert can_deactivate(member(Role.NATIONAL_ADMIN), person, [here, elsewhere])


def test_nobody_deactivates_themselves_and_only_operators_touch_an_operator(place):
    national = MembershipFactory(role=Role.NATIONAL_ADMIN)
    assert not can_deactivate(national.user, national.user, [national])
    operator = UserFactory(is_superuser=True, is_staff=True)
    assert not can_deactivate(national.user, operator, [])
    assert can_deactivate(UserFactory(is_superuser=True), operator, [])
