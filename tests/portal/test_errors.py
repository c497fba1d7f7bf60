"""The error pages: a database that is unavailable is a 503 that says a retry is safe, in the user's
language; any other error keeps the generic 500 page (tests/faults/test_postgres.py serves it for real)."""

import pytest
from django.db import InterfaceError, OperationalError
from django.utils import translation

from portal.views import server_error


def answer_to(error: BaseException, rf):
    try:
        raise error
    except BaseException:  # noqa: BLE001 - the handler reads the exception being handled, as Django calls it
        return server_error(rf.get("/applications/1/submit/"))


@pytest.mark.parametrize("error", [OperationalError("server closed the connection unexpectedly"),
                                   InterfaceError("connection already closed")])
def test_a_database_that_is_unavailable_is_a_503_saying_a_retry_is_safe(error, rf):
    with translation.override("en"):
        response = answer_to(error, rf)
    assert response.status_code == 503 and response["Retry-After"] == "30"
    text = response.content.decode()
    assert '<html lang="en">' in text
    assert "The service is briefly unavailable" in text
    assert "Trying again is safe: nothing is submitted or sent twice." in text
    assert "connection" not in text  # nothing of the error itself


def test_an_error_caused_by_the_database_being_unavailable_is_a_503_too(rf):
    try:
        raise OperationalError("terminating connection due to administrator command")
    except OperationalError as cause:
        error = RuntimeError("the view gave up")
        error.__cause__ = cause
    assert answer_to(error, rf).status_code == 503


def test_any_other_error_keeps_the_generic_500_page(rf):
    response = answer_to(ValueError("a bug"), rf)
    assert response.status_code == 500
    assert "Noe gikk galt" in response.content.decode()
