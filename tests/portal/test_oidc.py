"""Login through OpenID Connect, against a real provider process on loopback (tests/oidc.py): the
whole code flow, and every way a login is refused (each with its message, never a 400 or 500)."""

import datetime as dt
import logging

import httpx
import jwt
import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.models import Identity, IdentityProvider, User
from portal.oidc import (
    LoginRefused,
    Refusal,
    discovery_cache_key,
    discovery_document_url,
    endpoints_for,
    id_token_verify,
    provider_get,
)
from tests.helpers import in_english, messages_of, unused_port
from tests.oidc import TEST_CLIENT_SECRET, OidcProvider, Person, local_part, oidc_login, oidc_start, query_of
from tests.portal.factories import IdentityFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture(autouse=True)
def _client_reads_english(client):
    """The messages are matched in English: the client's pages are in English too."""
    in_english(client)

NOT_LINKED = "The login through ID-porten is not linked to any user of the portal."


def logged_in_user_id(client):
    return client.session.get(SESSION_KEY)


def refused(response, client, expected: str) -> None:
    """The person is back on the login page with `expected` in the message, and not logged in."""
    assert response.status_code == 200, response.status_code
    assert response.request["PATH_INFO"] == reverse("login")
    texts = messages_of(response)
    assert any(expected in text for text in texts), texts
    assert logged_in_user_id(client) is None


def callback_after(client, provider_key: str = "idporten", subject: str = "kari-9001", next_url=None) -> str:
    """Start a login and let the person log in at the provider: the callback URL the browser is sent to."""
    return local_part(Person().log_in(oidc_start(client, provider_key, next_url), subject))


def cache_discovery(discovery_url: str, **changes) -> None:
    """The provider's real discovery document, changed, as the portal's cached copy."""
    document = httpx.get(discovery_document_url(discovery_url.replace("localhost", "127.0.0.1"))).json()
    cache.set(discovery_cache_key(discovery_url), {**document, **changes}, 3600)


# --- the whole code flow ------------------------------------------------------------------------------

def test_a_known_subject_logs_in_its_user_through_the_whole_code_flow(client, oidc):
    identity = IdentityFactory(subject="kari-9001")
    authorize_url = oidc_start(client, "idporten")
    assert authorize_url.startswith(f"{oidc.issuer}/oauth2/authorize?")
    sent = query_of(authorize_url)
    assert sent["client_id"] == "tilskuddsportalen" and sent["response_type"] == "code"
    assert sent["redirect_uri"] == "http://testserver" + reverse("oidc_callback_idporten")
    assert sent["state"] and sent["nonce"]

    callback = Person().log_in(authorize_url, "kari-9001")
    assert query_of(callback)["state"] == sent["state"] and query_of(callback)["code"]
    response = client.get(local_part(callback))

    assert response.status_code == 302 and response["Location"] == reverse("portal:dashboard")
    assert int(logged_in_user_id(client)) == identity.user.pk
    identity.refresh_from_db()
    assert identity.last_used_at is not None


def test_a_login_through_the_provider_hashes_no_password(client, oidc, monkeypatch):
    """A password hash (PBKDF2: 0.6 s of CPU each) has no place in an OpenID Connect login, neither for
    a known person nor for an invited one whose user is made at the first login (issue 13)."""
    from django.contrib.auth import hashers

    IdentityFactory(subject="kari-9001")  # its user's password is hashed here, before the login
    asked = []
    real_get_hasher = hashers.get_hasher
    monkeypatch.setattr(hashers, "get_hasher", lambda *args, **kwargs: asked.append(args) or real_get_hasher(*args, **kwargs))
    oidc_login(client, "idporten", "kari-9001")
    assert logged_in_user_id(client) is not None
    client.logout()
    monkeypatch.setattr("portal.invitations.user_for_unknown_subject",  # made as people.services makes it
                        lambda request, provider, claims: User.objects.create_user(email="ny@kommune.example"))
    oidc_login(client, "idporten", "new-person-2")
    assert logged_in_user_id(client) is not None
    assert asked == []


