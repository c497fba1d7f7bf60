"""E-mail at most once per key: a repeated task sends nothing, a failed send can be tried again."""

from smtplib import SMTPException

import pytest
from django.core import mail
from django.core.mail import EmailMessage

from portal.mail import recipients_clean, send_once
from portal.models import SentEmail

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


def test_a_failed_send_leaves_no_claim_so_a_retry_sends(monkeypatch):
    def broken_send(self, fail_silently=False):
        raise SMTPException("421 try again later")

    with monkeypatch.context() as patch:
        patch.setattr(EmailMessage, "send", broken_send)
        with pytest.raises(SMTPException):
            _send()
    assert not SentEmail.objects.exists()
    assert mail.outbox == []

    assert _send() is True
    assert len(mail.outbox) == 1


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
