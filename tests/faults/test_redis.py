"""Redis down under the portal (the fault tests' own Redis, tests/faults/processes.py, as cache,
session cache and Celery broker): pages work and nobody is logged out (sessions come from the
database, the cache is a miss), what a page queues is not lost (the catch-up queues it once Redis is
back), and the user is told what concerns them, never of the broker."""

import datetime as dt
import json
import logging

import pytest
import redis
import time_machine
from django.core.cache import cache
from django.utils import timezone

from applications.models import Application, ApplicationStatus, Receipt
from applications.tasks import receipts_catch_up_task
from config.celery import app
from config.settings import base
from people.models import Invitation
from people.tasks import invitations_catch_up_task
from portal.mail import FIRST_TRY
from portal.models import Role
from tests.applications.factories import ApplicationFactory, InnovationProjectFactory
from tests.helpers import in_english, messages_of, url
from tests.portal.factories import MembershipFactory

pytestmark = [pytest.mark.redis, pytest.mark.django_db]

BROKER_WORDS = ("Error 111", "Connection refused", "Redis", "broker", "OperationalError")


def _celery_use(*, broker_url: str, result_backend: str, eager: bool) -> None:
    """Point the Celery app at another Redis: its connection pools and result backend are made again."""
    app._pool = None
    app.amqp._producer_pool = None
    app._backend_cache = None
    app._local.__dict__.pop("backend", None)
    app.conf.broker_url = broker_url
    app.conf.result_backend = result_backend
    app.conf.task_always_eager = eager


@pytest.fixture
def on_local_redis(settings, redis_instance):
    """The portal's cache (so its session cache) and Celery broker are the fault tests' Redis, and tasks
    are queued for real instead of run at once."""
    settings.CACHES = {"default": {**base.CACHES["default"], "LOCATION": redis_instance.url}}  # production's
    before = {"broker_url": app.conf.broker_url, "result_backend": app.conf.result_backend,
              "eager": app.conf.task_always_eager}
    _celery_use(broker_url=redis_instance.url, result_backend=redis_instance.url, eager=False)
    yield redis_instance
    _celery_use(**before)


def queued(redis_instance) -> list[tuple[str, str]]:
    """(task name, its arguments) of each message waiting in the broker's default queue."""
    messages = redis.Redis.from_url(redis_instance.url).lrange("celery", 0, -1)
    return [(message["headers"]["task"], message["headers"]["argsrepr"]) for message in map(json.loads, messages)]


def test_pages_work_and_nobody_is_logged_out_while_redis_is_down(client, on_local_redis, organisation, caplog):
    signatory = MembershipFactory(role=Role.SIGNATORY, organisation=organisation).user
    signatory.set_password("a-long-enough-password")
    signatory.save()
    client.force_login(signatory)  # the session is in Redis and in the database
    assert client.get(url("portal:dashboard")).status_code == 200

    on_local_redis.stop()
    with caplog.at_level(logging.WARNING):
        home = client.get(url("portal:dashboard"))
        assert home.status_code == 200 and home.wsgi_request.user == signatory  # read from the database
        assert client.get("/open-data/v1/rounds.json").status_code == 200  # the cache is a miss
        client.post(url("logout"))
        # a new login during the outage: its session is written to the database alone
        login = client.post(url("login"), {"username": signatory.email, "password": "a-long-enough-password"})
        assert login.status_code == 302
        assert client.get(url("portal:dashboard")).wsgi_request.user == signatory
    warnings = [record.getMessage() for record in caplog.records if record.levelno == logging.WARNING]
    assert any(message.startswith("Cache unavailable") for message in warnings)

    on_local_redis.start()  # back: the session made during the outage is read from the database
    assert client.get(url("portal:dashboard")).wsgi_request.user == signatory


def test_a_submission_while_redis_is_down_is_stored_and_its_receipt_goes_when_redis_is_back(
        signatory_client, on_local_redis, round_, organisation, django_capture_on_commit_callbacks, caplog):
    client = in_english(signatory_client)
    application = ApplicationFactory(round=round_, organisation=organisation, complete=True)
    InnovationProjectFactory(application=application, priority_rank=1)

    on_local_redis.stop()
    with django_capture_on_commit_callbacks(execute=True), caplog.at_level(logging.ERROR):
        response = client.post(url("applications:submit", application), follow=True)
    assert response.status_code == 200
    # the user is told what concerns them: it is submitted, the receipt comes by e-mail
    assert messages_of(response) == ["The application is submitted. A receipt is on its way by e-mail to the "
                                     "signatory and the contact person."]
    assert not any(word in response.content.decode() for word in BROKER_WORDS)
    application.refresh_from_db()
    assert (application.status, application.submission_count) == (ApplicationStatus.SUBMITTED, 1)
    assert not Receipt.objects.filter(application=application).exists()
    # logged at ERROR (with the traceback), not shown; and the broker's refusal itself, at once: not the
    # result store's twenty seconds of retries (CELERY_TASK_IGNORE_RESULT)
    errors = [record.getMessage() for record in caplog.records if record.levelno == logging.ERROR]
    assert any("application_submit" in error and "Connection refused" in error for error in errors), errors

    on_local_redis.start()
    assert queued(on_local_redis) == []  # the queuing was lost with the outage...
    with time_machine.travel(timezone.now() + FIRST_TRY + dt.timedelta(minutes=1)):
        assert receipts_catch_up_task() == 1  # ...and the catch-up queues it again, once
    assert queued(on_local_redis) == [("applications.receipt", f"({application.pk}, 1)")]
    assert Application.objects.get(pk=application.pk).submission_count == 1


def test_an_invitation_made_while_redis_is_down_is_e_mailed_when_redis_is_back(
        office_admin_client, on_local_redis, organisation, django_capture_on_commit_callbacks):
    client = in_english(office_admin_client)
    on_local_redis.stop()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("people:organisation_invite", organisation_pk=organisation.pk),
                               {"email": "ny.redaktor@kommune.example", "role": Role.EDITOR}, follow=True)
    assert response.status_code == 200
    assert not any(word in response.content.decode() for word in BROKER_WORDS)
    invitation = Invitation.objects.get(email="ny.redaktor@kommune.example")

    on_local_redis.start()
    with time_machine.travel(timezone.now() + FIRST_TRY + dt.timedelta(minutes=1)):
        assert invitations_catch_up_task() == 1
    assert queued(on_local_redis) == [("people.invitation_email", f"({invitation.pk}, 1)")]


def test_every_cache_call_is_a_miss_or_a_no_op_while_redis_is_down(on_local_redis, caplog):
    cache.set("kept", 1)
    assert cache.get("kept") == 1
    on_local_redis.stop()
    with caplog.at_level(logging.WARNING, logger="portal.cache"):
        assert cache.get("kept") is None and cache.get("kept", "default") == "default"
        assert cache.get_many(["kept", "other"]) == {}
        assert "kept" not in cache
        assert cache.add("new", 1) is False
        assert cache.get_or_set("computed", lambda: 42) == 42  # computed again, as after a miss
        cache.set("kept", 2)
        assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
        assert cache.touch("kept") is False
        assert cache.delete("kept") is False
        cache.delete_many(["a", "b"])
        assert cache.clear() is False
    assert len([r for r in caplog.records if r.getMessage().startswith("Cache unavailable")]) >= 11
    on_local_redis.start()  # back: the same client connects again and the cache is used as before
    assert cache.get("kept") is None  # (the restarted Redis is empty)
    cache.set("back", 1)
    assert cache.get("back") == 1
