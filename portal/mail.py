"""E-mail sent at most once per idempotency key.

Tasks that send e-mail may run twice (a Celery retry, a redelivered message, two workers). Before
sending, `send_once` commits a `SentEmail` row whose key is unique: whoever inserts it sends, every
later call with the same key sends nothing. If sending fails the claim is removed again, so a retry
can try once more. A worker that dies between the claim and the send leaves a row with `sent_at`
empty: that e-mail is not sent again automatically (at most once, never twice), and the row shows
an operator what to follow up.
"""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import SentEmail

logger = logging.getLogger(__name__)


def recipients_clean(addresses: Iterable[str | None]) -> list[str]:
    """Addresses without blanks and without repeats (compared case-insensitively), in the given order."""
    seen, result = set(), []
    for address in addresses:
        address = (address or "").strip()
        if address and address.lower() not in seen:
            seen.add(address.lower())
            result.append(address)
    return result


def send_once(
    *,
    key: str,
    to: list[str],
    subject: str,
    body: str,
    attachments: Iterable[tuple[str, bytes, str]] = (),
    language: str = "nb",
) -> bool:
    """Send the e-mail unless one with `key` was already sent (or is being sent). True when it sent.

    Must be called outside a transaction of the caller's own: the claim is committed on its own
    (`durable=True` refuses to nest), otherwise a rollback of the caller would undo the claim of an
    e-mail already sent."""
    to = recipients_clean(to)
    if not to:
        raise ValueError("send_once needs at least one recipient.")
    try:
        with transaction.atomic(durable=True):
            claim = SentEmail.objects.create(key=key, recipients=to, subject=subject)
    except IntegrityError:
        logger.info("E-mail %s was already sent; not sending it again.", key)
        return False

    message = EmailMessage(
        subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=to,
        headers={"Content-Language": language},
    )
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    try:
        message.send(fail_silently=False)
    except Exception:
        # Nothing left the building: give the key back so that a retry may send it.
        SentEmail.objects.filter(pk=claim.pk).delete()
        raise
    SentEmail.objects.filter(pk=claim.pk).update(sent_at=timezone.now())
    return True
