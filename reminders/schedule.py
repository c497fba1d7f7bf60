"""When each reminder is due: pure functions of a round's or a report's dates, no database. The sweep
and the office admin's calendar both build on these (see `reminders.occasions`).

A *series* is the reminders one organisation (or one office) gets about one deadline, and a *step*
one reminder of a series. At any moment only the latest due step of a series is sent (the smallest
number of days), and none once its deadline has passed: a sweep that was down for a while catches
up with the reminder that is still useful, never with a 14-day reminder on the last day.

Days are counted in local time (Europe/Oslo): "7 days before 20.02 at 23:59" is 13.02 at 23:59,
also across a change to or from daylight-saving time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone

if TYPE_CHECKING:
    from reporting.models import GrantReport
    from schemes.models import Round

OSLO = timezone.get_default_timezone()
SUMMARY_HOUR = 7  # the caseworkers' daily summary and the overdue notice go from 07:00 local time
MAX_OFFSET_DAYS = 365  # schemes.models.validate_reminder_days
OVERDUE_OFFSET = 1


@dataclass(frozen=True)
class Step:
    """One step of a series: `offset` days, due from `due_at`, useful until `until` (None: while the
    report is missing)."""

    offset: int
    due_at: dt.datetime
    until: dt.datetime | None




def days_before(moment: dt.datetime, days: int) -> dt.datetime:
    """The same local time of day `days` earlier (DST-safe), as UTC for plain comparisons."""
    return (timezone.localtime(moment, OSLO) - dt.timedelta(days=days)).astimezone(dt.UTC)


def overdue_from(report: GrantReport) -> dt.datetime:
    """A deadline of 23:59 accepts the report until 23:59:59; it is overdue from the next minute."""
    return report.due_at.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)


def overdue_notice_at(report: GrantReport) -> dt.datetime:
    """The overdue notice goes the day after the deadline: at `SUMMARY_HOUR` on the local day after
    `due_at` (never before the report is overdue)."""
    day_after = timezone.localdate(report.due_at, OSLO) + dt.timedelta(days=1)
    return max(at_summary_hour(day_after), overdue_from(report))


def application_steps(round_: Round) -> list[Step]:
    """The round's application reminders that fall inside its application period."""
    steps = [Step(days, days_before(round_.closes_at, days), round_.closes_at)
             for days in sorted(set(round_.application_reminder_days), reverse=True)]
    return [step for step in steps if step.due_at >= round_.opens_at]


def reporting_steps(report: GrantReport, round_: Round) -> list[Step]:
    return [Step(days, days_before(report.due_at, days), report.due_at)
            for days in sorted(set(round_.reporting_reminder_days), reverse=True)]


def overdue_steps(report: GrantReport) -> list[Step]:
    return [Step(OVERDUE_OFFSET, overdue_notice_at(report), None)]


def pick(steps: list[Step], now: dt.datetime, *, upcoming: bool) -> list[Step]:
    """The latest step already due and still useful (catch-up sends only that one); with
    `upcoming`, also the steps still to come."""
    useful = [step for step in steps if step.until is None or now < step.until]
    due = [step for step in useful if step.due_at <= now]
    picked = [max(due, key=lambda step: step.due_at)] if due else []
    if upcoming:
        picked += [step for step in useful if step.due_at > now]
    return picked


def at_summary_hour(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(SUMMARY_HOUR)), OSLO)


def summary_due_at(day: dt.date, first_overdue: dt.datetime) -> dt.datetime:
    return max(at_summary_hour(day), first_overdue)


def summary_offset(round_: Round, day: dt.date) -> int:
    """Days since the round's reporting deadline (its local date): one summary per day."""
    return (day - timezone.localdate(round_.reporting_deadline, OSLO)).days
