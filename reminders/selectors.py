"""Reads for the office admin's pages: the reminder calendar (what will go, from the sweep's own
`reminders_planned`, and what went) and the e-mails that were not sent."""

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.mail import RETRY_FOR, STALE_CLAIM
from portal.models import Delivery, SentEmail
from portal.permissions import administered_office_ids
from schemes.models import Round

from .models import Reminder, ReminderKind
from .occasions import Occasion, inputs_read, occasions_of, recipients_attach, reminders_planned, reports_pending


def rounds_administered(*, user):
    """The rounds of the offices the user administers, newest first."""
    return (Round.objects.filter(office_id__in=administered_office_ids(user))
            .select_related("scheme", "office").order_by("-year", "office__name", "pk"))


def offset_label(kind: str, offset: int) -> str:
    if kind in (ReminderKind.APPLICATION_DEADLINE, ReminderKind.REPORTING_DEADLINE):
        return ngettext("%(days)d day before the deadline", "%(days)d days before the deadline", offset) % {
            "days": offset}
    if kind == ReminderKind.REPORT_OVERDUE:
        return _("the day after the deadline")
    if offset < 0:
        return ngettext("%(days)d day before the round's reporting deadline",
                        "%(days)d days before the round's reporting deadline", -offset) % {"days": -offset}
    return ngettext("%(days)d day after the round's reporting deadline",
                    "%(days)d days after the round's reporting deadline", offset) % {"days": offset}


@dataclass
class PlannedRow:
    due_at: dt.datetime
    due_now: bool
    kind: str
    offset: str
    organisation: str
    recipients: list[str]
    daily: bool


def reminder_calendar(*, round_: Round, now: dt.datetime | None = None) -> dict:
    """What will go and what went for the round: a constant number of queries, whatever its size."""
    now = now or timezone.now()
    planned = [_planned_row(occasion, now) for occasion in reminders_planned(round_=round_, now=now)]
    went = list(Reminder.objects.filter(round=round_, sent_at__isnull=False)
                .select_related("recipient", "organisation").order_by("-sent_at", "kind", "organisation__name",
                                                                      "recipient__email"))
    for reminder in went:
        reminder.offset_label = offset_label(reminder.kind, reminder.offset)
    return {
        "planned": planned,
        "went": went,
        "waiting": Reminder.objects.filter(round=round_, sent_at__isnull=True).count(),
        "published": round_.published,
    }


def _planned_row(occasion: Occasion, now: dt.datetime) -> PlannedRow:
    summary = occasion.kind == ReminderKind.OVERDUE_SUMMARY
    return PlannedRow(
        due_at=occasion.due_at, due_now=occasion.due_at <= now, kind=occasion.kind_label,
        offset=offset_label(occasion.kind, occasion.offset),
        organisation=occasion.organisation.name if occasion.organisation else _("The office's caseworkers"),
        recipients=[user.email for user in occasion.recipients], daily=summary,
    )


# --- e-mails that were not sent -------------------------------------------------------------------------

@dataclass(frozen=True)
class Unsent:
    """One e-mail that did not (certainly) go: a receipt, letter or request for information, or a
    reminder."""

    when: dt.datetime
    subject: str
    recipients: list[str]
    status: str  # a Delivery value
    status_label: str
    error: str
    tried_again: bool  # a certain failure: it is tried again automatically


def unsent_emails(*, user, now: dt.datetime | None = None) -> list[Unsent]:
    """The e-mails of the offices the user administers that were not sent: certainly not (failed,
    tried again while useful), perhaps not (uncertain: never sent again), or claimed and never
    finished (its worker died). Newest first; two queries."""
    now = now or timezone.now()
    offices = administered_office_ids(user)
    not_confirmed = (Q(status__in=[Delivery.FAILED, Delivery.UNCERTAIN])
                     | Q(status=Delivery.CLAIMED, claimed_at__lt=now - STALE_CLAIM))
    rows = [
        Unsent(when=email.claimed_at, subject=email.subject, recipients=list(email.recipients), status=email.status,
               status_label=email.get_status_display(), error=email.error,
               tried_again=email.status == Delivery.FAILED and email.created_at >= now - RETRY_FOR)
        for email in SentEmail.objects.filter(not_confirmed, office_id__in=offices)
    ]
    reminders = (Reminder.objects.filter(round__office_id__in=offices)
                 .filter(Q(delivery__in=[Delivery.FAILED, Delivery.UNCERTAIN])
                         | Q(delivery=Delivery.CLAIMED, sent_at__lt=now - STALE_CLAIM))
                 .select_related("recipient", "round__scheme", "round__office", "organisation"))
    for reminder in reminders:
        rows.append(Unsent(
            when=reminder.sent_at or reminder.created_at,
            subject=_("Reminder: %(kind)s, %(round)s") % {"kind": reminder.get_kind_display(), "round": reminder.round},
            recipients=[reminder.recipient.email], status=reminder.delivery,
            status_label=reminder.get_delivery_display(), error=reminder.error,
            tried_again=reminder.delivery == Delivery.FAILED))
    return sorted(rows, key=lambda row: row.when, reverse=True)


# --- "My page": a summary for the office admin -----------------------------------------------------------

@dataclass(frozen=True)
class WithoutRecipient:
    round: Round
    count: int  # reminders due now or to come that have nobody to go to


def reminders_without_recipient(*, user, now: dt.datetime | None = None) -> list[WithoutRecipient]:
    """Per published round of the offices the user administers: how many reminders, due now or to come,
    have nobody to go to (an organisation without an active editor or signatory, an office without an
    active caseworker for the overdue summary). Computed by the sweep's own code (`occasions`), for all
    the rounds at once: a constant number of queries."""
    now = now or timezone.now()
    rounds = list(rounds_administered(user=user).filter(published=True).prefetch_related("office__counties"))
    if not rounds:
        return []
    inputs = inputs_read(rounds=[round_ for round_ in rounds if now < round_.closes_at],
                         reports=reports_pending().filter(application__round__in=rounds))
    occasions = occasions_of(inputs, now, upcoming=True)
    recipients_attach(occasions)
    counts = Counter(occasion.round.pk for occasion in occasions if not occasion.recipients)
    return [WithoutRecipient(round=round_, count=counts[round_.pk]) for round_ in rounds if counts[round_.pk]]


@dataclass(frozen=True)
class UnsentSummary:
    count: int
    tried_again: int  # of those, certain failures the portal tries again by itself


def unsent_emails_summary(*, user, now: dt.datetime | None = None) -> UnsentSummary:
    """How many e-mails of the user's administered offices were not sent (`unsent_emails`), in two queries."""
    rows = unsent_emails(user=user, now=now)
    return UnsentSummary(count=len(rows), tried_again=sum(1 for row in rows if row.tried_again))
