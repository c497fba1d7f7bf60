"""Requesting and making archive copies: the first when the decision is sent (after commit),
made once however often the task runs, a new version only on purpose (the office admin, with a
reason, the old versions kept), and the catch-up for lost tasks. The PDF's own content is
test_copy's: here its rendering is replaced by a minimal PDF, counted."""

import datetime as dt

import pytest
from django.utils import timezone

from archive.exceptions import ArchiveError
from archive.making import archive_copies_catch_up
from archive.models import ArchiveCopy
from archive.services import archive_copy_request_new
from archive.tasks import archive_catch_up_task, archive_copy_task
from casework.workflow import DECISION
from portal.models import Role
from tests.applications.factories import MINIMAL_PDF, staff
from tests.archive.factories import archived_case, first_copy
from tests.casework.factories import DecisionFactory, letter_stored
from tests.helpers import stub_task


@pytest.fixture
def renders(monkeypatch):
    """Each rendering of an archive PDF, recorded; a minimal PDF instead of seconds of WeasyPrint."""
    calls = []

    def render(case, *, made_at=None, version=1):
        calls.append((case["decision"].pk, version))
        return MINIMAL_PDF

    monkeypatch.setattr("archive.making.archive_pdf", render)
    return calls


def test_sending_the_decision_requests_the_first_copy_after_commit(round_, django_capture_on_commit_callbacks,
                                                                  monkeypatch):
    queued = stub_task(monkeypatch, "archive.tasks.archive_copy_task")
    decision = DecisionFactory(round=round_, approved=True)
    letter_stored(decision)
    assert not ArchiveCopy.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        DECISION.perform(decision, "send", user=decision.test_caseworker)
    copy = first_copy(decision)
    assert (copy.version, copy.requested_by, copy.is_made) == (1, None, False)
    assert queued.first_args == [copy.pk]


def test_approving_requests_no_copy(round_):
    DecisionFactory(round=round_, approved=True)
    assert not ArchiveCopy.objects.exists()


def test_the_task_makes_the_copy_once(round_, renders):
    decision = archived_case(round_)
    copy = first_copy(decision)
    assert archive_copy_task.delay(copy.pk).get() == copy.pk
    copy.refresh_from_db()
    made = (copy.pdf.name, copy.pdf_sha256, copy.metadata.name, copy.made_at)
    assert copy.is_made and copy.metadata_sha256

    assert archive_copy_task.delay(copy.pk).get() == copy.pk  # again: nothing is made
    copy.refresh_from_db()
    assert (copy.pdf.name, copy.pdf_sha256, copy.metadata.name, copy.made_at) == made
    assert renders == [(decision.pk, 1)]
    assert ArchiveCopy.objects.filter(decision=decision).count() == 1


def test_a_second_send_requests_no_second_copy(round_):
    decision = archived_case(round_)
    outcome = DECISION.perform(decision, "send", user=decision.test_caseworker)
    assert not outcome.performed
    assert ArchiveCopy.objects.filter(decision=decision).count() == 1


@pytest.fixture
def office_admin(round_):
    return staff(round_.office, Role.OFFICE_ADMIN)


def test_a_new_version_only_on_purpose_keeps_the_old(round_, renders, office_admin, django_capture_on_commit_callbacks):
    decision = archived_case(round_)
    archive_copy_task.delay(first_copy(decision).pk)
    old = first_copy(decision)
    with django_capture_on_commit_callbacks(execute=True):
        new = archive_copy_request_new(decision=decision, user=office_admin, reason="Klagen er behandlet.")
    new.refresh_from_db()
    assert (new.version, new.requested_by, new.reason, new.is_made) == (2, office_admin, "Klagen er behandlet.", True)
    old.refresh_from_db()
    assert old.is_made and old.pdf.name != new.pdf.name and old.pdf.storage.exists(old.pdf.name)
    assert renders == [(decision.pk, 1), (decision.pk, 2)]


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.APPROVER])
def test_only_the_office_admin_makes_a_new_version(round_, renders, role):
    decision = archived_case(round_)
    archive_copy_task.delay(first_copy(decision).pk)
    with pytest.raises(ArchiveError):
        archive_copy_request_new(decision=decision, user=staff(round_.office, role), reason="Feil i kopien.")
    assert ArchiveCopy.objects.filter(decision=decision).count() == 1


def test_another_offices_admin_makes_no_new_version(round_, renders):
    decision = archived_case(round_)
    archive_copy_task.delay(first_copy(decision).pk)
    other = DecisionFactory(sent=True).application.round.office
    with pytest.raises(ArchiveError):
        archive_copy_request_new(decision=decision, user=staff(other, Role.OFFICE_ADMIN), reason="Feil.")


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_new_version_needs_a_reason(round_, renders, office_admin, reason):
    decision = archived_case(round_)
    archive_copy_task.delay(first_copy(decision).pk)
    with pytest.raises(ArchiveError):
        archive_copy_request_new(decision=decision, user=office_admin, reason=reason)
    assert ArchiveCopy.objects.filter(decision=decision).count() == 1


def test_no_new_version_while_one_is_being_made(round_, office_admin):
    decision = archived_case(round_)  # its first copy is requested, not made
    with pytest.raises(ArchiveError):
        archive_copy_request_new(decision=decision, user=office_admin, reason="Enda en.")


def test_the_database_refuses_a_later_version_without_who_and_why(round_):
    from django.db import IntegrityError

    decision = archived_case(round_)
    with pytest.raises(IntegrityError):
        ArchiveCopy.objects.create(decision=decision, version=2)


def test_the_catch_up_makes_what_a_lost_task_left(round_, renders, monkeypatch):
    lost = archived_case(round_)  # requested long ago, its task lost
    ArchiveCopy.objects.filter(decision=lost).update(requested_at=timezone.now() - dt.timedelta(minutes=11))
    recent = archived_case(round_)  # its task may still be on its way
    before = archived_case(round_)  # sent before the archive existed: no copy at all
    ArchiveCopy.objects.filter(decision=before).delete()
    made = archived_case(round_)
    archive_copy_task.delay(first_copy(made).pk)
    ArchiveCopy.objects.filter(decision=made).update(requested_at=timezone.now() - dt.timedelta(hours=1))

    assert archive_copies_catch_up() == sorted([first_copy(lost).pk, first_copy(before).pk])
    assert not first_copy(recent).is_made

    # the periodic task queues them; the copy it requested just now is not yet "lost" on its next run
    queued = stub_task(monkeypatch, "archive.tasks.archive_copy_task")
    assert archive_catch_up_task() == 1
    assert queued.first_args == [first_copy(lost).pk]
