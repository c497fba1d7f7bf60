"""The people pages: who sees which (a table per role), inviting and changing roles from the page,
and the invitation link as the invited person meets it."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from people.models import AccessEventKind, Invitation
from portal.models import Membership, Role, User
from tests.helpers import in_english, messages_of, page_text
from tests.people.factories import AccessEventFactory, InvitationFactory
from tests.portal.factories import MembershipFactory, OfficeFactory, OrganisationFactory, UserFactory

pytestmark = [pytest.mark.django_db]

MARKER = "secret-member-7f3a@kommune.example"  # on every managed page; never on a refusal


@pytest.fixture
def world(office, organisation):
    """An office with one organisation; another office with its own; a member with a unique address
    in each managed place, an open invitation, and a log line."""
    other_office = OfficeFactory()
    other_organisation = OrganisationFactory(county=other_office.counties.first())
    person = UserFactory(email=MARKER)
    memberships = {
        "organisation": MembershipFactory(user=person, role=Role.EDITOR, organisation=organisation),
        "office": MembershipFactory(user=person, role=Role.CASEWORKER, office=office),
    }
    invitation = InvitationFactory(organisation=organisation, email="invited-7f3a@kommune.example")
    AccessEventFactory(organisation=organisation, email=MARKER)
    return {"office": office, "organisation": organisation, "other_office": other_office,
            "other_organisation": other_organisation, "memberships": memberships, "invitation": invitation}


def client_as(client, who, world):
    """A client reading English, logged in as `who`: anonymous, or a role in the world's places."""
    in_english(client)
    if who == "anonymous":
        return client
    role, place = who.split("@") if "@" in who else (who, None)
    where = {"organisation": {"organisation": world["organisation"]}, "office": {"office": world["office"]},
             "other_organisation": {"organisation": world["other_organisation"]},
             "other_office": {"office": world["other_office"]}, None: {}}[place]
    client.force_login(MembershipFactory(role=role, **where).user)
    return client


PAGES = {
    "index": lambda w: reverse("people:index"),
    "organisation": lambda w: reverse("people:organisation", args=[w["organisation"].pk]),
    "office": lambda w: reverse("people:office", args=[w["office"].pk]),
    "office_log": lambda w: reverse("people:office_log", args=[w["office"].pk]),
    "national": lambda w: reverse("people:national"),
}
# who -> page -> expected status of GET (302 to the login for the anonymous; 404 for every other refusal)
ACCESS = {
    "anonymous": {"index": 302, "organisation": 302, "office": 302, "office_log": 302, "national": 302},
    "editor@organisation": {"index": 404, "organisation": 404, "office": 404, "office_log": 404, "national": 404},
    "signatory@organisation": {"index": 302, "organisation": 200, "office": 404, "office_log": 404, "national": 404},
    "signatory@other_organisation": {"index": 302, "organisation": 404, "office": 404, "office_log": 404,
                                     "national": 404},
    "caseworker@office": {"index": 404, "organisation": 404, "office": 404, "office_log": 404, "national": 404},
    "approver@office": {"index": 404, "organisation": 404, "office": 404, "office_log": 404, "national": 404},
    "office_admin@office": {"index": 302, "organisation": 200, "office": 200, "office_log": 200, "national": 404},
    "office_admin@other_office": {"index": 302, "organisation": 404, "office": 404, "office_log": 404,
                                  "national": 404},
    "national_admin": {"index": 200, "organisation": 200, "office": 200, "office_log": 200, "national": 200},
}


@pytest.mark.parametrize("who", ACCESS)
def test_each_role_sees_exactly_the_people_pages_it_manages(client, world, who):
    client = client_as(client, who, world)
    for page, expected in ACCESS[who].items():
        response = client.get(PAGES[page](world))
        assert response.status_code == expected, (who, page, response.status_code)
        if expected == 404:
            assert MARKER not in response.content.decode() and "invited-7f3a" not in response.content.decode()
        if expected == 200 and page in ("organisation", "office_log"):
            assert MARKER in response.content.decode()


ACTIONS = {
    "invite": lambda w: (reverse("people:organisation_invite", args=[w["organisation"].pk]),
                         {"email": "new@kommune.example", "role": Role.EDITOR}),
    "send_again": lambda w: (reverse("people:invitation_again", args=[w["invitation"].pk]), {}),
    "withdraw": lambda w: (reverse("people:invitation_withdraw", args=[w["invitation"].pk]), {}),
    "change_role": lambda w: (reverse("people:membership_role", args=[w["memberships"]["organisation"].pk]),
                              {"role": Role.SIGNATORY}),
    "remove": lambda w: (reverse("people:membership_remove", args=[w["memberships"]["organisation"].pk]), {}),
    "deactivate": lambda w: (reverse("people:person_active", args=[w["memberships"]["organisation"].user_id]),
                             {"active": "0"}),
}