def test_the_office_provider_logs_in_office_staff_under_its_own_client_and_callback(client, oidc):
    identity = IdentityFactory(provider=IdentityProvider.OFFICE, subject="sara-office")
    authorize_url = oidc_start(client, "office")
    assert query_of(authorize_url)["client_id"] == "tilskuddsportalen-office"
    assert query_of(authorize_url)["redirect_uri"].endswith(reverse("oidc_callback_office"))
    callback = local_part(Person().log_in(authorize_url, "sara-office"))
    client.get(callback)
    assert int(logged_in_user_id(client)) == identity.user.pk


def test_a_subject_is_matched_at_its_own_provider_only(client, oidc):
    """The same subject at the other provider is another person."""
    IdentityFactory(provider=IdentityProvider.OFFICE, subject="kari-9001")
    response = client.get(callback_after(client, "idporten", "kari-9001"), follow=True)
    refused(response, client, NOT_LINKED)


def test_a_person_is_never_matched_by_e_mail(client, oidc, oidc_provider):
    """The provider says the person's e-mail is a user's address; without the subject linked, no login."""
    user = UserFactory(email="per@bodo.kommune.example")
    httpx.put(f"{oidc_provider.issuer}/users/per-1", json={"email": user.email, "name": user.full_name})
    response = client.get(callback_after(client, "idporten", "per-1"), follow=True)
    refused(response, client, NOT_LINKED)
    assert not Identity.objects.exists()


def test_next_is_kept_through_the_round_trip(client, oidc):
    IdentityFactory(subject="kari-9001")
    response = oidc_login(client, "idporten", "kari-9001", next_url="/me/notifications/?page=2")
    assert response.redirect_chain[-1][0] == "/me/notifications/?page=2"
    assert logged_in_user_id(client)


@pytest.mark.parametrize("elsewhere", ["https://evil.example/", "//evil.example/me/", "javascript:alert(1)"])
def test_next_to_another_site_is_not_followed(client, oidc, elsewhere):
    IdentityFactory(subject="kari-9001")
    response = oidc_login(client, "idporten", "kari-9001", next_url=elsewhere)
    assert response.redirect_chain[-1][0] == reverse("portal:dashboard")
    assert logged_in_user_id(client)


def test_the_login_page_offers_a_button_for_each_configured_provider(client, oidc):
    page = client.get(reverse("login"), {"next": "/me/"}).content.decode()
    assert 'href="/login/idporten/?next=%2Fme%2F"' in page and "Log in with ID-porten" in page
    assert 'href="/login/office/?next=%2Fme%2F"' in page and "Log in as County Governor staff" in page


def test_a_provider_without_configuration_is_not_offered(client, settings, oidc):
    del settings.OIDC_PROVIDERS["office"]
    page = client.get(reverse("login")).content.decode()
    assert "/login/idporten/" in page and "/login/office/" not in page
    response = client.get(reverse("oidc_login_office"), follow=True)
    refused(response, client, "Logging in through the state's identity provider is not offered on this site.")


def test_an_invited_person_s_first_login_links_their_subject(client, oidc, monkeypatch):
    """An unknown subject: the invitation feature names the user; the subject is linked to it."""
    invited = UserFactory()
    seen = []

    def invitation(request, provider, claims):
        seen.append((provider, claims["sub"]))
        return invited

    monkeypatch.setattr("portal.invitations.user_for_unknown_subject", invitation)
    oidc_login(client, "idporten", "new-person-1")
    assert seen == [(IdentityProvider.IDPORTEN, "new-person-1")]
    assert int(logged_in_user_id(client)) == invited.pk
    assert Identity.objects.get(provider=IdentityProvider.IDPORTEN, subject="new-person-1").user == invited


def test_logout_ends_the_portal_session_and_the_one_at_the_provider(client, oidc, settings):
    """On a shared computer the next person must not be let in as the last: the browser is sent to
    the provider's end-session endpoint with the ID token as hint, and back to the front page."""
    settings.PORTAL_BASE_URL = "http://testserver"
    IdentityFactory(subject="kari-9001")
    oidc_login(client, "idporten", "kari-9001")
    assert logged_in_user_id(client)
    response = client.post(reverse("logout"))
    assert logged_in_user_id(client) is None
    assert response.status_code == 302 and response["Location"].startswith(f"{oidc.issuer}/oauth2/end_session?")
    query = query_of(response["Location"])
    assert query["post_logout_redirect_uri"] == "http://testserver/" and query["id_token_hint"].count(".") == 2
    confirm = httpx.get(response["Location"])  # the provider's own page asks to confirm
    assert confirm.status_code == 200


