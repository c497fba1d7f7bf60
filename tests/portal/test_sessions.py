"""Sessions: read from the cache (no session row read on a page view), kept through a Redis outage,
ended after an idle hour or twelve hours in all, and ended everywhere by `sessions_end`."""

import datetime as dt
import logging
from unittest import mock

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.crypto import salted_hmac

from portal.services import sessions_end
from portal.sessions import SessionStore
from tests.helpers import in_english, messages_of
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db

OSLO = dt.timezone(dt.timedelta(hours=1))
START = dt.datetime(2026, 3, 10, 8, 0, tzinfo=OSLO)
PAGE = "/me/notifications/"  # a page only a logged-in user sees


def logged_in(client_class, user):
    client = client_class()
    client.force_login(user)
    return client


def is_logged_in(client) -> bool:
    response = client.get(PAGE)
    assert response.status_code in (200, 302)
    return response.status_code == 200


def session_queries(captured) -> list[str]:
    return [query["sql"] for query in captured if "django_session" in query["sql"]]




# --- read from the cache -----------------------------------------------------------------------------

def test_a_page_view_reads_no_session_row_when_the_cache_has_the_session(client):
    client.force_login(UserFactory())
    with CaptureQueriesContext(connection) as queries:
        assert is_logged_in(client)
    assert session_queries(queries.captured_queries) == []


def test_without_the_cache_the_session_is_read_from_the_database(client):
    """The other side of the test above: the row is there, and a cold cache reads it (once)."""
    from django.core.cache import cache

    client.force_login(UserFactory())
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert is_logged_in(client)
    assert len(session_queries(queries.captured_queries)) == 1
    with CaptureQueriesContext(connection) as queries:
        assert is_logged_in(client)
    assert session_queries(queries.captured_queries) == []


@pytest.mark.redis
def test_with_redis_a_page_view_reads_no_session_row(client, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": settings.REDIS_URL}}
    client.force_login(UserFactory())
    with CaptureQueriesContext(connection) as queries:
        assert is_logged_in(client)
    assert session_queries(queries.captured_queries) == []


# --- a Redis outage ----------------------------------------------------------------------------------

def test_a_redis_outage_logs_nobody_out(client_class, redis_down, caplog):
    user = UserFactory()
    client = logged_in(client_class, user)
    with caplog.at_level(logging.WARNING, logger="portal.sessions"):
        response = client.get(PAGE)
    assert response.status_code == 200 and response.wsgi_request.user == user
    assert any("Session cache unavailable" in record.getMessage() for record in caplog.records)


def test_during_a_redis_outage_one_can_log_in_and_out(client, redis_down):
    user = UserFactory(email="kari@bodo.kommune.example")
    response = client.post(reverse("login"), {"username": user.email, "password": "passord-for-test"})
    assert response.status_code == 302 and is_logged_in(client)
    assert client.post(reverse("logout")).status_code == 302
    assert not is_logged_in(client)


def test_a_session_made_during_an_outage_works_when_redis_is_back(client_class, settings, redis_down):
    client = logged_in(client_class, UserFactory())
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "back"}}
    assert is_logged_in(client)


# --- idle and absolute expiry --------------------------------------------------------------------------

def test_a_session_unused_for_the_idle_timeout_ends_and_the_login_page_says_why(client_class):
    with time_machine.travel(START, tick=False) as clock:
        client = in_english(logged_in(client_class, UserFactory()))
        clock.shift(dt.timedelta(minutes=59))
        assert is_logged_in(client)
        clock.shift(dt.timedelta(seconds=settings.SESSION_IDLE_TIMEOUT + settings.SESSION_ACTIVITY_RESOLUTION + 1))
        response = client.get(PAGE)
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('login')}?next={PAGE}"
        login_page = client.get(response["Location"])
    assert "You were logged out after 60 minutes without activity." in messages_of(login_page)
    assert not is_logged_in(client)


def test_nobody_is_logged_out_before_the_idle_timeout_of_real_inactivity(client_class):
    """'Last seen' is written at most every few minutes: a request just after a write is not written
    down, and the idle limit allows for that."""
    resolution = dt.timedelta(seconds=settings.SESSION_ACTIVITY_RESOLUTION)
    idle = dt.timedelta(seconds=settings.SESSION_IDLE_TIMEOUT)
    with time_machine.travel(START, tick=False) as clock:
        client = logged_in(client_class, UserFactory())
        clock.shift(resolution - dt.timedelta(seconds=1))
        assert is_logged_in(client)  # not written down: within the resolution of the login
        clock.shift(idle)
        assert is_logged_in(client)  # exactly the idle limit since that last request


