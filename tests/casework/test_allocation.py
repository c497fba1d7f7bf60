"""Properties of the allocation suggestion (casework.allocation): pure functions, checked for every
board and budget hypothesis can think of. The board's pages and its worked examples are in
test_board.py."""

from dataclasses import dataclass
from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st

from casework.allocation import allocation_suggest, lines_for_amount, suggestion_order_key

kroner = st.integers(min_value=0, max_value=5_000_000)


@dataclass
class Row:
    key: int
    applied: int
    score: int | None
    mental_health_applied: int
    decided: int | None = None
    suggested: int = 0


@st.composite
def boards(draw):
    count = draw(st.integers(min_value=0, max_value=12))
    rows = []
    for key in range(1, count + 1):
        applied = draw(kroner)
        decided = draw(st.none() | st.integers(min_value=0, max_value=applied))
        rows.append(Row(key=key, applied=applied, score=draw(st.none() | st.integers(0, 100)),
                        mental_health_applied=draw(st.integers(min_value=0, max_value=applied)), decided=decided))
    return rows


@given(boards(), kroner)
def test_the_suggestion_never_gives_more_than_applied_for_nor_more_than_the_budget(rows, budget):
    allocation_suggest(rows, budget)
    for row in rows:
        assert 0 <= row.suggested <= row.applied
    decided = sum(row.decided for row in rows if row.decided is not None)
    open_rows = [row for row in rows if row.decided is None]
    assert sum(row.suggested for row in open_rows) <= max(budget - decided, 0)


@given(boards(), kroner)
def test_what_an_approved_decision_granted_is_fixed(rows, budget):
    allocation_suggest(rows, budget)
    for row in rows:
        if row.decided is not None:
            assert row.suggested == row.decided


@given(boards(), kroner)
def test_the_best_scored_are_funded_first_and_at_most_one_only_partly(rows, budget):
    allocation_suggest(rows, budget)
    ordered = sorted((row for row in rows if row.decided is None), key=suggestion_order_key)
    partly = [row for row in ordered if 0 < row.suggested < row.applied]
    assert len(partly) <= 1
    # once one application is not fully funded, nobody after it gets anything
    short = next((i for i, row in enumerate(ordered) if row.suggested < row.applied), None)
    if short is not None:
        assert all(row.suggested == 0 or row.applied == 0 for row in ordered[short + 1:])


@given(boards(), kroner)
def test_the_budget_is_used_up_before_anyone_is_left_short(rows, budget):
    allocation_suggest(rows, budget)
    open_rows = [row for row in rows if row.decided is None]
    left = budget - sum(row.decided for row in rows if row.decided is not None)
    if any(row.suggested < row.applied for row in open_rows):
        assert sum(row.suggested for row in open_rows) == max(left, 0)


@st.composite
def applications(draw):
    measures = [SimpleNamespace(pk=pk, amount_applied=draw(st.none() | kroner), concerns_mental_health=draw(st.booleans()),
                                raises_formal_education=draw(st.booleans()))
                for pk in range(1, draw(st.integers(0, 6)) + 1)]
    projects = [SimpleNamespace(pk=100 + pk, amount_applied=draw(st.none() | kroner),
                                priority_rank=draw(st.none() | st.integers(1, 9)))
                for pk in range(1, draw(st.integers(0, 6)) + 1)]
    return measures, projects


@given(applications(), kroner)
def test_an_amount_is_spread_over_the_lines_without_exceeding_any(lines, amount):
    measures, projects = lines
    awards = lines_for_amount(measures, projects, amount)
    applied = {("measure", m.pk): m.amount_applied or 0 for m in measures}
    applied |= {("project", p.pk): p.amount_applied or 0 for p in projects}
    assert set(awards) == set(applied)
    assert all(0 <= awards[key] <= applied[key] for key in awards)
    assert sum(awards.values()) == min(amount, sum(applied.values()))


@given(applications(), kroner)
def test_rus_og_psykisk_helse_is_served_before_everything_else(lines, amount):
    measures, projects = lines
    awards = lines_for_amount(measures, projects, amount)
    mental_health = [m for m in measures if m.concerns_mental_health]
    if any(awards[("measure", m.pk)] < (m.amount_applied or 0) for m in mental_health):
        others = [key for key in awards if key[0] == "project" or key in
                  {("measure", m.pk) for m in measures if not m.concerns_mental_health}]
        assert all(awards[key] == 0 for key in others)


@given(applications(), kroner)
def test_within_rus_og_psykisk_helse_formal_education_comes_first(lines, amount):
    measures, projects = lines
    awards = lines_for_amount(measures, projects, amount)
    mental_health = [m for m in measures if m.concerns_mental_health]
    formal = [m for m in mental_health if m.raises_formal_education]
    if any(awards[("measure", m.pk)] < (m.amount_applied or 0) for m in formal):
        assert all(awards[("measure", m.pk)] == 0 for m in mental_health if not m.raises_formal_education)


def test_two_rus_og_psykisk_helse_measures_the_one_raising_formal_education_first():
    first = SimpleNamespace(pk=1, amount_applied=100, concerns_mental_health=True, raises_formal_education=False)
    formal = SimpleNamespace(pk=2, amount_applied=100, concerns_mental_health=True, raises_formal_education=True)
    assert lines_for_amount([first, formal], [], 100) == {("measure", 1): 0, ("measure", 2): 100}