def test_a_password_login_logs_out_of_the_portal_only(client, settings):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("logout"))
    assert logged_in_user_id(client) is None and response["Location"] == reverse("portal:home")


def test_a_provider_unreachable_at_logout_still_logs_out_of_the_portal(client, oidc, settings):
    IdentityFactory(subject="kari-9001")
    oidc_login(client, "idporten", "kari-9001")
    settings.OIDC_PROVIDERS = {"idporten": {**settings.OIDC_PROVIDERS["idporten"],
                                            "DISCOVERY_URL": f"http://127.0.0.1:{unused_port()}"}}
    response = client.post(reverse("logout"))
    assert logged_in_user_id(client) is None and response["Location"] == reverse("portal:home")


def test_a_provider_announcing_pkce_gets_a_code_challenge(client, oidc):
    """ID-porten requires PKCE: when the discovery document offers S256, the login sends a challenge
    (and the verifier with the code)."""
    IdentityFactory(subject="kari-9001")
    cache_discovery(oidc.issuer, code_challenge_methods_supported=["S256"])
    authorize_url = oidc_start(client, "idporten")
    assert query_of(authorize_url)["code_challenge_method"] == "S256" and query_of(authorize_url)["code_challenge"]
    client.get(local_part(Person().log_in(authorize_url, "kari-9001")))
    assert logged_in_user_id(client)


# --- refusals: each with its message on the login page, never a 400 or a 500 -------------------------

def test_an_unknown_subject_is_refused(client, oidc, caplog):
    with caplog.at_level(logging.WARNING, logger="portal.login_views"):
        response = client.get(callback_after(client, subject="nobody-here"), follow=True)
    refused(response, client, NOT_LINKED)
    assert "Ask your organisation's signatory or the County Governor for an invitation." in messages_of(response)[0]
    assert not Identity.objects.exists()
    assert any(record.levelno == logging.WARNING and "not_linked" in record.getMessage() for record in caplog.records)


def test_an_inactive_user_is_refused(client, oidc):
    IdentityFactory(subject="kari-9001", user__is_active=False)
    response = client.get(callback_after(client), follow=True)
    refused(response, client, "Your user of the portal has been deactivated.")


def test_a_user_deactivated_after_logging_in_is_logged_out(client, oidc):
    identity = IdentityFactory(subject="kari-9001")
    oidc_login(client, "idporten", "kari-9001")
    identity.user.is_active = False
    identity.user.save()
    response = client.get(reverse("portal:dashboard"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_wrong_state_is_refused(client, oidc):
    IdentityFactory(subject="kari-9001")
    callback = callback_after(client)
    state = query_of(callback)["state"]
    response = client.get(callback.replace(f"state={state}", "state=not-the-state"), follow=True)
    refused(response, client, "The login could not be completed.")


def test_an_answer_started_in_another_browser_is_refused(client, client_class, oidc):
    """The callback arrives in a browser whose session never started a login (or lost it)."""
    IdentityFactory(subject="kari-9001")
    callback = callback_after(client)
    other = in_english(client_class())
    response = other.get(callback, follow=True)
    refused(response, other, "The login could not be completed.")


def test_an_answer_used_twice_is_refused_the_second_time(client, oidc):
    IdentityFactory(subject="kari-9001")
    callback = callback_after(client)
    client.get(callback)
    client.post(reverse("logout"))
    response = client.get(callback, follow=True)
    refused(response, client, "The login could not be completed.")


def test_a_wrong_nonce_is_refused(client, oidc):
    """The ID token carries the nonce this login sent; one that differs is someone else's token."""
    IdentityFactory(subject="kari-9001")
    callback = callback_after(client)
    session = client.session
    session["oidc_states"][query_of(callback)["state"]]["nonce"] = "another-nonce"
    session.save()
    response = client.get(callback, follow=True)
    refused(response, client, "The answer from ID-porten could not be verified")


def test_an_expired_id_token_is_refused(client, settings, oidc, oidc_provider_short_lived):
    """Tokens of one second, checked two minutes later (beyond the 30 s of clock skew): expired."""
    settings.OIDC_PROVIDERS["idporten"] = oidc_provider_short_lived.settings_for()
    IdentityFactory(subject="kari-9001")
    callback = callback_after(client)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=2), tick=True):
        response = client.get(callback, follow=True)
    refused(response, client, "The login through ID-porten had expired before it reached the portal.")


