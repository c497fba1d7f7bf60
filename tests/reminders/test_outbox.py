"""The office admin's page of e-mails that were not sent (/reminders/not-sent/): the receipts, letters and
requests for information (`SentEmail`) and the reminders (`Reminder`) of the admin's offices that certainly
did not go (tried again), may have gone, or were claimed by a worker that died (never tried again), and
never one that was sent, is still being sent, or belongs to another office."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal.mail import RETRY_FOR, STALE_CLAIM
from portal.models import Delivery, Role, SentEmail
from reminders.selectors import unsent_emails
from tests.applications.factories import staff
from tests.helpers import in_english, page_text, url, warm_user_context
from tests.portal.factories import OfficeFactory, SentEmailFactory, UserFactory
from tests.reminders.factories import ReminderFactory
from tests.schemes.factories import RoundFactory

pytestmark = pytest.mark.django_db

TRIED_AGAIN = "Tried again automatically while it is still useful."
NOT_TRIED_AGAIN = "Not tried again: check with the recipient whether it arrived."


def _long_ago():
    """A claim older than `STALE_CLAIM` with no outcome: its worker died."""
    return timezone.now() - STALE_CLAIM - dt.timedelta(minutes=1)


def _page(client):
    response = in_english(client).get(url("reminders:outbox"))
    assert response.status_code == 200
    return page_text(response)


def _what_happens_to(page: str) -> dict[str, str]:
    """Each row's recipients -> what happens now, as the table says."""
    rows = page.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    return {row.split("<td>")[2].split("</td>")[0]: TRIED_AGAIN if TRIED_AGAIN in row else NOT_TRIED_AGAIN
            for row in rows}


def _client_of(client_class, user):
    client = client_class()
    client.force_login(user)
    return client


@pytest.fixture
def not_sent(office, round_):
    """Of `office`: one e-mail and one reminder that certainly did not go, one of each that may have gone, one
    of each claimed by a worker that died, and an e-mail that did not go a week and more ago (no longer tried). And what is not shown: of each, one sent, one being sent now, and
    one of another office that did not go."""
    to = {name: f"{name}@kommune.example" for name in (
        "email_failed", "email_given_up", "email_uncertain", "email_stale", "reminder_failed", "reminder_uncertain", "reminder_stale")}
    SentEmailFactory(office=office, failed=True, subject="Søknad mottatt", recipients=[to["email_failed"]])
    given_up = SentEmailFactory(office=office, failed=True, recipients=[to["email_given_up"]])
    SentEmail.objects.filter(pk=given_up.pk).update(created_at=timezone.now() - RETRY_FOR - dt.timedelta(days=1))
    SentEmailFactory(office=office, uncertain=True, subject="Vedtak om tilskudd", recipients=[to["email_uncertain"]])
    SentEmailFactory(office=office, subject="Anmodning om opplysninger", recipients=[to["email_stale"]],
                     claimed_at=_long_ago())
    ReminderFactory(round=round_, failed=True, recipient=UserFactory(email=to["reminder_failed"]))
    ReminderFactory(round=round_, uncertain=True, recipient=UserFactory(email=to["reminder_uncertain"]))
    ReminderFactory(round=round_, claimed=True, recipient=UserFactory(email=to["reminder_stale"]), sent_at=_long_ago())

    SentEmailFactory(office=office, sent=True, recipients=["sent@kommune.example"])
    SentEmailFactory(office=office, recipients=["being.sent@kommune.example"])  # claimed a moment ago
    SentEmailFactory(office=OfficeFactory(), failed=True, recipients=["other.office@kommune.example"])
    ReminderFactory(round=round_, recipient=UserFactory(email="sent.reminder@kommune.example"))
    ReminderFactory(round=round_, claimed=True, recipient=UserFactory(email="being.sent.reminder@kommune.example"))
    ReminderFactory(round=RoundFactory(), failed=True,
                    recipient=UserFactory(email="other.office.reminder@kommune.example"))
    return to


def test_the_list_holds_what_did_not_go_and_says_whether_it_is_tried_again(office_admin_client, not_sent):
    rows = unsent_emails(user=office_admin_client.user)
    assert {(row.recipients[0], row.status, row.tried_again) for row in rows} == {
        (not_sent["email_failed"], Delivery.FAILED, True),
        (not_sent["email_given_up"], Delivery.FAILED, False),
        (not_sent["email_uncertain"], Delivery.UNCERTAIN, False),
        (not_sent["email_stale"], Delivery.CLAIMED, False),
        (not_sent["reminder_failed"], Delivery.FAILED, True),
        (not_sent["reminder_uncertain"], Delivery.UNCERTAIN, False),
        (not_sent["reminder_stale"], Delivery.CLAIMED, False),
    }
    assert [row.when for row in rows] == sorted((row.when for row in rows), reverse=True)  # newest first


def test_the_office_admin_reads_each_one_with_why_and_what_happens_now(office_admin_client, not_sent, round_):
    page = _page(office_admin_client)
    assert page.count("<h1") == 1
    assert _what_happens_to(page) == {
        not_sent["email_failed"]: TRIED_AGAIN, not_sent["reminder_failed"]: TRIED_AGAIN,
        not_sent["email_given_up"]: NOT_TRIED_AGAIN,
        not_sent["email_uncertain"]: NOT_TRIED_AGAIN, not_sent["reminder_uncertain"]: NOT_TRIED_AGAIN,
        not_sent["email_stale"]: NOT_TRIED_AGAIN, not_sent["reminder_stale"]: NOT_TRIED_AGAIN,
    }
    assert "Søknad mottatt" in page and "SMTPRecipientsRefused: 450" in page  # what it was, and why
    assert "Perhaps sent: the mail server did not confirm it" in page
    assert f"Reminder: Application deadline is near, {round_}" in page
    for address in ("sent@", "being.sent@", "other.office@", "sent.reminder@", "being.sent.reminder@",
                    "other.office.reminder@"):
        assert f"{address}kommune.example" not in page


def test_another_offices_admin_sees_its_own_list_never_this_offices(client_class, not_sent):
    page = _page(_client_of(client_class, staff(OfficeFactory(), Role.OFFICE_ADMIN)))
    assert "Every e-mail was sent." in page
    assert not any(address in page for address in not_sent.values())


@pytest.mark.parametrize("client_of_role", ["caseworker_client", "approver_client", "editor_client",
                                            "signatory_client", "national_admin_client"])
def test_who_is_not_an_office_admin_gets_404(request, not_sent, client_of_role):
    client = request.getfixturevalue(client_of_role)
    assert client.get(url("reminders:outbox")).status_code == 404


def test_anonymous_visitors_are_asked_to_log_in(client):
    response = client.get(url("reminders:outbox"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_an_office_with_everything_sent_is_told_so(office_admin_client, office, round_):
    SentEmailFactory(office=office, sent=True)
    ReminderFactory(round=round_)
    page = _page(office_admin_client)
    assert "Every e-mail was sent." in page and "<table" not in page
    assert page.count("<h1") == 1


def test_the_page_runs_the_same_queries_for_2_and_40_rows(office_admin_client, office, round_):
    def add(count):
        for n in range(count):
            SentEmailFactory(office=office, failed=True)
            ReminderFactory(round=RoundFactory(office=office) if n % 2 else round_, uncertain=True)

    def queries():
        warm_user_context(office_admin_client)
        with CaptureQueriesContext(connection) as captured:
            page = _page(office_admin_client)
        return len(captured), page.count("<tr>") - 1  # past the table's head

    add(1)
    few, rows = queries()
    assert rows == 2
    add(19)
    many, rows = queries()
    assert rows == 40
    assert many == few
