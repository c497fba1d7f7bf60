"""The allocation suggestion: pure functions, no database. The prioritisation board shows the
suggestion next to what is proposed; a caseworker may accept it (`services.board`).

By score, each application gets what it applied for while the budget lasts; the first that does not
fit gets what is left; the rest get nothing. What an approved decision granted is fixed: it is
suggested as decided and comes off the budget first. Within an application, the suggested amount
is spread over its lines: rus og psykisk helse measures first, then those raising the formal
education level, then projects in the municipality's own priority order, then the rest."""

from applications.models import LinePart


def suggestion_order_key(row):
    """Highest score first; unscored last; then more rus og psykisk helse; then smaller asks; then
    the older application (its id), so the order is always the same."""
    return (row.score is None, -(row.score or 0), -row.mental_health_applied, row.applied, row.key)


def allocation_suggest(rows: list, budget: int) -> None:
    """Fill each row's `suggested` (rows have key, score, mental_health_applied, applied, decided)."""
    left = budget
    open_rows = []
    for row in rows:
        if row.decided is None:
            open_rows.append(row)
        else:
            row.suggested = row.decided
            left -= row.decided
    for row in sorted(open_rows, key=suggestion_order_key):
        row.suggested = min(row.applied, max(left, 0))
        left -= row.suggested


def lines_for_amount(measures, projects, amount: int) -> dict[tuple[str, int], int]:
    """Spread `amount` over an application's lines (see the module's docstring): each line gets what
    it applied for until the amount is used. Returns {(part, line id): kroner}."""
    # within each group, measures that raise the formal education level come first, then by id
    measures = sorted(measures, key=lambda m: (not m.raises_formal_education, m.pk))
    projects = sorted(projects, key=lambda p: (p.priority_rank is None, p.priority_rank or 0, p.pk))
    ordered = [(LinePart.MEASURE, m) for m in measures if m.concerns_mental_health]
    ordered += [(LinePart.MEASURE, m) for m in measures if not m.concerns_mental_health and m.raises_formal_education]
    ordered += [(LinePart.PROJECT, p) for p in projects]
    ordered += [(LinePart.MEASURE, m) for m in measures
                if not m.concerns_mental_health and not m.raises_formal_education]
    awards, left = {}, amount
    for part, line in ordered:
        awards[(part.value, line.pk)] = min(line.amount_applied or 0, left)
        left -= awards[(part.value, line.pk)]
    return awards
