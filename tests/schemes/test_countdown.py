"""The countdown on 'My page' (`schemes.rules.deadline_countdown`) counts calendar days in
Europe/Oslo, across daylight-saving changes, and tells the grace minutes apart from the deadline;
what a round still lacks before it takes applications (`round_setup_problems`)."""

import datetime as dt

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from schemes.models import Round
from schemes.rules import deadline_countdown, round_setup_problems
from tests.schemes.factories import AssessmentCriterionFactory, RoundFactory

OSLO = timezone.get_default_timezone()


def oslo(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args), OSLO)


def round_closing(closes: dt.datetime, grace: int = 0) -> Round:
    return Round(published=True, opens_at=closes - dt.timedelta(days=60), closes_at=closes, grace_minutes=grace)


def test_days_are_calendar_days_in_oslo_across_the_spring_change():
    round_ = round_closing(oslo(2026, 3, 30, 23, 59))  # the night of 29 March has 23 hours
    assert deadline_countdown(round_, oslo(2026, 3, 27, 0, 30)).days_left == 3
    assert deadline_countdown(round_, oslo(2026, 3, 27, 23, 30)).days_left == 3
    assert deadline_countdown(round_, oslo(2026, 3, 30, 0, 0)).days_left == 0


def test_days_are_calendar_days_in_oslo_across_the_autumn_change():
    round_ = round_closing(oslo(2026, 10, 26, 12, 0))  # the night of 25 October has 25 hours
    assert deadline_countdown(round_, oslo(2026, 10, 24, 23, 30)).days_left == 2
    assert deadline_countdown(round_, oslo(2026, 10, 25, 0, 10)).days_left == 1


def test_the_grace_minutes_are_after_the_deadline_and_then_it_is_over():
    round_ = round_closing(oslo(2026, 2, 20, 23, 59), grace=30)
    before = deadline_countdown(round_, oslo(2026, 2, 20, 23, 59, 59))
    assert not before.in_grace and before.days_left == 0
    during = deadline_countdown(round_, oslo(2026, 2, 21, 0, 10))
    assert during.in_grace and during.accepts_until == round_.submission_closes_at
    assert deadline_countdown(round_, oslo(2026, 2, 21, 0, 31)) is None
    assert deadline_countdown(round_, oslo(2025, 12, 1)) is None  # not open yet


@given(st.datetimes(min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2035, 12, 1)),
       st.integers(min_value=0, max_value=40))
def test_n_days_before_a_deadline_at_23_59_it_is_n_days_left(local_now, days):
    local_now = local_now.replace(hour=12)
    closes = timezone.make_aware(dt.datetime.combine(local_now.date() + dt.timedelta(days=days), dt.time(23, 59)), OSLO)
    assert deadline_countdown(round_closing(closes), timezone.make_aware(local_now, OSLO)).days_left == days


@pytest.mark.django_db
def test_a_round_to_configure_is_told_what_it_lacks(english):
    now = timezone.now()
    bare = RoundFactory(published=False, budget=None)
    assert [str(p) for p in round_setup_problems(bare, now)] == [
        "Set the budget.", "Add the assessment criteria and their weights.", "Publish the round."]
    AssessmentCriterionFactory(round=bare, weight=60)
    assert "they must add up to 100" in " ".join(str(p) for p in round_setup_problems(bare, now))
    assert round_setup_problems(RoundFactory(with_criteria=True), now) == []
    assert round_setup_problems(RoundFactory(closed=True, published=False), now) == []  # its time is past
