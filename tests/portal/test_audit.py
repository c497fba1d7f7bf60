"""The audit trail is append-only in the database itself: neither the ORM nor raw SQL changes or
deletes a row, except inside the explicit, logged `audit_purge`."""

import pytest
from django.contrib import admin
from django.db import DatabaseError, connection, transaction

from applications.models import Application, ApplicationEvent
from people.models import AccessEvent
from portal.audit import audit_purge
from schemes.models import RoundChange, RoundChangeKind
from schemes.services import round_change_record
from tests.applications.factories import ApplicationFactory
from tests.people.factories import AccessEventFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def application_event():
    application = ApplicationFactory()
    return ApplicationEvent.objects.create(application=application, kind="status_changed",
                                           from_status="draft", to_status="submitted")


@pytest.fixture
def access_event():
    return AccessEventFactory()


@pytest.fixture
def round_change(round_):
    return round_change_record(round=round_, user=None, kind=RoundChangeKind.CHANGED,
                               data={"fields": {"budget": {"from": "1", "to": "2"}}})


def refused(action):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        action()


@pytest.mark.parametrize("row", ["application_event", "access_event", "round_change"])
def test_no_row_of_the_audit_trail_is_updated_or_deleted_through_the_orm(request, row):
    event = request.getfixturevalue(row)
    model = type(event)
    refused(lambda: model.objects.filter(pk=event.pk).update(kind="something_else"))
    refused(lambda: model.objects.filter(pk=event.pk).delete())
    event.kind = "something_else"
    refused(event.save)
    refused(event.delete)
    assert model.objects.get(pk=event.pk).kind != "something_else"


@pytest.mark.parametrize("row", ["application_event", "access_event", "round_change"])
def test_nor_through_raw_sql(request, row):
    event = request.getfixturevalue(row)
    table = type(event)._meta.db_table

    def sql(statement):
        def run():
            with connection.cursor() as cursor:
                cursor.execute(statement, [event.pk])
        return run

    refused(sql(f"UPDATE {table} SET kind = 'forged' WHERE id = %s"))
    refused(sql(f"DELETE FROM {table} WHERE id = %s"))
    assert type(event).objects.filter(pk=event.pk).exclude(kind="forged").exists()


def test_deleting_an_application_with_a_history_is_refused(application_event):
    refused(application_event.application.delete)
    assert Application.objects.filter(pk=application_event.application_id).exists()


def test_the_purge_lets_a_whole_application_go_and_says_so(application_event, caplog):
    with audit_purge(reason="a test removes its application"):
        application_event.application.delete()
    assert not ApplicationEvent.objects.filter(pk=application_event.pk).exists()
    assert "a test removes its application" in caplog.text
    # and the door is shut again for the rest of the transaction
    other = AccessEventFactory()
    refused(lambda: AccessEvent.objects.filter(pk=other.pk).delete())


def test_a_purge_needs_a_reason():
    with pytest.raises(ValueError), audit_purge(reason=""):
        pass


def test_new_rows_are_still_written(round_):
    before = RoundChange.objects.count()
    round_change_record(round=round_, user=None, kind=RoundChangeKind.CREATED)
    assert RoundChange.objects.count() == before + 1


@pytest.mark.parametrize("model", [ApplicationEvent, AccessEvent, RoundChange])
def test_no_page_of_the_admin_edits_the_audit_trail(model):
    assert not admin.site.is_registered(model)