def test_the_same_delay_with_a_token_still_valid_logs_in(client, oidc):
    """The control of the test above: a token of an hour, two minutes later, is fine."""
    IdentityFactory(subject="kari-9001")
    callback = callback_after(client)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=2), tick=True):
        client.get(callback)
    assert logged_in_user_id(client)


def test_an_id_token_issued_too_long_ago_is_refused_though_not_expired(client, oidc):
    """`iat` is checked too: a token of an hour, presented ten minutes after it was issued."""
    IdentityFactory(subject="kari-9001")
    callback = callback_after(client)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=10), tick=True):
        response = client.get(callback, follow=True)
    refused(response, client, "had expired before it reached the portal")


def test_an_id_token_signed_with_another_key_is_refused(client, oidc, oidc_provider_short_lived):
    """The discovery document names another provider's keys: the token's signature does not verify."""
    IdentityFactory(subject="kari-9001")
    cache_discovery(oidc.issuer, jwks_uri=f"{oidc_provider_short_lived.issuer}/jwks")
    response = client.get(callback_after(client), follow=True)
    refused(response, client, "The answer from ID-porten could not be verified")


def test_an_id_token_from_another_issuer_is_refused(client, settings, oidc):
    """The portal knows the provider as http://localhost:port; the token says http://127.0.0.1:port."""
    IdentityFactory(subject="kari-9001")
    issuer = oidc.issuer.replace("127.0.0.1", "localhost")
    settings.OIDC_PROVIDERS["idporten"] = {**oidc.settings_for(), "DISCOVERY_URL": issuer}
    cache_discovery(issuer, issuer=issuer)
    response = client.get(callback_after(client), follow=True)
    refused(response, client, "The answer from ID-porten could not be verified")


def test_the_provider_refusing_or_the_person_cancelling_is_told(client, oidc):
    callback = local_part(Person().deny(oidc_start(client, "idporten")))
    assert query_of(callback)["error"] == "access_denied"
    response = client.get(callback, follow=True)
    refused(response, client, "The login through ID-porten was cancelled or refused")


def test_an_unreachable_provider_is_told_when_the_button_is_pressed(client, settings, oidc):
    closed = OidcProvider()
    closed.stop()
    settings.OIDC_PROVIDERS["idporten"] = closed.settings_for()
    response = client.get(reverse("oidc_login_idporten"), {"next": "/me/"}, follow=True)
    refused(response, client, "Login through ID-porten is not available just now")
    assert response.redirect_chain[-1][0] == reverse("login") + "?next=%2Fme%2F"


def test_a_provider_gone_between_the_redirect_and_the_callback_is_told(client, settings, oidc):
    leaving = OidcProvider()
    settings.OIDC_PROVIDERS["idporten"] = leaving.settings_for()
    IdentityFactory(subject="kari-9001")
    callback = callback_after(client)
    leaving.stop()
    response = client.get(callback, follow=True)
    refused(response, client, "Login through ID-porten is not available just now")


def test_a_discovery_document_naming_another_issuer_is_not_used(client, oidc):
    cache_discovery(oidc.issuer, issuer="https://idporten.example")
    response = client.get(reverse("oidc_login_idporten"), follow=True)
    refused(response, client, "Login through ID-porten is not available just now")


# --- the ID token check itself, with real tokens of the provider --------------------------------------

