"""The office's rules (casework.rules), each named once and tested here once; hypothesis checks the
pure ones for every input it can think of."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from casework.models import MAX_CRITERION_SCORE, DecisionStatus, Outcome
from casework.rules import (
    appeal_deadline,
    assessment_locked,
    auditor_statement_required,
    budget_refusal,
    decision_known_to_applicant,
    outcome_for,
    over_budget,
    weighted_score,
)
from tests.schemes.factories import oslo


@st.composite
def scored_criteria(draw):
    count = draw(st.integers(min_value=1, max_value=8))
    criteria = [SimpleNamespace(pk=pk, weight=draw(st.integers(1, 100))) for pk in range(count)]
    scores = {c.pk: draw(st.integers(0, MAX_CRITERION_SCORE)) for c in criteria}
    return criteria, scores


@given(scored_criteria())
def test_the_weighted_score_is_between_0_and_100(case):
    criteria, scores = case
    assert 0 <= weighted_score(scores, criteria) <= 100


@given(scored_criteria())
def test_all_top_scores_give_100_and_all_zeros_give_0(case):
    criteria, _scores = case
    assert weighted_score({c.pk: MAX_CRITERION_SCORE for c in criteria}, criteria) == 100
    assert weighted_score({c.pk: 0 for c in criteria}, criteria) == 0


@given(scored_criteria(), st.data())
def test_a_better_score_on_one_criterion_never_lowers_the_weighted_score(case, data):
    criteria, scores = case
    improved = data.draw(st.sampled_from(criteria))
    better = {**scores, improved.pk: min(scores[improved.pk] + 1, MAX_CRITERION_SCORE)}
    assert weighted_score(better, criteria) >= weighted_score(scores, criteria)


@given(scored_criteria(), st.data())
def test_no_weighted_score_until_every_criterion_has_one(case, data):
    criteria, scores = case
    missing = data.draw(st.sampled_from(criteria))
    assert weighted_score({k: v for k, v in scores.items() if k != missing.pk}, criteria) is None
    assert weighted_score({}, []) is None


lines = st.lists(st.integers(min_value=0, max_value=1_000_000).flatmap(
    lambda applied: st.fixed_dictionaries({"applied": st.just(applied),
                                           "awarded": st.integers(min_value=0, max_value=applied)})),
    min_size=1, max_size=6)


@given(lines)
def test_the_outcome_follows_from_the_awards(rows):
    outcome = outcome_for(rows)
    if sum(row["awarded"] for row in rows) == 0:
        assert outcome == Outcome.REJECTED
    elif all(row["awarded"] == row["applied"] for row in rows):
        assert outcome == Outcome.GRANTED
    else:
        assert outcome == Outcome.PARTLY_GRANTED


@pytest.mark.parametrize("budget, proposed, over", [
    (10_000_000, 10_000_000, False), (10_000_000, 10_000_001, True), (None, 0, False), (None, 1, True)])
def test_the_budget_guard(budget, proposed, over, english):
    """An empty budget is no money: the board shows it over budget and approvals are refused, saying so."""
    round_ = SimpleNamespace(budget=budget)
    assert over_budget(round_, proposed) is over
    refusal = budget_refusal(round_, proposed)
    assert bool(refusal) is over
    if over and budget is None:
        assert "no budget" in refusal


@pytest.mark.parametrize("total, required", [(200_000, False), (200_001, True)])
def test_the_auditors_statement_is_required_above_the_threshold(total, required):
    assert auditor_statement_required(SimpleNamespace(auditor_statement_threshold=200_000), total) is required


@pytest.mark.parametrize("status, known, locked", [
    (DecisionStatus.PROPOSED, False, False), (DecisionStatus.APPROVED, False, True), (DecisionStatus.SENT, True, True)])
def test_the_applicant_learns_of_a_decision_by_its_letter_and_approval_locks_the_assessment(status, known, locked):
    decision = SimpleNamespace(status=status)
    assert decision_known_to_applicant(decision) is known
    assert assessment_locked(decision) is locked
    assert decision_known_to_applicant(None) is False and assessment_locked(None) is False


@given(st.datetimes(min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2030, 12, 31)))
def test_an_appeal_may_come_until_three_weeks_after_the_letter_was_sent(sent):
    sent = timezone.make_aware(sent.replace(fold=0), timezone.get_default_timezone())
    deadline = appeal_deadline(SimpleNamespace(sent_at=sent))
    assert deadline == timezone.localtime(sent).date() + dt.timedelta(days=21)
    assert appeal_deadline(SimpleNamespace(sent_at=None)) is None


def test_a_letter_sent_just_after_midnight_counts_from_its_norwegian_day():
    assert appeal_deadline(SimpleNamespace(sent_at=oslo(2026, 3, 2, 0, 5))) == dt.date(2026, 3, 23)
