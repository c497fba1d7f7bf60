"""Lockout after repeated failed password logins (django-axes): per e-mail address and client address,
a page in the portal's layout saying when to try again, the same for an address nobody has, and
nothing counted for logins without a password (OpenID Connect)."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.test import RequestFactory
from django.urls import reverse

from portal.login_protection import client_ip
from tests.helpers import in_english, page_text, visible_text
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db

OSLO = dt.timezone(dt.timedelta(hours=1))
START = dt.datetime(2026, 3, 10, 10, 0, tzinfo=OSLO)
EMAIL, PASSWORD = "kari@bodo.kommune.example", "passord-for-test"


def log_in(client, email=EMAIL, password=PASSWORD, **extra):
    return client.post(reverse("login"), {"username": email, "password": password}, **extra)


def fail(client, times, email=EMAIL, **extra):
    for _ in range(times):
        response = log_in(client, email, "wrong password", **extra)
        assert response.status_code == 200  # the form again, with its error
    return response


@pytest.fixture
def kari(db):
    return UserFactory(email=EMAIL)


def test_five_failures_lock_the_address_out_for_fifteen_minutes_with_a_page_saying_until_when(client, kari):
    in_english(client)
    with time_machine.travel(START, tick=False) as clock:
        fail(client, 4)
        locked = log_in(client, password="wrong password")
        assert locked.status_code == 429
        text = page_text(locked)
        assert "Too many failed attempts" in text and "until 10:15" in text
        assert 'href="/static/' in locked.content.decode()  # the portal's layout, not axes' bare text

        clock.shift(dt.timedelta(minutes=10))
        assert log_in(client).status_code == 429  # even the right password
        assert "until 10:15" in page_text(log_in(client))  # trying again does not move the time

        clock.shift(dt.timedelta(minutes=5, seconds=1))
        response = log_in(client)
        assert response.status_code == 302 and client.session["_auth_user_id"] == str(kari.pk)


def test_the_lockout_page_is_in_the_users_language(client, kari):
    fail(client, 4)
    locked = log_in(client, password="wrong password")
    assert locked.status_code == 429
    assert '<html lang="nb">' in locked.content.decode()


def test_an_address_nobody_has_is_locked_out_the_same_way(client, kari):
    """No user enumeration: the answers do not tell whether an address is someone's."""
    in_english(client)
    with time_machine.travel(START, tick=False):
        fail(client, 4, email="nobody@example.org")
        unknown = log_in(client, email="nobody@example.org", password="wrong")
        fail(client, 4)
        known = log_in(client, password="wrong")
    assert unknown.status_code == known.status_code == 429
    assert visible_text(unknown) == visible_text(known)


def test_an_address_in_other_case_counts_as_the_same(client, kari):
    for email in ["KARI@bodo.kommune.example", "Kari@Bodo.Kommune.Example", " kari@bodo.kommune.example",
                  "kari@BODO.kommune.example"]:
        fail(client, 1, email=email)
    assert log_in(client, email="kari@bodo.kommune.EXAMPLE", password="wrong").status_code == 429


def test_the_lockout_is_per_client_address_and_per_e_mail_address(client, client_class, kari):
    ola = UserFactory(email="ola@bodo.kommune.example")
    fail(client, 4)
    assert log_in(client, password="wrong").status_code == 429
    assert log_in(client).status_code == 429
    assert log_in(client, email=ola.email).status_code == 302  # another person, same network
    assert log_in(client_class(), REMOTE_ADDR="10.1.2.3").status_code == 302  # same person, another network


def test_a_successful_login_forgets_the_failures_before_it(client, client_class, kari):
    fail(client, 4)
    assert log_in(client).status_code == 302
    client.post(reverse("logout"))
    fail(client, 4)
    assert log_in(client).status_code == 302


def test_a_login_without_a_password_is_neither_counted_nor_refused(kari):
    """OpenID Connect logins reach authenticate() with the request and no password: axes leaves them
    to the provider (it checks the password, and locks out on its own)."""
    from axes.models import AccessAttempt

    request = RequestFactory().post("/login/oidc/callback/")
    for _ in range(10):
        assert authenticate(request=request) is None
    assert not AccessAttempt.objects.exists()


def test_the_lockout_counts_attempts_made_through_authenticate_with_a_request(kari):
    request = HttpRequest()
    request.META["REMOTE_ADDR"] = "192.0.2.7"
    for _ in range(5):
        assert authenticate(request=request, username=EMAIL, password="wrong") is None
    assert authenticate(request=request, username=EMAIL, password=PASSWORD) is None  # locked out


# --- the client's address behind a proxy ----------------------------------------------------------------

def request_with(remote="10.0.0.1", **headers):
    return RequestFactory().get("/", REMOTE_ADDR=remote, **headers)


def test_without_a_proxy_setting_the_connections_address_counts_and_headers_are_ignored(settings):
    settings.CLIENT_IP_HEADER = ""
    assert client_ip(request_with(HTTP_X_FORWARDED_FOR="203.0.113.9")) == "10.0.0.1"


@pytest.mark.parametrize("forwarded, proxies, expected", [
    ("203.0.113.9", 1, "203.0.113.9"),
    ("1.2.3.4, 203.0.113.9", 1, "203.0.113.9"),  # the client wrote 1.2.3.4 itself: not believed
    ("1.2.3.4, 203.0.113.9, 10.0.0.5", 2, "203.0.113.9"),  # two proxies of ours
    ("2001:db8::1", 1, "2001:db8::1"),
    ("", 1, "10.0.0.1"),  # the header is missing: the connection's address
    ("203.0.113.9", 2, "10.0.0.1"),  # fewer hops than proxies: not to be trusted
    ("not-an-address", 1, "10.0.0.1"),
])
def test_behind_a_proxy_the_address_is_read_from_the_right_of_its_header(settings, forwarded, proxies, expected):
    settings.CLIENT_IP_HEADER, settings.CLIENT_IP_PROXY_COUNT = "X-Forwarded-For", proxies
    assert client_ip(request_with(HTTP_X_FORWARDED_FOR=forwarded)) == expected


def test_behind_a_proxy_each_client_is_locked_out_on_its_own(settings, client, client_class, kari):
    settings.CLIENT_IP_HEADER = "X-Forwarded-For"
    fail(client, 4, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert log_in(client, password="wrong", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 429
    assert log_in(client, HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 429
    # the same proxy (REMOTE_ADDR), another client behind it
    assert log_in(client_class(), HTTP_X_FORWARDED_FOR="198.51.100.4").status_code == 302
    # a spoofed left-hand entry does not escape the lockout
    assert log_in(client_class(), HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.9").status_code == 429
