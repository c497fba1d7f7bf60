"""E-mail at most once per key, under the one policy of portal.mail: a repeated task sends nothing;
an e-mail the mail server certainly did not take is tried again; one it may have taken is never
sent again, and the office sees it. Failures are a real SMTP server's answers (tests/smtp.py)."""

import smtplib

import pytest
from django.core import mail

from portal.exceptions import EmailNotSent
from portal.mail import failure_is_certain, recipients_clean, send_once
from portal.models import Delivery, SentEmail
from tests.portal.factories import OfficeFactory

pytestmark = pytest.mark.django_db


def _send(key="receipt:1:1", **kwargs):
    return send_once(
        key=key, to=kwargs.pop("to", ["radmann@kommune.example"]), subject="Søknad mottatt",
        body="Søknaden er mottatt.", **kwargs,
    )


def test_the_same_key_sends_one_email():
    assert _send() is True
    assert _send() is False

    assert len(mail.outbox) == 1
    claim = SentEmail.objects.get(key="receipt:1:1")
    assert claim.sent_at is not None
    assert claim.recipients == ["radmann@kommune.example"]


def test_different_keys_send_different_emails():
    _send(key="receipt:1:1")
    _send(key="receipt:1:2")

    assert len(mail.outbox) == 2


def test_a_refused_email_is_recorded_as_not_sent_and_the_retry_sends_it_once(smtp_server):
    smtp_server.refuse("radmann@kommune.example")
    with pytest.raises(EmailNotSent):  # the caller's task retries
        _send()
    claim = SentEmail.objects.get()
    assert (claim.status, claim.sent_at) == (Delivery.FAILED, None) and "450" in claim.error
    assert smtp_server.messages == []

    smtp_server.heal()
    assert _send() is True
    assert _send() is False  # and then never again
    claim.refresh_from_db()
    assert (claim.status, claim.attempts) == (Delivery.SENT, 2) and claim.sent_at is not None
    assert smtp_server.recipients() == ["radmann@kommune.example"]


def test_an_email_the_server_may_have_taken_is_never_sent_again(smtp_server, caplog):
    smtp_server.drop_after_data("radmann@kommune.example")
    assert _send() is False  # no exception: the task must not retry
    assert "may have been sent" in caplog.text
    claim = SentEmail.objects.get()
    assert claim.status == Delivery.UNCERTAIN and claim.error

    smtp_server.heal()
    assert _send() is False
    assert len(smtp_server.messages) == 1  # it did arrive once, and only once


def test_no_mail_server_is_a_certain_failure_tried_again(smtp_server):
    smtp_server.stop()
    with pytest.raises(EmailNotSent):
        _send(office_id=OfficeFactory().pk)
    assert SentEmail.objects.get().status == Delivery.FAILED


@pytest.mark.parametrize("error, certain", [
    (smtplib.SMTPRecipientsRefused({}), True),
    (smtplib.SMTPSenderRefused(451, b"later", "x@y"), True),
    (smtplib.SMTPDataError(451, b"later"), True),
    (smtplib.SMTPServerDisconnected("gone"), False),
    (TimeoutError("timed out"), False),
    (smtplib.SMTPException("421 try again later"), False),
])
def test_only_answers_before_the_server_accepts_are_certain(error, certain):
    assert failure_is_certain(error) is certain


def test_the_email_has_its_sender_recipients_attachment_and_language(settings):
    settings.DEFAULT_FROM_EMAIL = "Tilskuddsportalen <ikke-svar@tilskudd.example>"
    _send(
        to=["radmann@kommune.example", "", "Radmann@Kommune.example", "helse@kommune.example"],
        attachments=[("kvittering.pdf", b"%PDF-1.7 ...", "application/pdf")], language="nn",
    )

    message = mail.outbox[0]
    assert message.from_email == "Tilskuddsportalen <ikke-svar@tilskudd.example>"
    assert message.to == ["radmann@kommune.example", "helse@kommune.example"]
    assert message.attachments == [("kvittering.pdf", b"%PDF-1.7 ...", "application/pdf")]
    assert message.extra_headers["Content-Language"] == "nn"


def test_nobody_to_send_to_is_an_error_and_claims_nothing():
    with pytest.raises(ValueError):
        _send(to=["", "  "])
    assert not SentEmail.objects.exists()


def test_recipients_are_cleaned_of_blanks_and_repeats_keeping_the_order():
    assert recipients_clean(["b@x.no", None, " ", "a@x.no", "B@X.no"]) == ["b@x.no", "a@x.no"]
