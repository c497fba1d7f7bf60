"""PostgreSQL restarted under the portal (gunicorn, tests/faults/processes.py): a connection that
died while idle is replaced without the user noticing (CONN_HEALTH_CHECKS), and a submission whose
connection is cut in the middle ends in the 503 page in the user's language; sent again, it submits
exactly once, with one receipt."""

import threading
import time

import httpx
import psycopg2
import pytest
from django.conf import settings

# django_db: the portal's database is copied from the run's test database, which pytest-django makes
# only when a collected test asks for it
pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

ENGLISH = {settings.LANGUAGE_COOKIE_NAME: "en"}


def browser(server) -> httpx.Client:
    """The signatory's browser: their session, English pages, and the CSRF cookie of a first page."""
    client = httpx.Client(base_url=server.base_url, timeout=60, follow_redirects=False,
                          cookies={settings.SESSION_COOKIE_NAME: server.scenario["session"], **ENGLISH})
    assert client.get(server.scenario["page"]).status_code == 200
    return client


def submit(client, application_id: int) -> httpx.Response:
    return client.post(f"/applications/{application_id}/submit/",
                       data={"csrfmiddlewaretoken": client.cookies[settings.CSRF_COOKIE_NAME]},
                       headers={"Referer": f"{client.base_url}/applications/{application_id}/check/"})


def query(postgres, sql: str, *args):
    with psycopg2.connect(postgres.url("portal")) as connection, connection.cursor() as cursor:
        cursor.execute(sql, args)
        return cursor.fetchall()


def waiting_on_a_lock(postgres) -> bool:
    return bool(query(postgres, "SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pid <> "
                                "pg_backend_pid()"))


def test_a_connection_that_died_while_idle_is_replaced_unnoticed(portal_server, postgres_instance):
    client = browser(portal_server)  # the worker now holds a persistent connection (CONN_MAX_AGE)
    postgres_instance.restart()  # ...which the restart has cut
    page = client.get(portal_server.scenario["page"])
    assert page.status_code == 200  # the health check found it dead and connected again


def test_while_the_database_is_down_every_page_is_the_503_page_and_then_works_again(portal_server,
                                                                                    postgres_instance):
    client = browser(portal_server)
    postgres_instance.stop()
    for path in (portal_server.scenario["page"], "/"):
        page = client.get(path)
        assert page.status_code == 503 and "The service is briefly unavailable" in page.text
    postgres_instance.start()
    assert client.get(portal_server.scenario["page"]).status_code == 200


def test_a_submission_cut_off_by_a_restart_fails_cleanly_and_the_retry_submits_once(portal_server,
                                                                                    postgres_instance):
    application_id = portal_server.scenario["application"]
    client = browser(portal_server)
    # Hold the application's row, so the submission waits for its lock inside its transaction: the
    # restart then cuts it in the middle, at a known point, every time.
    holder = psycopg2.connect(postgres_instance.url("portal"))
    holder.cursor().execute("SELECT 1 FROM applications_application WHERE id = %s FOR UPDATE", [application_id])
    answers = []
    request = threading.Thread(target=lambda: answers.append(submit(client, application_id)))
    request.start()
    deadline = time.monotonic() + 20
    while not waiting_on_a_lock(postgres_instance):
        assert time.monotonic() < deadline, "the submission never reached the application's lock"
        time.sleep(0.05)
    postgres_instance.restart()
    request.join(timeout=60)
    holder.close()

    failed = answers[0]
    assert failed.status_code == 503
    assert failed.headers["Retry-After"] == "30"
    assert "The service is briefly unavailable" in failed.text
    assert "Trying again is safe: nothing is submitted or sent twice." in failed.text
    assert "Traceback" not in failed.text and "OperationalError" not in failed.text
    assert query(postgres_instance, "SELECT status, submission_count FROM applications_application WHERE id = %s",
                 application_id) == [("draft", 0)]

    retried = submit(client, application_id)
    assert retried.status_code == 302
    page = client.get(retried.headers["Location"])
    assert "The application is submitted." in page.text
    again = submit(client, application_id)  # the user's back button and a second click
    assert again.status_code == 302
    assert "it was not sent twice" in client.get(again.headers["Location"]).text

    assert query(postgres_instance, "SELECT status, submission_count FROM applications_application WHERE id = %s",
                 application_id) == [("submitted", 1)]
    assert query(postgres_instance, "SELECT count(*) FROM applications_applicationevent WHERE application_id = %s "
                                    "AND to_status = 'submitted'", application_id) == [(1,)]
    assert query(postgres_instance, "SELECT count(*) FROM applications_receipt WHERE application_id = %s "
                                    "AND pdf <> ''", application_id) == [(1,)]
