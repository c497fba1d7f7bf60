"""E-mail, sent at most once: the one policy for every e-mail the portal sends (receipts, decision
letters, requests for information, reminders); the why is in docs/architecture.md.

Each e-mail is claimed in a row committed before it is sent, and the row says how it went: sent;
failed (certainly not sent: the connection could not be opened, or the server refused it before
accepting it; tried again); uncertain (it may have reached the server; never sent again, and the
office sees it); or claimed for longer than `STALE_CLAIM` (its worker died; never again either).
`failure_is_certain` decides for every sender: `send_once` for one keyed e-mail (a `SentEmail`
row), `deliver` for the reminder sweep, which claims in its own log."""

import datetime as dt
import logging
import re
import smtplib
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .exceptions import EmailNotSent
from .models import Delivery, SentEmail

logger = logging.getLogger(__name__)

# Answers the mail server gives before it accepts a message: certainly nothing was sent.
DEFINITE_REFUSALS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)
STALE_CLAIM = dt.timedelta(minutes=15)  # a claim older than this without an outcome: its worker died
# The catch-up (each app's periodic task) queues again an e-mail certainly not sent (never claimed:
# its task was lost; or failed: its task gave up), once its own task has had FIRST_TRY, and for
# RETRY_FOR after what it tells of (a receipt made, a letter sent, a request made).
FIRST_TRY = dt.timedelta(minutes=10)
RETRY_FOR = dt.timedelta(days=7)
# Something a task should have made (a receipt, a letter, an archive copy) and still has not this long
# after: its task keeps failing. The office's staff see it on their home page and the catch-up logs an
# ERROR at each run, while it is still tried (docs/architecture.md, "When a service is down").
STUCK_AFTER = dt.timedelta(hours=1)


def failure_is_certain(error: BaseException) -> bool:
    """Did this error while sending certainly leave nothing at the mail server? (Then the e-mail may
    be tried again; otherwise it may have gone, and is never tried again.)"""
    return isinstance(error, DEFINITE_REFUSALS)


def recipients_clean(addresses: Iterable[str | None]) -> list[str]:
    """Addresses without blanks and without repeats (compared case-insensitively), in the given order."""
    seen, result = set(), []
    for address in addresses:
        address = (address or "").strip()
        if address and address.lower() not in seen:
            seen.add(address.lower())
            result.append(address)
    return result


# --- composing ----------------------------------------------------------------------------------------

def one_line(text: str) -> str:
    return " ".join(text.split())


def paragraphs(text: str) -> str:
    """Plain-text body from a template: no trailing spaces, at most one empty line in a row."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"


def render_email(*, subject_template: str, body_template: str, context: dict, language: str) -> tuple[str, str]:
    """Subject and body from two templates, in `language` and Norwegian time."""
    with translation.override(language), timezone.override(timezone.get_default_timezone()):
        return (one_line(render_to_string(subject_template, context)),
                paragraphs(render_to_string(body_template, context)))


# --- sending ------------------------------------------------------------------------------------------

def open_connection():
    """A connection to the mail server, opened. Raises EmailNotSent when it cannot be opened."""
    connection = get_connection()
    try:
        connection.open()
    except Exception as error:
        raise EmailNotSent(f"No connection to the mail server: {error}") from error
    return connection


def deliver(message: EmailMessage, connection) -> tuple[str, str]:
    """Send one message over an open connection: (Delivery.SENT, "") or, when it failed,
    (Delivery.FAILED or Delivery.UNCERTAIN, the error), as `failure_is_certain` decides."""
    try:
        message.connection = connection
        message.send(fail_silently=False)
    except Exception as error:  # noqa: BLE001 - every failure is classified, none is lost
        outcome = Delivery.FAILED if failure_is_certain(error) else Delivery.UNCERTAIN
        return outcome, f"{type(error).__name__}: {error}"
    return Delivery.SENT, ""


def _claim(*, key: str, to: list[str], subject: str, office_id: int | None) -> SentEmail | None:
    """Claim `key`, committed on its own: a new row, or a failed one taken back. None when the
    e-mail was sent, is being sent, or may have been sent."""
    try:
        with transaction.atomic(durable=True):
            return SentEmail.objects.create(key=key, recipients=to, subject=subject, office_id=office_id)
    except IntegrityError:
        pass
    with transaction.atomic(durable=True):
        retaken = SentEmail.objects.filter(key=key, status=Delivery.FAILED).update(
            status=Delivery.CLAIMED, attempts=F("attempts") + 1, recipients=to, subject=subject,
            claimed_at=timezone.now())
    return SentEmail.objects.get(key=key) if retaken else None


def send_once(
    *,
    key: str,
    to: list[str],
    subject: str,
    body: str,
    attachments: Iterable[tuple[str, bytes, str]] = (),
    language: str = "nb",
    office_id: int | None = None,
) -> bool:
    """Send the e-mail unless one with `key` was sent, is being sent or may have been sent. True
    when it was sent now; False when nothing was sent now and nothing should be tried again.
    Raises EmailNotSent when it certainly was not sent (the task may retry).

    `office_id`: the office that sees the e-mail in its list if it is not sent. Must be called
    outside a transaction of the caller's own: the claim is committed on its own (`durable=True`
    refuses to nest), otherwise a rollback of the caller would undo the claim of an e-mail sent."""
    to = recipients_clean(to)
    if not to:
        raise ValueError("send_once needs at least one recipient.")
    claim = _claim(key=key, to=to, subject=subject, office_id=office_id)
    if claim is None:
        logger.info("E-mail %s was already sent, is being sent or may have been sent; not sending it.", key)
        return False
    message = EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=to,
                           headers={"Content-Language": language})
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    try:
        connection = open_connection()
    except EmailNotSent as error:
        _record(claim, Delivery.FAILED, str(error))
        raise
    try:
        outcome, error = deliver(message, connection)
    finally:
        _close(connection)
    _record(claim, outcome, error)
    if outcome == Delivery.FAILED:
        raise EmailNotSent(error)
    if outcome == Delivery.UNCERTAIN:
        logger.error("E-mail %s may have been sent (the mail server did not confirm it): it is not tried "
                     "again. %s", key, error)
        return False
    return True


def _record(claim: SentEmail, outcome: str, error: str) -> None:
    SentEmail.objects.filter(pk=claim.pk).update(
        status=outcome, error=error[:1000], sent_at=timezone.now() if outcome == Delivery.SENT else None)


def _close(connection) -> None:
    try:
        connection.close()
    except Exception:  # noqa: BLE001
        logger.exception("The connection to the mail server could not be closed cleanly.")


def send_once_each(*, messages: Iterable[tuple[str, str]], subject: str, body: str, language: str = "nb",
                   office_id: int | None = None) -> int:
    """The same e-mail to several people, each under their own key (`send_once`): `messages` is
    (key, address) pairs; a blank address is skipped. Returns how many were sent now. One that
    certainly failed does not stop the others; then EmailNotSent names every failure (the task
    retries, and those already sent are not sent again)."""
    sent, failures = 0, []
    for key, address in messages:
        if not address:
            continue
        try:
            sent += send_once(key=key, to=[address], subject=subject, body=body, language=language,
                              office_id=office_id)
        except EmailNotSent as error:
            failures.append(str(error))
    if failures:
        raise EmailNotSent("; ".join(failures))
    return sent
