"""The office admin's reminder calendar, under /reminders/: for each round of the admin's office,
what will go (computed by `reminders.reminders_planned`, the sweep's own code) and what went (the
Reminder rows). Only the round's office admins see it; anyone else gets 404, so a round id in the
URL says nothing about another office."""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.permissions import administered_office_ids
from schemes.models import Round

from .models import Reminder, ReminderKind
from .reminders import Occasion, reminders_planned


# --- selectors ---------------------------------------------------------------------------------------------

def rounds_administered(*, user):
    """The rounds of the offices the user administers, newest first."""
    return (Round.objects.filter(office_id__in=administered_office_ids(user))
            .select_related("scheme", "office").order_by("-year", "office__name", "pk"))


def round_administered(*, user, pk: int) -> Round:
    """One round of the user's administered offices, ready for `reminders_planned`; 404 otherwise."""
    round_ = rounds_administered(user=user).prefetch_related("office__counties").filter(pk=pk).first()
    if round_ is None:
        raise Http404
    return round_


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


# --- views ------------------------------------------------------------------------------------------------

@login_required
def rounds(request):
    if not administered_office_ids(request.user):
        raise Http404
    return render(request, "reporting/calendar_rounds.html", {"rounds": list(rounds_administered(user=request.user))})


@login_required
def round_calendar(request, round_pk):
    round_ = round_administered(user=request.user, pk=round_pk)
    return render(request, "reporting/calendar.html", {"round": round_, **reminder_calendar(round_=round_)})
