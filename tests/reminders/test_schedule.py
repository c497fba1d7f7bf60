"""When reminders fall due (reminders.schedule): pure functions, checked across daylight-saving
changes and for catch-up after downtime, for every date hypothesis can think of."""

import datetime as dt
from types import SimpleNamespace

from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from reminders.schedule import (
    SUMMARY_HOUR,
    Step,
    days_before,
    overdue_from,
    overdue_notice_at,
    pick,
)

OSLO = timezone.get_default_timezone()
moments = st.datetimes(min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2035, 12, 31)).map(
    lambda moment: timezone.make_aware(moment.replace(second=0, microsecond=0, fold=0), OSLO))


@given(moments, st.integers(min_value=1, max_value=365))
def test_n_days_before_is_the_same_local_time_of_day_across_daylight_saving(deadline, days):
    before = days_before(deadline, days)
    local, local_deadline = timezone.localtime(before, OSLO), timezone.localtime(deadline, OSLO)
    assert local.date() == local_deadline.date() - dt.timedelta(days=days)
    if local_deadline.time() == (local_deadline - dt.timedelta(days=days)).time():  # a time that exists that day
        assert local.time() == local_deadline.time()


@given(moments)
def test_a_report_is_overdue_from_the_minute_after_its_deadline_and_told_the_next_morning(due):
    report = SimpleNamespace(due_at=due)
    assert overdue_from(report) - due.replace(second=0, microsecond=0) == dt.timedelta(minutes=1)
    notice = timezone.localtime(overdue_notice_at(report), OSLO)
    assert notice >= overdue_from(report)
    assert notice.date() == timezone.localtime(due, OSLO).date() + dt.timedelta(days=1)
    assert (notice.hour, notice.minute) == (SUMMARY_HOUR, 0)


@st.composite
def series(draw):
    deadline = draw(moments)
    offsets = sorted(set(draw(st.lists(st.integers(1, 90), min_size=1, max_size=5))), reverse=True)
    return deadline, [Step(days, days_before(deadline, days), deadline) for days in offsets]


@given(series(), st.integers(min_value=-100 * 24, max_value=2 * 24))
def test_catch_up_sends_only_the_latest_step_still_useful(case, hours):
    deadline, steps = case
    now = deadline + dt.timedelta(hours=hours)
    picked = pick(steps, now, upcoming=False)
    assert len(picked) <= 1
    if now >= deadline:
        assert picked == []  # none once the deadline has passed
    elif picked:
        due = [step for step in steps if step.due_at <= now]
        assert picked[0] == max(due, key=lambda step: step.due_at)  # the one with the fewest days
        assert picked[0].offset == min(step.offset for step in due)


@given(series(), st.integers(min_value=-100 * 24, max_value=0))
def test_the_calendar_shows_what_is_due_and_every_step_to_come(case, hours):
    deadline, steps = case
    now = deadline + dt.timedelta(hours=hours)
    planned = pick(steps, now, upcoming=True)
    assert [step for step in planned if step.due_at > now] == [step for step in steps if now < step.due_at < deadline]
