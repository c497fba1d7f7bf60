"""Only a technical operator (superuser) gives technical access: a national admin manages people by
their roles and can make nobody a superuser, by no route of the administration pages."""

import pytest
from django.urls import reverse

from portal.models import Membership, Role, User
from portal.permissions import can_change_user, can_grant_technical_access
from tests.helpers import page_text
from tests.portal.factories import MembershipFactory, UserFactory, reference_office

pytestmark = pytest.mark.django_db


@pytest.fixture
def national_admin():
    return MembershipFactory(role=Role.NATIONAL_ADMIN).user


def change_data(user, **overrides):
    data = {"email": user.email, "full_name": user.full_name, "phone": "", "is_active": "on",
            "memberships-TOTAL_FORMS": 0, "memberships-INITIAL_FORMS": 0}
    data.update(overrides)
    return data


def test_only_a_superuser_may_grant_technical_access(national_admin):
    assert can_grant_technical_access(UserFactory(superuser=True))
    refused = can_grant_technical_access(national_admin)
    assert not refused and refused.reason


def test_a_national_admin_changes_users_but_not_a_technical_operator(national_admin):
    assert can_change_user(national_admin, UserFactory())
    assert not can_change_user(national_admin, UserFactory(superuser=True))
    assert can_change_user(UserFactory(superuser=True), UserFactory(superuser=True))
    office_admin = MembershipFactory(role=Role.OFFICE_ADMIN).user
    assert not can_change_user(office_admin, UserFactory())


def test_national_admin_neither_sees_nor_sets_the_superuser_flag_on_the_change_form(client, national_admin):
    other = UserFactory()
    client.force_login(national_admin)
    url = reverse("admin:portal_user_change", args=[other.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="is_superuser"' not in page_text(page) and 'name="is_staff"' not in page_text(page)
    response = client.post(url, change_data(other, full_name="Ny Navn", is_superuser="on", is_staff="on"))
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.full_name == "Ny Navn"  # the form was saved ...
    assert not other.is_superuser and not other.is_staff  # ... without the flags


def test_national_admin_cannot_add_a_superuser(client, national_admin):
    client.force_login(national_admin)
    response = client.post(reverse("admin:portal_user_add"), {
        "email": "ny@example.org", "full_name": "Ny", "password1": "et-langt-passord-42", "password2":
        "et-langt-passord-42", "is_superuser": "on", "is_staff": "on",
        "memberships-TOTAL_FORMS": 0, "memberships-INITIAL_FORMS": 0})
    assert response.status_code == 302
    created = User.objects.get(email="ny@example.org")
    assert not created.is_superuser and not created.is_staff


def test_national_admin_cannot_take_over_or_delete_a_superuser(client, national_admin):
    operator = UserFactory(superuser=True, email="drift@example.org")
    client.force_login(national_admin)
    url = reverse("admin:portal_user_change", args=[operator.pk])
    client.post(url, change_data(operator, email="meg@example.org"))
    password = client.post(reverse("admin:auth_user_password_change", args=[operator.pk]),
                           {"password1": "et-langt-passord-42", "password2": "et-langt-passord-42"})
    assert password.status_code in (302, 403)
    client.post(reverse("admin:portal_user_delete", args=[operator.pk]), {"post": "yes"})
    operator.refresh_from_db()
    assert operator.email == "drift@example.org"
    assert operator.check_password("passord-for-test")


def test_the_user_list_offers_no_bulk_action(client, national_admin):
    target = UserFactory()
    client.force_login(national_admin)
    changelist = client.get(reverse("admin:portal_user_changelist"))
    assert "delete_selected" not in page_text(changelist)
    client.post(reverse("admin:portal_user_changelist"), {"action": "delete_selected", "_selected_action": [target.pk],
                                                          "post": "yes"})
    assert User.objects.filter(pk=target.pk).exists()


def test_a_superuser_sets_the_flags(client):
    operator = UserFactory(superuser=True)
    other = UserFactory()
    client.force_login(operator)
    response = client.post(reverse("admin:portal_user_change", args=[other.pk]),
                           change_data(other, is_staff="on"))
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.is_staff


def test_roles_are_changed_on_the_people_pages_the_admin_shows_them(client, national_admin):
    """Roles are given where each is checked and logged (/people/): in the admin a national admin
    and an office admin see them, and only a technical operator changes them."""
    office = reference_office("fylkesmannen-i-nordland")
    caseworker = MembershipFactory(role=Role.CASEWORKER, office=office).user
    elsewhere = MembershipFactory(user=caseworker, role=Role.CASEWORKER, office=reference_office("fylkesmannen-i-rogaland"))
    url = reverse("admin:portal_user_change", args=[caseworker.pk])
    data = change_data(caseworker, **{"memberships-TOTAL_FORMS": 1, "memberships-0-role": Role.APPROVER,
                                      "memberships-0-office": office.pk, "memberships-0-user": caseworker.pk})
    client.force_login(national_admin)
    assert 'name="memberships-0-role"' not in page_text(client.get(url))
    client.post(url, data)
    assert not Membership.objects.filter(user=caseworker, role=Role.APPROVER).exists()

    client.force_login(MembershipFactory(role=Role.OFFICE_ADMIN, office=office).user)
    page = page_text(client.get(url))
    assert "Statsforvalteren i Nordland" in page and str(elsewhere.office) not in page  # only its own office's

    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    response = client.post(url, data)
    assert response.status_code == 302, page_text(response)[:2000]
    assert Membership.objects.filter(user=caseworker, role=Role.APPROVER, office=office).exists()


