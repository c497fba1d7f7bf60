"""Requesting and making archive copies: the first when the decision is sent (after commit),
made once however often the task runs (rendered with no lock held; a second run's render thrown
away), a new version only on purpose (the office admin, with a reason, the old versions kept; also
when the latest failed), and the catch-up for lost tasks (in batches, waiting from the last queuing,
giving up after the retry window). The PDF's own content is test_copy's: here its rendering is
replaced by a minimal PDF, counted."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.utils import timezone

from archive.exceptions import ArchiveError, ArchiveNotReady
from archive.making import archive_copies_catch_up, archive_copy_make
from archive.models import ArchiveCopy, ArchiveFile
from archive.services import archive_copy_request_new
from archive.tasks import archive_catch_up_task, archive_copy_task
from casework.workflow import DECISION
from portal.mail import RETRY_FOR
from portal.models import Role
from tests.applications.factories import MINIMAL_PDF, ReceiptFactory, staff
from tests.archive.factories import archived_case, first_copy
from tests.casework.factories import DecisionFactory, letter_stored
from tests.helpers import stub_task


@pytest.fixture
def renders(monkeypatch):
    """Each rendering of an archive PDF, recorded; a minimal PDF instead of seconds of WeasyPrint."""
    calls = []

    def render(case, *, made_at=None, version=1, filed=()):
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


def _requested(decision, *, ago: dt.timedelta, queued_ago: dt.timedelta | None = None):
    """As if its first copy was requested `ago` and last queued `queued_ago` (None: never queued)."""
    now = timezone.now()
    ArchiveCopy.objects.filter(decision=decision).update(
        requested_at=now - ago, queued_at=None if queued_ago is None else now - queued_ago)
    return first_copy(decision)


def test_the_catch_up_makes_what_a_lost_task_left(round_, renders, monkeypatch):
    lost = archived_case(round_)  # queued long ago, its task lost
    _requested(lost, ago=dt.timedelta(hours=2), queued_ago=dt.timedelta(minutes=11))
    recent = archived_case(round_)  # requested long ago, queued again a moment ago: its task may be on its way
    _requested(recent, ago=dt.timedelta(hours=2), queued_ago=dt.timedelta(minutes=3))
    before = archived_case(round_)  # sent before the archive existed: no copy at all
    ArchiveCopy.objects.filter(decision=before).delete()
    made = archived_case(round_)
    archive_copy_task.delay(first_copy(made).pk)
    _requested(made, ago=dt.timedelta(hours=1), queued_ago=dt.timedelta(hours=1))

    assert archive_copies_catch_up() == sorted([first_copy(lost).pk, first_copy(before).pk])
    assert not first_copy(recent).is_made
    lost_copy = first_copy(lost)
    assert lost_copy.attempts == 2 and timezone.now() - lost_copy.queued_at < dt.timedelta(minutes=1)
    assert first_copy(before).attempts == 1 and first_copy(before).queued_at

    # queued just now: the next runs leave them until NOT_MADE_AFTER has passed again
    queued = stub_task(monkeypatch, "archive.tasks.archive_copy_task")
    assert archive_catch_up_task() == 0
    assert queued == []
    _requested(lost, ago=dt.timedelta(hours=2), queued_ago=dt.timedelta(minutes=11))
    assert archive_catch_up_task() == 1
    assert queued.first_args == [first_copy(lost).pk]


def test_the_catch_up_queues_a_batch_a_run_the_longest_waiting_first(round_, renders, monkeypatch):
    monkeypatch.setattr("archive.making.CATCH_UP_BATCH", 2)
    decisions = [archived_case(round_) for _ in range(3)]
    for minutes, decision in zip((20, 40, 30), decisions):
        _requested(decision, ago=dt.timedelta(hours=1), queued_ago=dt.timedelta(minutes=minutes))
    assert archive_copies_catch_up() == sorted([first_copy(decisions[1]).pk, first_copy(decisions[2]).pk])
    assert archive_copies_catch_up() == [first_copy(decisions[0]).pk]  # the third, on the next run
    assert archive_copies_catch_up() == []  # all three were queued just now


def test_the_catch_up_gives_up_after_the_retry_window_and_marks_the_copy_failed(round_, renders):
    given_up = archived_case(round_)
    _requested(given_up, ago=RETRY_FOR + dt.timedelta(minutes=1), queued_ago=dt.timedelta(hours=1))
    still = archived_case(round_)
    _requested(still, ago=RETRY_FOR - dt.timedelta(hours=1), queued_ago=dt.timedelta(hours=1))

    assert archive_copies_catch_up() == [first_copy(still).pk]
    copy = first_copy(given_up)
    assert copy.is_failed and not copy.is_made and copy.attempts == 1
    assert archive_copies_catch_up() == []  # never queued again
    assert first_copy(given_up).failed_at == copy.failed_at


def test_the_office_admin_asks_for_a_new_version_when_the_latest_failed(round_, renders, office_admin,
                                                                         django_capture_on_commit_callbacks):
    decision = archived_case(round_)
    _requested(decision, ago=RETRY_FOR + dt.timedelta(minutes=1), queued_ago=dt.timedelta(hours=1))
    with pytest.raises(ArchiveError):  # not yet failed: still being made
        archive_copy_request_new(decision=decision, user=office_admin, reason="Kopien kom aldri.")
    archive_copies_catch_up()
    assert first_copy(decision).is_failed
    with django_capture_on_commit_callbacks(execute=True):
        new = archive_copy_request_new(decision=decision, user=office_admin, reason="Kopien kom aldri.")
    new.refresh_from_db()
    assert (new.version, new.is_made, new.attempts) == (2, True, 1)
    assert first_copy(decision).is_failed  # the failed version is kept, as it was


def test_the_copy_is_rendered_with_no_lock_held(round_, monkeypatch):
    """The render runs in no transaction of the making (only the test's own)."""
    decision = archived_case(round_)
    outside = len(connection.atomic_blocks)
    depths = []

    def render(case, **kwargs):
        depths.append(len(connection.atomic_blocks))
        return MINIMAL_PDF

    monkeypatch.setattr("archive.making.archive_pdf", render)
    assert archive_copy_make(copy_id=first_copy(decision).pk).is_made
    assert depths == [outside]


def test_a_second_run_that_finished_first_wins_and_this_runs_render_is_thrown_away(round_, monkeypatch):
    decision = archived_case(round_)
    copy_id = first_copy(decision).pk
    renders = []

    def render(case, **kwargs):
        renders.append(len(renders))
        if len(renders) == 1:  # while this run renders, another run makes the copy
            archive_copy_make(copy_id=copy_id)
            return b"%PDF-1.7 the first run's render, thrown away"
        return MINIMAL_PDF

    monkeypatch.setattr("archive.making.archive_pdf", render)
    copy = archive_copy_make(copy_id=copy_id)
    assert renders == [0, 1]
    with copy.pdf.open("rb") as file:
        assert file.read() == MINIMAL_PDF
    assert ArchiveFile.objects.filter(copy=copy).count() == 3  # receipt, letter, attachment: once


def test_a_copy_waits_for_the_receipt_of_the_last_submission(round_, renders):
    decision = archived_case(round_, receipt=False)
    copy = first_copy(decision)
    with pytest.raises(ArchiveNotReady):
        archive_copy_make(copy_id=copy.pk)
    assert not first_copy(decision).is_made and renders == []
    application = decision.application
    ReceiptFactory(application=application, submission_number=application.submission_count)
    assert archive_copy_make(copy_id=copy.pk).is_made


def test_an_attachment_changed_since_upload_is_refused(round_, renders):
    decision = archived_case(round_)
    attachment = decision.application.attachments.get()
    attachment.file.save("endret.pdf", ContentFile(MINIMAL_PDF + b"% changed"), save=True)
    assert archive_copy_task.delay(first_copy(decision).pk).get() is None
    assert not first_copy(decision).is_made and renders == []
