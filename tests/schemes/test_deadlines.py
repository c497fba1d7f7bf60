"""Deadline arithmetic across daylight-saving changes (Europe/Oslo): a deadline shown as 23:59 takes
submissions until 23:59:59 local time, plus the round's grace minutes, on every day of the year."""

import datetime as dt

from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from schemes.models import MAX_GRACE_MINUTES, Round
from schemes.rules import RoundPhase

OSLO = timezone.get_default_timezone()
local_deadlines = st.datetimes(min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2035, 12, 31)).map(
    lambda moment: moment.replace(second=0, microsecond=0))


def round_closing(local_deadline: dt.datetime, grace: int) -> Round:
    closes = timezone.make_aware(local_deadline, OSLO)
    return Round(published=True, opens_at=closes - dt.timedelta(days=30), closes_at=closes, grace_minutes=grace)


@given(local_deadlines, st.integers(min_value=0, max_value=MAX_GRACE_MINUTES))
def test_submissions_are_accepted_to_the_end_of_the_deadline_minute_plus_grace(local_deadline, grace):
    round_ = round_closing(local_deadline, grace)
    last = round_.submission_closes_at
    assert last - round_.closes_at == dt.timedelta(minutes=1 + grace, microseconds=-1)  # real elapsed time
    assert round_.is_open(last)
    assert not round_.is_open(last + dt.timedelta(microseconds=1))


@given(local_deadlines)
def test_a_deadline_at_23_59_accepts_23_59_59_and_refuses_midnight_local_time(day):
    round_ = round_closing(day.replace(hour=23, minute=59), grace=0)
    next_midnight = timezone.make_aware(dt.datetime.combine(day.date() + dt.timedelta(days=1), dt.time()), OSLO)
    assert round_.is_open(next_midnight - dt.timedelta(seconds=1))
    assert not round_.is_open(next_midnight)


def test_the_nights_of_the_daylight_saving_changes():
    """29 March 2026 (02:00 -> 03:00) and 25 October 2026 (03:00 -> 02:00): 23:59 the day before is
    still the end of that local day."""
    for day in (dt.datetime(2026, 3, 28, 23, 59), dt.datetime(2026, 10, 24, 23, 59)):
        round_ = round_closing(day, grace=30)
        assert timezone.localtime(round_.submission_closes_at).replace(microsecond=0) == timezone.make_aware(
            day + dt.timedelta(minutes=30, seconds=59), OSLO)


# --- where a round stands: open, in its grace minutes, closed (`schemes.rules.round_phase`) --------

@given(local_deadlines, st.integers(min_value=1, max_value=MAX_GRACE_MINUTES))
def test_the_grace_minutes_begin_when_the_deadline_minute_ends_and_end_when_submissions_do(local_deadline, grace):
    round_ = round_closing(local_deadline, grace)
    assert round_.phase(round_.deadline_ends_at) == RoundPhase.OPEN
    assert round_.phase(round_.deadline_ends_at + dt.timedelta(microseconds=1)) == RoundPhase.GRACE
    assert round_.in_grace(round_.submission_closes_at)
    assert round_.phase(round_.submission_closes_at + dt.timedelta(microseconds=1)) == RoundPhase.CLOSED


@given(local_deadlines)
def test_a_round_without_grace_minutes_goes_from_open_to_closed(local_deadline):
    round_ = round_closing(local_deadline, 0)
    after = round_.deadline_ends_at + dt.timedelta(microseconds=1)
    assert round_.phase(after) == RoundPhase.CLOSED
    assert not round_.in_grace(after) and not round_.is_open(after)


def test_before_it_opens_a_round_is_upcoming_and_an_unpublished_one_takes_nothing():
    round_ = round_closing(dt.datetime(2020, 2, 20, 23, 59), 15)
    assert round_.phase(round_.opens_at - dt.timedelta(microseconds=1)) == RoundPhase.UPCOMING
    grace = round_.deadline_ends_at + dt.timedelta(minutes=1)
    round_.published = False
    assert not round_.is_open(grace) and not round_.in_grace(grace)
