"""The reminder sweep: send every reminder that is due, each at most once.

One periodic task (`reminders.sweep`, every five minutes from Celery beat) calls `reminders_sweep`;
what is due, and to whom, is `reminders.occasions` (the calendar reads the same).

The sweep first claims, in one short transaction committed before any e-mail goes: it inserts the
Reminder rows it wants (`bulk_create(ignore_conflicts=True)`: a key another sweep holds is left
alone), then locks its unsent rows with `select_for_update(skip_locked=True)` and sets `sent_at` on
them. Then it sends each through `portal.mail.deliver`, and the portal's one e-mail policy says what
a failure means (docs/architecture.md, "E-mail"): certainly not sent gives the claim back for the
next sweep; perhaps sent keeps it and is never sent again, and the sweep stops using that connection
(the reminders not yet tried are given back). A reminder may be lost, never sent twice; the office
admin sees every one that was not sent."""

import datetime as dt
import json
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from portal.exceptions import EmailNotSent
from portal.mail import deliver, open_connection
from portal.models import Delivery
from portal.services import notify

from .emails import notification_url, reminder_email, reminder_facts
from .models import Reminder
from .notifications import ReminderNotice
from .occasions import Key, Occasion, reminders_due, reminders_existing, reminders_wanted

logger = logging.getLogger(__name__)

CLAIM_CHUNK = 1000  # reminders claimed per statement


@dataclass
class SweepResult:
    due: int = 0  # reminders due now, with those already sent
    claimed: int = 0
    sent: int = 0
    failed: int = 0  # certainly not sent: claim given back, tried again by a later sweep
    uncertain: int = 0  # may have been sent: claim kept, never tried again
    by_kind: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"due": self.due, "claimed": self.claimed, "sent": self.sent, "failed": self.failed,
                "uncertain": self.uncertain, "by_kind": dict(self.by_kind)}


def _claim(wanted: dict[Key, tuple[Occasion, object]], new: list[Key]) -> list[tuple[int, Key]]:
    """Insert the new keys and claim every unsent row of `wanted` no other sweep holds. Committed
    before anything is sent (durable: never inside a caller's transaction). Returns (pk, key)."""
    claimed = []
    keys = list(wanted)
    with transaction.atomic(durable=True):
        Reminder.objects.bulk_create(
            # in key order, so that two sweeps inserting the same keys wait for each other, never deadlock
            [Reminder(recipient_id=key[0], round_id=key[1], kind=key[2], offset=key[3],
                      organisation=wanted[key][0].organisation) for key in sorted(new)],
            ignore_conflicts=True,
        )
        for start in range(0, len(keys), CLAIM_CHUNK):
            chunk = set(keys[start:start + CLAIM_CHUNK])
            rows = (Reminder.objects.select_for_update(skip_locked=True)
                    .filter(round_id__in={k[1] for k in chunk}, kind__in={k[2] for k in chunk},
                            offset__in={k[3] for k in chunk}, recipient_id__in={k[0] for k in chunk},
                            sent_at__isnull=True)
                    .values_list("pk", "recipient_id", "round_id", "kind", "offset"))
            mine = [(pk, key) for pk, *rest in rows if (key := tuple(rest)) in chunk]
            if mine:
                Reminder.objects.filter(pk__in=[pk for pk, _key in mine]).update(
                    sent_at=timezone.now(), delivery=Delivery.CLAIMED, error="")
            claimed += mine
    return claimed