def provider_token(provider, *, client_id: str, nonce: str = "the-nonce", subject: str = "kari-9001") -> str:
    """An ID token the provider issues to `client_id` (the code flow played by hand)."""
    params = {"response_type": "code", "client_id": client_id, "redirect_uri": "http://testserver/cb",
              "scope": "openid", "state": "s", "nonce": nonce}
    answer = Person().log_in(f"{provider.issuer}/oauth2/authorize?{httpx.QueryParams(params)}", subject)
    token = httpx.post(f"{provider.issuer}/oauth2/token", auth=(client_id, "secret"), data={
        "grant_type": "authorization_code", "code": query_of(answer)["code"], "redirect_uri": params["redirect_uri"]})
    return token.json()["id_token"]


def verify(token, nonce="the-nonce"):
    provider = provider_get("idporten")
    return id_token_verify(provider=provider, endpoints=endpoints_for(provider), token=token, nonce=nonce)


def test_a_token_for_this_client_passes_the_check(oidc):
    assert verify(provider_token(oidc, client_id="tilskuddsportalen"))["sub"] == "kari-9001"


def test_a_token_for_another_client_is_refused(oidc):
    with pytest.raises(LoginRefused) as refusal:
        verify(provider_token(oidc, client_id="another-service"))
    assert refusal.value.refusal == Refusal.UNVERIFIED and "Audience" in refusal.value.detail


@pytest.mark.parametrize("algorithm", ["HS256", "none"])
def test_a_token_not_signed_with_the_provider_s_key_is_refused(oidc, algorithm):
    """An HMAC token made with the client secret, or an unsigned one, with every claim right."""
    real = jwt.decode(provider_token(oidc, client_id="tilskuddsportalen"), options={"verify_signature": False})
    forged = jwt.encode(real, TEST_CLIENT_SECRET if algorithm == "HS256" else None, algorithm=algorithm)
    with pytest.raises(LoginRefused) as refusal:
        verify(forged)
    assert refusal.value.refusal == Refusal.UNVERIFIED


def test_a_token_with_another_nonce_is_refused(oidc):
    with pytest.raises(LoginRefused) as refusal:
        verify(provider_token(oidc, client_id="tilskuddsportalen", nonce="someone-else-s"))
    assert refusal.value.refusal == Refusal.UNVERIFIED and "nonce" in refusal.value.detail


# --- password login ---------------------------------------------------------------------------------

def test_password_login_works_while_enabled(client, settings, oidc):
    settings.PASSWORD_LOGIN_ENABLED = True
    user = UserFactory(password="passord-for-test")
    assert 'name="password"' in client.get(reverse("login")).content.decode()
    client.post(reverse("login"), {"username": user.email, "password": "passord-for-test"})
    assert int(logged_in_user_id(client)) == user.pk


def test_with_password_login_off_the_form_is_gone_and_a_posted_password_is_refused_unread(client, settings, oidc):
    settings.PASSWORD_LOGIN_ENABLED = False
    user = UserFactory(password="passord-for-test")
    page = client.get(reverse("login")).content.decode()
    assert 'name="password"' not in page and "Log in with ID-porten" in page
    attempts = []
    user_login_failed.connect(lambda **kwargs: attempts.append(kwargs), dispatch_uid="test-attempts", weak=False)
    try:
        right = client.post(reverse("login"), {"username": user.email, "password": "passord-for-test"}, follow=True)
        client.post(reverse("login"), {"username": user.email, "password": "wrong"})
    finally:
        user_login_failed.disconnect(dispatch_uid="test-attempts")
    refused(right, client, "Logging in with a password is switched off.")
    assert attempts == []  # no password was even checked


def test_with_password_login_off_the_admin_sends_to_the_portal_s_login(client, settings):
    settings.PASSWORD_LOGIN_ENABLED = False
    response = client.get(reverse("admin:login"), {"next": reverse("admin:index")})
    assert response.status_code == 302 and response["Location"] == reverse("login") + "?next=" + reverse("admin:index")
    settings.PASSWORD_LOGIN_ENABLED = True
    assert client.get(reverse("admin:login")).status_code == 200


def test_an_identity_s_subject_is_unique_at_its_provider(db):
    IdentityFactory(subject="same")
    IdentityFactory(subject="same", provider=IdentityProvider.OFFICE)
    with pytest.raises(IntegrityError), transaction.atomic():
        IdentityFactory(subject="same")