@pytest.mark.parametrize("who", ["editor@organisation", "signatory@other_organisation", "caseworker@office",
                                 "office_admin@other_office"])
@pytest.mark.parametrize("action", ACTIONS)
def test_whoever_does_not_manage_the_place_changes_nothing_there(client, world, who, action):
    client = client_as(client, who, world)
    path, data = ACTIONS[action](world)
    before = (list(Membership.objects.order_by("pk").values_list("pk", "role")),
              list(Invitation.objects.values_list("pk", "token_hash", "revoked_at")),
              list(User.objects.order_by("pk").values_list("pk", "is_active")))
    assert client.post(path, data).status_code == 404
    assert before == (list(Membership.objects.order_by("pk").values_list("pk", "role")),
                      list(Invitation.objects.values_list("pk", "token_hash", "revoked_at")),
                      list(User.objects.order_by("pk").values_list("pk", "is_active")))
    assert not mail.outbox


def test_an_office_admin_invites_from_the_page_and_sees_the_invitation_waiting(
        client, world, django_capture_on_commit_callbacks):
    client = client_as(client, "office_admin@office", world)
    page = reverse("people:organisation", args=[world["organisation"].pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("people:organisation_invite", args=[world["organisation"].pk]),
                               {"email": "ny.signatar@kommune.example", "role": Role.SIGNATORY}, follow=True)
    assert response.redirect_chain[-1][0] == page
    assert messages_of(response) == ["The invitation is sent to ny.signatar@kommune.example. The link works for 7 days."]
    assert "ny.signatar@kommune.example" in page_text(response)
    assert [m.to for m in mail.outbox] == [["ny.signatar@kommune.example"]]


@pytest.mark.parametrize("data, error", [
    ({"email": "not-an-address", "role": Role.EDITOR}, "Enter a valid email address."),
    ({"email": "a@kommune.example", "role": Role.CASEWORKER}, "Select a valid choice."),
    ({"email": "a@kommune.example"}, "This field is required."),
])
def test_a_bad_invitation_is_refused_on_the_page_with_a_message(client, world, data, error):
    client = client_as(client, "signatory@organisation", world)
    response = client.post(reverse("people:organisation_invite", args=[world["organisation"].pk]), data)
    assert response.status_code == 200 and error in page_text(response)
    assert Invitation.objects.count() == 1 and not mail.outbox


def test_a_signatory_removes_a_colleague_after_confirming(client, world):
    client = client_as(client, "signatory@organisation", world)
    membership = world["memberships"]["organisation"]
    confirm = client.get(reverse("people:membership_remove", args=[membership.pk]))
    assert "Remove the role" in page_text(confirm)
    response = client.post(reverse("people:membership_remove", args=[membership.pk]), follow=True)
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert "What they wrote is kept" in messages_of(response)[0]
    assert membership.user.access_events.get().kind == AccessEventKind.ROLE_REMOVED


def test_the_office_sees_which_of_its_organisations_has_no_signatory(client, world):
    client = client_as(client, "office_admin@office", world)
    MembershipFactory(role=Role.SIGNATORY, organisation=OrganisationFactory(
        county=world["office"].counties.first(), name="Kommune med signatar"))
    text = page_text(client.get(reverse("people:office", args=[world["office"].pk])))
    assert re.search(r"Kommune med signatar</a>\s*</th>\s*<td class=\"text-end\">1</td>", text)
    assert re.search(rf"{world['organisation'].name}</a> <span class=\"badge text-bg-warning\">No signatory", text)


def test_the_people_pages_cost_the_same_queries_for_5_and_50_members(client, world, django_assert_max_num_queries):
    client = client_as(client, "office_admin@office", world)
    path = reverse("people:office", args=[world["office"].pk])
    with django_assert_max_num_queries(20) as small:
        client.get(path)
    for _ in range(45):
        MembershipFactory(role=Role.APPROVER, office=world["office"])
        InvitationFactory(organisation=OrganisationFactory(county=world["office"].counties.first()))
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(path)


# --- the invitation link ----------------------------------------------------------------------------

@pytest.mark.parametrize("trait, status, words", [
    ("expired", 410, "This invitation has expired"),
    ("accepted", 410, "already been used"),
    ("revoked", 410, "has been withdrawn"),
])
def test_a_link_that_no_longer_works_says_why(client, organisation, trait, status, words):
    in_english(client)
    invitation = InvitationFactory(organisation=organisation, **{trait: True})
    response = client.get(reverse("people:invitation", args=[invitation.token]))
    assert response.status_code == status and words in page_text(response)


def test_an_unknown_link_is_a_404_with_a_message(client):
    in_english(client)
    response = client.get(reverse("people:invitation", args=["nonsense"]))
    assert response.status_code == 404 and "not valid" in page_text(response)


def test_a_logged_in_person_with_the_invited_address_accepts_with_one_button(client, client_class, organisation):
    invitation = InvitationFactory(organisation=organisation, role=Role.EDITOR)
    person = UserFactory(email=invitation.email)
    in_english(client).force_login(person)
    path = reverse("people:invitation", args=[invitation.token])
    assert "Accept the invitation" in page_text(client.get(path))
    response = client.post(path, follow=True)
    assert messages_of(response) == [f"Welcome. You are now municipal editor for {organisation}."]
    assert Membership.objects.filter(user=person, role=Role.EDITOR, organisation=organisation).exists()
    again = client.post(path)  # a double click: back to the home page, nothing more given
    assert again.status_code == 302 and again["Location"] == reverse("portal:dashboard")
    assert Membership.objects.filter(user=person).count() == 1
    other = in_english(client_class())
    other.force_login(UserFactory(email="second@example.org"))
    assert other.post(path).status_code == 410  # the link works once


def test_somebody_logged_in_with_another_address_is_told_to_log_in_as_the_invited_person(client, organisation):
    in_english(client)
    invitation = InvitationFactory(organisation=organisation)
    client.force_login(UserFactory(email="someone.else@example.org"))
    response = client.post(reverse("people:invitation", args=[invitation.token]))
    assert response.status_code == 410 and "another e-mail address" in page_text(response)
    assert not Membership.objects.filter(role=Role.SIGNATORY, organisation=organisation).exists()


def test_a_new_person_chooses_a_password_and_is_in_where_passwords_are_enabled(client, organisation, settings):
    in_english(client)
    settings.PASSWORD_LOGIN_ENABLED = True
    invitation = InvitationFactory(organisation=organisation)
    path = reverse("people:invitation", args=[invitation.token])
    mismatch = client.post(path, {"full_name": "Nina Ny", "password1": "et langt passord", "password2": "annet"})
    assert "The two passwords are not the same." in page_text(mismatch)
    response = client.post(path, {"full_name": "Nina Ny", "password1": "et langt passord 2026",
                                  "password2": "et langt passord 2026"}, follow=True)
    user = User.objects.get(email=invitation.email)
    assert response.context["user"] == user and user.full_name == "Nina Ny"
    assert Membership.objects.filter(user=user, role=Role.SIGNATORY, organisation=organisation).exists()


def test_without_passwords_the_invited_person_is_only_offered_the_login(client, organisation, settings):
    in_english(client)
    settings.PASSWORD_LOGIN_ENABLED = False
    invitation = InvitationFactory(organisation=organisation)
    path = reverse("people:invitation", args=[invitation.token])
    assert "choose a password" not in page_text(client.get(path))
    client.post(path, {"full_name": "Nina Ny", "password1": "et langt passord 2026",
                       "password2": "et langt passord 2026"})
    assert not User.objects.filter(email=invitation.email).exists()


def test_a_removed_or_deactivated_member_is_logged_out_everywhere(client_class, world):
    """Both of the person's browsers lose their session at the next request; the remover's stays."""
    signatory = client_as(client_class(), "signatory@organisation", world)
    editor = world["memberships"]["organisation"]
    browsers = [client_class(), client_class()]
    for browser in browsers:
        browser.force_login(editor.user)
        assert browser.get(reverse("portal:dashboard")).status_code == 200
    signatory.post(reverse("people:membership_remove", args=[editor.pk]))
    for browser in browsers:
        assert browser.get(reverse("portal:dashboard")).status_code == 302  # to the login
    assert signatory.get(reverse("portal:dashboard")).status_code == 200

    admin = client_as(client_class(), "office_admin@office", world)
    caseworker = world["memberships"]["office"].user
    browser = client_class()
    browser.force_login(caseworker)
    admin.post(reverse("people:person_active", args=[caseworker.pk]), {"active": "0"})
    assert browser.get(reverse("portal:dashboard")).status_code == 302
    caseworker.refresh_from_db()
    assert not caseworker.is_active and caseworker.memberships.exists()