def reminders_sweep(*, now: dt.datetime | None = None) -> SweepResult:
    """Send every reminder due at `now`, each at most once (see the module's docstring)."""
    now = now or timezone.now()
    wanted = reminders_wanted(reminders_due(now=now))
    result = SweepResult(due=len(wanted))
    if not wanted:
        return result
    existing = reminders_existing(wanted)
    new = [key for key in wanted if key not in existing]
    if not new and all(row.sent_at is not None for row in existing.values()):
        return result  # everything due has gone (the usual sweep): nothing to claim
    claimed = _claim(wanted, new)
    result.claimed = len(claimed)
    sent, failed, uncertain = _send_all(claimed, wanted)
    _notify(sent)
    result.sent, result.failed, result.uncertain = len(sent), failed, uncertain
    for occasion, _user in sent:
        result.by_kind[occasion.kind] = result.by_kind.get(occasion.kind, 0) + 1
    if claimed:
        logger.info("Reminder sweep at %s: %s due, %s claimed, %s sent, %s failed, %s may have been sent.",
                    now.isoformat(), result.due, result.claimed, result.sent, result.failed, result.uncertain)
    return result


def _send_all(claimed, wanted) -> tuple[list, int, int]:
    """Send the claimed reminders, in the order they are wanted (time, then organisation), and record
    how each went. Returns (sent: [(occasion, user)], how many failed, how many are uncertain)."""
    order = {key: position for position, key in enumerate(wanted)}
    claimed = sorted(claimed, key=lambda claim: order[claim[1]])
    sent, failed, uncertain = [], {}, {}
    try:
        connection = open_connection()
    except EmailNotSent as error:
        logger.error("Reminders not sent: %s. They will be tried again.", error)
        _record_failed({pk: str(error) for pk, _key in claimed})
        return [], len(claimed), 0
    try:
        for position, (pk, key) in enumerate(claimed):
            occasion, user = wanted[key]
            try:
                message = reminder_email(occasion=occasion, user=user).message()
            except Exception as error:  # noqa: BLE001 - never sent: tried again later
                logger.exception("Reminder %s to %s could not be composed; it will be tried again.", key, user.email)
                failed[pk] = f"{type(error).__name__}: {error}"
                continue
            outcome, error = deliver(message, connection)
            if outcome == Delivery.SENT:
                sent.append((occasion, user, pk))
            elif outcome == Delivery.FAILED:
                logger.error("Reminder %s to %s was refused by the mail server; it will be tried again. %s",
                             key, user.email, error)
                failed[pk] = error
            else:
                logger.error("Reminder %s to %s may have been sent (the mail server did not confirm it); it is "
                             "not tried again. %s", key, user.email, error)
                uncertain[pk] = error
                untried = [pk for pk, _key in claimed[position + 1:]]
                if untried:  # the connection is not to be trusted any more; these certainly did not go
                    logger.warning("%s reminders not tried after that error; they will be tried again.", len(untried))
                    failed.update({pk: "Not tried after an uncertain send on the same connection." for pk in untried})
                break
    finally:
        try:
            connection.close()
        except Exception:  # noqa: BLE001
            logger.exception("The connection to the mail server could not be closed cleanly.")
    Reminder.objects.filter(pk__in=[pk for _occasion, _user, pk in sent]).update(delivery=Delivery.SENT)
    _record_failed(failed)
    for pk, error in uncertain.items():
        Reminder.objects.filter(pk=pk).update(delivery=Delivery.UNCERTAIN, error=error[:1000])
    return [(occasion, user) for occasion, user, _pk in sent], len(failed), len(uncertain)


def _record_failed(failed: dict[int, str]) -> None:
    """Certainly nothing left the building for these: the claim is given back, so a later sweep
    tries again; the error is kept for the office to see meanwhile."""
    for pk, error in failed.items():
        Reminder.objects.filter(pk=pk).update(sent_at=None, delivery=Delivery.FAILED, error=error[:1000])


def _notify(sent) -> None:
    """One notification per recipient, written in as many statements as there are distinct texts
    (rounds × kinds × offsets × language forms), not one per recipient."""
    groups = defaultdict(list)
    for occasion, user in sent:
        data = reminder_facts(occasion)
        groups[(notification_url(occasion), json.dumps(data, sort_keys=True))].append(user)
    for (url, data), users in groups.items():
        notify(users=users, kind=ReminderNotice.REMINDER, data=json.loads(data), url=url)