def test_an_active_user_stays_logged_in_without_a_session_write_on_each_request(client_class):
    with time_machine.travel(START, tick=False) as clock:
        client = logged_in(client_class, UserFactory())
        writes = 0
        for _ in range(30):  # two hours, a request every four minutes
            clock.shift(dt.timedelta(minutes=4))
            with CaptureQueriesContext(connection) as queries:
                assert is_logged_in(client)
            writes += len([sql for sql in session_queries(queries.captured_queries) if sql.startswith("UPDATE")])
    assert 0 < writes <= 15


def test_a_login_lasts_at_most_the_session_cookie_age_however_active(client_class):
    with time_machine.travel(START, tick=False) as clock:
        client = in_english(logged_in(client_class, UserFactory()))
        for _ in range(settings.SESSION_COOKIE_AGE // (30 * 60)):
            clock.shift(dt.timedelta(minutes=30))
            assert is_logged_in(client)
        clock.shift(dt.timedelta(minutes=1))
        response = client.get(PAGE, follow=True)
    assert response.request["PATH_INFO"] == reverse("login")
    assert "You were logged out because a login lasts at most 12 hours. Please log in again." in messages_of(response)


def test_a_form_sent_after_the_idle_timeout_goes_to_the_login_page_not_an_error(client_class):
    with time_machine.travel(START, tick=False) as clock:
        client = logged_in(client_class, UserFactory())
        clock.shift(dt.timedelta(hours=3))
        response = client.post(reverse("portal:notifications_read"))
    assert response.status_code == 302 and response["Location"] == reverse("login")


# --- logout everywhere ---------------------------------------------------------------------------------

def test_sessions_end_logs_the_user_out_everywhere_and_nobody_else(client_class):
    kari, ola = UserFactory(), UserFactory()
    laptop, phone, other = logged_in(client_class, kari), logged_in(client_class, kari), logged_in(client_class, ola)
    assert is_logged_in(laptop) and is_logged_in(phone)

    sessions_end(user=kari)

    assert not is_logged_in(laptop)
    assert not is_logged_in(phone)
    assert is_logged_in(other)
    assert is_logged_in(logged_in(client_class, kari))  # a new login works


def test_sessions_end_works_for_a_user_without_a_password(client_class):
    """People who log in through OpenID Connect have no usable password."""
    user = UserFactory(password=None)
    user.set_unusable_password()
    user.save()
    client = logged_in(client_class, user)
    assert is_logged_in(client)
    sessions_end(user=user)
    assert not is_logged_in(client)


def test_sessions_end_during_a_redis_outage_still_logs_out(client_class, redis_down):
    user = UserFactory()
    client = logged_in(client_class, user)
    sessions_end(user=user)
    assert not is_logged_in(client)


def test_sessions_made_before_the_epoch_existed_stay_valid():
    """At epoch 0 the hash is Django's own (AbstractBaseUser's): deploying this logs nobody out."""
    user = UserFactory()
    djangos_own = salted_hmac("django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash",
                              user.password, algorithm="sha256").hexdigest()
    assert user.get_session_auth_hash() == djangos_own
    sessions_end(user=user)
    assert user.get_session_auth_hash() != djangos_own


def test_a_user_set_inactive_in_the_admin_is_logged_out_everywhere(client_class):
    """(Office and national admins deactivate on the people pages; a technical operator may here.)"""
    from tests.helpers import parse

    national_admin_client = client_class()
    national_admin_client.force_login(UserFactory(is_superuser=True, is_staff=True))
    user = UserFactory()
    client = logged_in(client_class, user)
    change = reverse("admin:portal_user_change", args=[user.pk])
    page = national_admin_client.get(change)
    form = next(f["_fields"] for f in parse(page).forms if "email" in f["_fields"])
    data = {name: values if len(values) != 1 else values[0] for name, values in form.items() if values != []}
    data.pop("is_active", None)
    response = national_admin_client.post(change, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    user.refresh_from_db()
    assert not user.is_active and user.session_epoch == 1
    assert not is_logged_in(client)


def test_a_new_session_is_one_insert_and_a_key_that_is_taken_is_drawn_again(client):
    """No look-up before a new session's row is inserted (the insert itself refuses a key in use), and
    a session ended is one DELETE."""
    taken = SessionStore()
    taken.create()
    store = SessionStore()
    with mock.patch("portal.sessions.get_random_string", side_effect=[taken.session_key, "b" * 32]), \
            CaptureQueriesContext(connection) as queries:
        store.create()
    assert store.session_key == "b" * 32
    assert [q["sql"].split()[0] for q in queries.captured_queries if "django_session" in q["sql"]] == [
        "INSERT", "INSERT"]  # the taken key's insert refused, then the new one
    with CaptureQueriesContext(connection) as queries:
        store.delete()
    assert [q["sql"].split()[0] for q in queries.captured_queries if "django_session" in q["sql"]] == ["DELETE"]
    assert set(Session.objects.values_list("session_key", flat=True)) == {taken.session_key}
