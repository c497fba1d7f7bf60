"""The application's own rules, each one named function:

- `round_closed_reason`: whether the round takes submissions now (and so edits of a draft).
- `round_deadline_applies`: whether the round's deadline still concerns the application (it waits
  to be submitted); a submitted, returned or decided application is not told the round is "open".
- `EDITABLE_STATUSES`, `NOT_IN_PLAY`: in which statuses the municipality may change it, and which
  the office neither assesses nor counts.
- `applicant_status`: the status as the applicant may know it. The office's side can be ahead of
  what the municipality is told (a decision exists for them only once its letter is sent); the
  layers above say what to hide through `applications.hooks`.
- `competence_plan_is_up_to_date`: a plan younger than the round allows (months, to the day).
- the rus og psykisk helse target-group rule is the scheme's: `schemes.rules.target_group_allows`.
"""

import calendar
import datetime as dt
from collections.abc import Callable

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import hooks
from .models import Application, ApplicationStatus

EDITABLE_STATUSES = (ApplicationStatus.DRAFT, ApplicationStatus.RETURNED)  # the municipality may change it
NOT_IN_PLAY = (ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN)  # the office neither assesses nor counts it


def round_closed_reason(round_, now: dt.datetime) -> str:
    """"" while the round takes submissions (grace minutes included); otherwise why not."""
    if round_.is_open(now):
        return ""
    if round_.has_not_opened(now):
        return _("The round has not opened yet.")
    return _("The application deadline has passed.")


AWAITING_SUBMISSION = (ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN)  # submit and reopen: by the deadline


def round_deadline_applies(application: Application) -> bool:
    """Whether the round's deadline (open, in its grace minutes, closed) is news to the application:
    only while it waits for a submission the deadline governs. A resubmission the office asked for
    is not bound by it, and a decided application is long past it."""
    return application.status in AWAITING_SUBMISSION


def applicant_status(application: Application) -> str:
    return hooks.masked_status(application)


def applicant_status_label(application: Application) -> str:
    return str(ApplicationStatus(applicant_status(application)).label)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later; the month's last day when it has no such day (31 -> 30)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def competence_plan_is_up_to_date(application: Application, on: dt.date | None = None) -> bool | None:
    """None when the plan has no date; else whether, on `on` (the round's deadline by default), it
    is at most the round's `competence_plan_max_age_months` old."""
    updated = application.competence_plan_updated_on
    if not updated:
        return None
    return competence_plan_rule(round_=application.round, on=on)(updated)


def competence_plan_rule(*, round_, on: dt.date | None = None) -> Callable[[dt.date | None], bool | None]:
    """`competence_plan_is_up_to_date` for the applications of `round_`, as a function of the plan's
    date: the deadline's date is worked out once, not once per application of a list."""
    on = on or timezone.localtime(round_.closes_at).date()
    months = round_.competence_plan_max_age_months

    def up_to_date(updated: dt.date | None) -> bool | None:
        return None if not updated else on <= add_months(updated, months)

    return up_to_date


def takes_lines_from_last_year(*, has_measures: bool, has_projects: bool) -> bool:
    """Last year's measures and projects are copied only into an application with none of its own
    (never mixed in): what the copy does (`services.starting.application_copy_previous`) and when the
    task list offers it."""
    return not has_measures and not has_projects