@pytest.mark.parametrize("password_login", [True, False])
def test_a_logged_in_person_who_is_no_admin_is_told_so_at_the_admin_not_sent_round_in_circles(
        editor_client, settings, password_login):
    settings.PASSWORD_LOGIN_ENABLED = password_login
    response = in_english(editor_client).get(reverse("admin:index"), follow=True)
    assert response.status_code == 403 and len(response.redirect_chain) <= 2
    assert "Only office and national administrators" in response.content.decode()


def test_the_admin_lists_identities_to_national_admins_only_and_read_only(national_admin_client, office_admin_client):
    identity = IdentityFactory(subject="listed-subject")
    listing = national_admin_client.get(reverse("admin:portal_identity_changelist"))
    assert listing.status_code == 200 and "listed-subject" in listing.content.decode()
    assert national_admin_client.get(reverse("admin:portal_identity_add")).status_code == 403
    page = national_admin_client.get(reverse("admin:portal_identity_change", args=[identity.pk])).content.decode()
    assert 'name="subject"' not in page  # shown, not editable
    assert office_admin_client.get(reverse("admin:portal_identity_changelist")).status_code == 403


def test_a_redis_outage_keeps_nobody_from_logging_in(client, oidc, settings):
    """The discovery document and keys are cached in Redis; without Redis they are fetched again."""
    identity = IdentityFactory(subject="kari-9001")
    with override_settings(CACHES={"default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{unused_port()}/0", "OPTIONS": settings.REDIS_CACHE_OPTIONS}}):
        oidc_login(client, "idporten", "kari-9001")
    assert int(logged_in_user_id(client)) == identity.user_id


def test_id_porten_s_level_of_assurance_is_asked_for_and_checked(client, oidc, settings):
    """With ACR_VALUES set, the login asks for those levels, and an ID token at another level (or
    none) is refused: the request passes the person's browser, which could change what is asked."""
    settings.OIDC_PROVIDERS = {**settings.OIDC_PROVIDERS, "idporten": {
        **settings.OIDC_PROVIDERS["idporten"], "ACR_VALUES": "idporten-loa-substantial idporten-loa-high"}}
    identity = IdentityFactory(subject="kari-9001")
    assert query_of(oidc_start(client, "idporten"))["acr_values"] == "idporten-loa-substantial idporten-loa-high"

    httpx.put(f"{oidc.issuer}/users/kari-9001", json={"acr": "idporten-loa-low"}).raise_for_status()
    refused(oidc_login(client, "idporten", "kari-9001"), client, "not at the level of security")

    httpx.put(f"{oidc.issuer}/users/kari-9001", json={"acr": "idporten-loa-substantial"}).raise_for_status()
    oidc_login(client, "idporten", "kari-9001")
    assert int(logged_in_user_id(client)) == identity.user_id
    httpx.put(f"{oidc.issuer}/users/kari-9001", json={}).raise_for_status()  # as the other tests know kari


def test_a_refused_login_keeps_no_id_token(client, oidc):
    oidc_login(client, "idporten", "nobody-1")
    assert "oidc_id_token" not in client.session and "oidc_provider" not in client.session


def test_a_login_through_the_provider_leaves_the_password_failures_alone_and_deletes_nothing(client, oidc,
                                                                                              client_class):
    """axes counts password failures; a login through the provider neither resets them (the provider
    checked no password of ours) nor runs axes' clean-up queries (issue 13: two DELETEs per login)."""
    identity = IdentityFactory(subject="kari-9001")
    AccessAttempt.objects.create(username=identity.user.email, ip_address="127.0.0.1", user_agent="", failures_since_start=3,
                                 get_data="", post_data="", http_accept="", path_info="/login/")
    authorize_url = oidc_start(client, "idporten")
    callback = local_part(Person().log_in(authorize_url, "kari-9001"))
    with CaptureQueriesContext(connection) as queries:
        client.get(callback)
    assert int(logged_in_user_id(client)) == identity.user.pk
    assert AccessAttempt.objects.get().failures_since_start == 3
    assert not [q for q in queries.captured_queries if "axes_" in q["sql"]]
