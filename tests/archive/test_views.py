"""The office's archive pages and downloads: the office's staff see and download every version;
the municipality, another office and anonymous visitors get 404; only the office admin is offered
(and may use) the form that makes a new version, which needs a reason."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from archive.making import archive_copies_catch_up
from archive.models import ArchiveCopy, ArchiveFileRole
from archive.tasks import archive_copy_task
from portal.mail import RETRY_FOR
from portal.models import Role
from tests.applications.factories import MINIMAL_PDF
from tests.archive.factories import archived_case, first_copy
from tests.helpers import in_english, page_text, stub_task, url, visible_text
from tests.portal.factories import MembershipFactory, OfficeFactory


@pytest.fixture(autouse=True)
def _quick_pdf(monkeypatch):
    """The PDF's content is test_copy's; here a minimal one, so a page test takes no seconds."""
    monkeypatch.setattr("archive.making.archive_pdf", lambda case, **kwargs: MINIMAL_PDF)


@pytest.fixture
def decision(round_, organisation):
    decision = archived_case(round_, organisation=organisation)
    archive_copy_task.delay(first_copy(decision).pk)
    return decision


def _pages(decision):
    copy = first_copy(decision)
    return [url("archive:case", decision.application), url("archive:round", decision.application.round),
            url("archive:pdf", copy_pk=copy.pk), url("archive:metadata", copy_pk=copy.pk),
            *[url("archive:file", file_pk=archived.pk) for archived in copy.files.all()]]


@pytest.mark.parametrize("client_fixture", ["caseworker_client", "approver_client", "office_admin_client"])
def test_the_offices_staff_see_and_download(request, client_fixture, decision):
    client = request.getfixturevalue(client_fixture)
    for page in _pages(decision):
        assert client.get(page).status_code == 200, page
    response = client.get(url("archive:pdf", copy_pk=first_copy(decision).pk))
    assert b"".join(response.streaming_content) == MINIMAL_PDF
    assert response["Content-Type"] == "application/pdf" and response["Cache-Control"] == "private, no-store"
    metadata = client.get(url("archive:metadata", copy_pk=first_copy(decision).pk))
    assert b"".join(metadata.streaming_content).startswith(b"<?xml")


def test_the_offices_staff_download_the_filed_documents_as_stored(decision, caseworker_client):
    copy = first_copy(decision)
    letter = copy.files.get(role=ArchiveFileRole.LETTER)
    page = page_text(caseworker_client.get(url("archive:case", decision.application)))
    assert url("archive:file", file_pk=letter.pk) in page and letter.name in page
    response = caseworker_client.get(url("archive:file", file_pk=letter.pk))
    with decision.letter_pdf.open("rb") as file:
        assert b"".join(response.streaming_content) == file.read()
    assert response["Cache-Control"] == "private, no-store"
    assert letter.name in response["Content-Disposition"]


def test_a_failed_copy_is_shown_failed_and_the_office_admin_may_ask_again(round_, office_admin_client):
    decision = archived_case(round_)  # requested, never made
    ArchiveCopy.objects.filter(decision=decision).update(requested_at=timezone.now() - RETRY_FOR - dt.timedelta(hours=1))
    archive_copies_catch_up()
    client = in_english(office_admin_client)
    case_page = visible_text(client.get(url("archive:case", decision.application)))
    assert "Failed" in case_page and "Being made" not in case_page
    assert "Failed" in visible_text(client.get(url("archive:round", round_)))
    response = client.post(url("archive:new_version", decision.application), {"reason": "Kopien ble aldri laget."})
    assert response.status_code == 302
    assert ArchiveCopy.objects.get(decision=decision, version=2).requested_by == office_admin_client.user


@pytest.mark.parametrize("client_fixture", ["editor_client", "signatory_client"])
def test_the_municipality_gets_404(request, client_fixture, decision):
    client = request.getfixturevalue(client_fixture)
    assert decision.application.organisation == client.membership.organisation  # its own case
    for page in _pages(decision):
        assert client.get(page).status_code == 404, page


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.OFFICE_ADMIN])
def test_another_office_gets_404(decision, role):
    other = MembershipFactory(role=role, office=OfficeFactory()).user
    client = Client()
    client.force_login(other)
    for page in _pages(decision):
        assert client.get(page).status_code == 404, page


def test_anonymous_visitors_get_404_for_the_files(decision, client):
    copy = first_copy(decision)
    assert client.get(url("archive:pdf", copy_pk=copy.pk)).status_code == 404
    assert client.get(url("archive:metadata", copy_pk=copy.pk)).status_code == 404
    assert copy.files.count() == 3
    for archived in copy.files.all():
        assert client.get(url("archive:file", file_pk=archived.pk)).status_code == 404
    assert client.get(url("archive:case", decision.application)).status_code == 302  # to the login


def test_a_copy_being_made_is_not_offered(round_, caseworker_client):
    decision = archived_case(round_)  # requested, not made
    copy = first_copy(decision)
    assert caseworker_client.get(url("archive:pdf", copy_pk=copy.pk)).status_code == 404
    page = page_text(caseworker_client.get(url("archive:case", decision.application)))
    assert url("archive:pdf", copy_pk=copy.pk) not in page


def test_the_office_admin_makes_a_new_version_with_a_reason(decision, office_admin_client, monkeypatch,
                                                           django_capture_on_commit_callbacks):
    queued = stub_task(monkeypatch, "archive.tasks.archive_copy_task")
    page = office_admin_client.get(url("archive:case", decision.application))
    assert url("archive:new_version", decision.application) in page_text(page)
    with_reason = {"reason": "Klagen er behandlet; kopien skal ha vedtaket etter klagen."}
    with django_capture_on_commit_callbacks(execute=True):
        response = office_admin_client.post(url("archive:new_version", decision.application), with_reason)
    assert response.status_code == 302
    new = ArchiveCopy.objects.get(decision=decision, version=2)
    assert (new.requested_by, new.reason) == (office_admin_client.user, with_reason["reason"])
    assert first_copy(decision).is_made  # the old version is kept
    assert queued.first_args == [new.pk]  # made by the task, after commit


def test_a_new_version_without_a_reason_is_refused_with_a_message(decision, office_admin_client):
    response = in_english(office_admin_client).post(url("archive:new_version", decision.application), {"reason": " "})
    assert response.status_code == 400
    assert "Say why a new version of the archive copy is needed." in visible_text(response)
    assert ArchiveCopy.objects.filter(decision=decision).count() == 1


@pytest.mark.parametrize("client_fixture", ["caseworker_client", "approver_client"])
def test_other_staff_are_not_offered_a_new_version_and_are_refused(request, client_fixture, decision):
    client = in_english(request.getfixturevalue(client_fixture))
    page = client.get(url("archive:case", decision.application))
    assert url("archive:new_version", decision.application) not in page_text(page)
    response = client.post(url("archive:new_version", decision.application), {"reason": "Feil i kopien."})
    assert response.status_code == 400
    assert "Only the office's administrator makes a new version of the archive copy." in visible_text(response)
    assert ArchiveCopy.objects.filter(decision=decision).count() == 1


def test_the_round_page_lists_the_sent_cases_in_constant_queries(round_, caseworker_client,
                                                                 django_assert_max_num_queries):
    for _ in range(2):
        archived_case(round_)
    with django_assert_max_num_queries(12) as small:
        caseworker_client.get(url("archive:round", round_))
    for _ in range(5):
        archived_case(round_)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = caseworker_client.get(url("archive:round", round_))
    assert len(response.context["decisions"]) == 7
