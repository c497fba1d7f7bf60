"""An invited person's first OpenID Connect login, against the real provider process on loopback:
the invitation link, the provider's login, back to the invitation, accepted; and the logins an
invitation does not let in."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from portal.models import Identity, IdentityProvider, Membership, Role, User
from tests.helpers import in_english, messages_of, page_text
from tests.oidc import oidc_login
from tests.people.factories import InvitationFactory
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_new_person_opens_the_link_logs_in_with_id_porten_and_accepts(client, oidc, organisation):
    invitation = InvitationFactory(organisation=organisation, email="ny.signatar@kommune.example")
    join = reverse("people:invitation", args=[invitation.token])
    page = page_text(in_english(client).get(join))
    assert "Log in to accept" in page and reverse("oidc_login_idporten") in page

    response = oidc_login(client, "idporten", "person-new-1", next_url=join)
    assert response.redirect_chain[-1][0] == join
    user = User.objects.get(email="ny.signatar@kommune.example")
    assert int(client.session[SESSION_KEY]) == user.pk and not user.has_usable_password()
    assert Identity.objects.get(provider=IdentityProvider.IDPORTEN, subject="person-new-1").user == user
    assert not Membership.objects.filter(user=user).exists()  # nothing given before the person accepts

    accepted = client.post(join, follow=True)
    assert messages_of(accepted) == [f"Welcome. You are now signatory for {organisation}."]
    assert Membership.objects.filter(user=user, role=Role.SIGNATORY, organisation=organisation).exists()


def test_the_link_never_hands_over_an_existing_user_who_logs_in_or_holds_a_role(client, oidc, organisation):
    """Whoever holds the link (a shared or forwarded mailbox) must not become the address's user."""
    person = UserFactory(email="kari@kommune.example")  # logs in with a password
    invitation = InvitationFactory(organisation=organisation, email="kari@kommune.example", role=Role.EDITOR)
    join = reverse("people:invitation", args=[invitation.token])
    client.get(join)
    oidc_login(client, "idporten", "someone-with-the-link", next_url=join)
    assert SESSION_KEY not in client.session
    assert not Identity.objects.filter(subject="someone-with-the-link").exists()
    assert not Membership.objects.filter(user=person).exists()


def test_a_user_left_by_an_unfinished_acceptance_is_taken_up_again(client, oidc, organisation):
    unclaimed = User.objects.create_user(email="kari@kommune.example", password=None)
    invitation = InvitationFactory(organisation=organisation, email="kari@kommune.example", role=Role.EDITOR)
    join = reverse("people:invitation", args=[invitation.token])
    client.get(join)
    oidc_login(client, "idporten", "kari-subject", next_url=join)
    assert Identity.objects.get(subject="kari-subject").user == unclaimed
    client.post(join)
    assert Membership.objects.filter(user=unclaimed, role=Role.EDITOR).exists()


def test_the_invitation_is_forgotten_by_the_browser_once_a_login_used_it(client, oidc, organisation):
    """A later login in the same browser (a shared computer) is not linked by the same link."""
    invitation = InvitationFactory(organisation=organisation, email="ny@kommune.example")
    join = reverse("people:invitation", args=[invitation.token])
    client.get(join)
    oidc_login(client, "idporten", "first-person", next_url=join)
    client.post(reverse("logout"))
    oidc_login(client, "idporten", "second-person")
    assert SESSION_KEY not in client.session
    assert not Identity.objects.filter(subject="second-person").exists()


@pytest.mark.parametrize("trait", ["expired", "revoked", "accepted"])
def test_an_invitation_that_no_longer_works_lets_nobody_in(client, oidc, organisation, trait):
    invitation = InvitationFactory(organisation=organisation, **{trait: True})
    session = client.session
    session["people.invitation"] = invitation.token
    session.save()
    response = oidc_login(in_english(client), "idporten", "stranger-1")
    assert SESSION_KEY not in client.session
    assert "not linked to any user" in " ".join(messages_of(response))
    assert not Identity.objects.filter(subject="stranger-1").exists()
    assert not User.objects.filter(email=invitation.email).exists()


def test_without_an_invitation_an_unknown_person_is_refused(client, oidc):
    response = oidc_login(in_english(client), "idporten", "stranger-2")
    assert SESSION_KEY not in client.session and "not linked to any user" in " ".join(messages_of(response))
    assert not Identity.objects.exists()


def test_a_person_who_already_logs_in_with_another_subject_is_not_given_a_second(client, oidc, organisation):
    person = UserFactory(email="kari@kommune.example")
    Identity.objects.create(user=person, provider=IdentityProvider.IDPORTEN, subject="kari-real")
    invitation = InvitationFactory(organisation=organisation, email="kari@kommune.example")
    join = reverse("people:invitation", args=[invitation.token])
    client.get(join)
    oidc_login(client, "idporten", "someone-with-the-link", next_url=join)
    assert SESSION_KEY not in client.session
    assert not Identity.objects.filter(subject="someone-with-the-link").exists()
