"""The prioritisation board: every application of a round at one office in one table, with the
budget, what is applied for, what is proposed, and a suggestion that allocates by score.

Reads only (selectors), in a constant number of queries however many applications there are,
plus the one write that accepts the suggestion (through the assessment service's award rules)."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Prefetch

from .completeness import competence_plan_is_up_to_date
from .decisions import NOT_IN_PLAY
from .models import Application, CompetenceMeasure, DecisionStatus, InnovationProject
from .models.lines import FORMAL_EDUCATION_KINDS
from .selectors import application_totals


@dataclass
class BoardRow:
    application: Application
    applied: int
    proposed: int | None  # None while some line has no proposed award
    score: int | None
    mental_health_applied: int
    plan_up_to_date: bool | None
    suggested: int = 0
    rank: int | None = None
    proposed_so_far: int = 0  # the awards set so far, also while some line has none (as the approval guard counts)

    @property
    def decision_status(self):
        decision = getattr(self.application, "decision", None)
        return decision.get_status_display() if decision else ""


@dataclass
class Board:
    round: object
    rows: list[BoardRow] = field(default_factory=list)

    @property
    def budget(self) -> int:
        return self.round.budget or 0

    @property
    def total_applied(self) -> int:
        return sum(r.applied for r in self.rows)

    @property
    def total_proposed(self) -> int:
        return sum(r.proposed_so_far for r in self.rows)

    @property
    def total_suggested(self) -> int:
        return sum(r.suggested for r in self.rows)

    @property
    def remaining(self) -> int:
        return self.budget - self.total_proposed

    @property
    def over_budget(self) -> bool:
        return self.total_proposed > self.budget

    @property
    def ratio(self) -> Decimal | None:
        """Applied for as a multiple of the budget, one decimal: 2.3 (shown "2,3 × budsjettet")."""
        if not self.budget:
            return None
        return (Decimal(self.total_applied) / Decimal(self.budget)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _board_queryset(round_):
    return (
        Application.objects.filter(round=round_).exclude(status__in=NOT_IN_PLAY)
        .select_related("organisation", "round", "assessment", "decision")
        .prefetch_related(
            Prefetch("measures", queryset=CompetenceMeasure.objects.order_by("id")),
            Prefetch("projects", queryset=InnovationProject.objects.order_by("priority_rank", "id")),
            "attachments",
        )
    )


def _proposed(application) -> int | None:
    lines = [*application.measures.all(), *application.projects.all()]
    if not lines or any(line.proposed_award is None for line in lines):
        return None
    return sum(line.proposed_award for line in lines)


def _decided_amount(row: BoardRow) -> int | None:
    """What an approved or sent decision granted: fixed, so the suggestion cannot move it."""
    decision = getattr(row.application, "decision", None)
    if decision is None or decision.status == DecisionStatus.PROPOSED:
        return None
    return decision.total_awarded


def suggestion_order_key(row: BoardRow):
    """Highest score first; unscored last; then more rus og psykisk helse; then smaller asks."""
    return (row.score is None, -(row.score or 0), -row.mental_health_applied, row.applied, row.application.pk)


def allocation_suggest(rows: list[BoardRow], budget: int) -> None:
    """Fill each row's `suggested`: by score, each gets what it applied for while the budget lasts;
    the first that does not fit gets what is left; the rest get nothing. What approved decisions
    granted is fixed: it is suggested as decided and comes off the budget first."""
    left = budget
    open_rows = []
    for row in rows:
        decided = _decided_amount(row)
        if decided is None:
            open_rows.append(row)
        else:
            row.suggested = decided
            left -= decided
    for row in sorted(open_rows, key=suggestion_order_key):
        row.suggested = min(row.applied, max(left, 0))
        left -= row.suggested


def board_for_round(*, round_, sort: str = "score") -> Board:
    board = Board(round=round_)
    for application in _board_queryset(round_):
        totals = application_totals(application=application)
        assessment = getattr(application, "assessment", None)
        board.rows.append(BoardRow(
            application=application, applied=totals.applied, proposed=_proposed(application),
            proposed_so_far=sum(line.proposed_award or 0
                                for line in [*application.measures.all(), *application.projects.all()]),
            score=assessment.score if assessment else None, mental_health_applied=totals.mental_health_applied,
            plan_up_to_date=competence_plan_is_up_to_date(application),
        ))
    allocation_suggest(board.rows, board.budget)
    for rank, row in enumerate(sorted(board.rows, key=suggestion_order_key), start=1):
        row.rank = rank
    sorters = {
        "score": suggestion_order_key,
        "name": lambda r: r.application.organisation.name,
        "applied": lambda r: -r.applied,
        "proposed": lambda r: -(r.proposed or 0),
    }
    board.rows.sort(key=sorters.get(sort, suggestion_order_key))
    return board


def lines_for_amount(application: Application, amount: int) -> dict[tuple[str, int], int]:
    """Spread an application's suggested amount over its lines: rus og psykisk helse measures first,
    then those raising the formal education level, then projects in the municipality's priority
    order, then the rest; each line gets what it applied for until the amount is used."""
    measures = sorted(application.measures.all(), key=lambda m: (
        not m.concerns_mental_health, m.kind not in FORMAL_EDUCATION_KINDS and not m.gives_credits, m.pk))
    projects = sorted(application.projects.all(), key=lambda p: (p.priority_rank is None, p.priority_rank or 0, p.pk))
    ordered = [("measure", m) for m in measures if m.concerns_mental_health]
    ordered += [("measure", m) for m in measures if not m.concerns_mental_health and m.raises_formal_education]
    ordered += [("project", p) for p in projects]
    ordered += [("measure", m) for m in measures if not m.concerns_mental_health and not m.raises_formal_education]
    awards, left = {}, amount
    for part, line in ordered:
        awards[(part, line.pk)] = min(line.amount_applied or 0, left)
        left -= awards[(part, line.pk)]
    return awards


def board_accept_suggestion(*, round_, user, application_ids: list[int] | None = None) -> int:
    """Set the proposed awards of the chosen applications (all when None) to the suggestion.
    Goes through the assessment service, so the same rules and events apply. Returns how many."""
    from .assessments import assessment_save

    board = board_for_round(round_=round_)
    accepted = 0
    with transaction.atomic():
        for row in board.rows:
            if application_ids is not None and row.application.pk not in application_ids:
                continue
            if getattr(row.application, "decision", None) and row.application.decision.status != "proposed":
                continue
            assessment = getattr(row.application, "assessment", None)
            scores = dict(assessment.scores.values_list("criterion_id", "score")) if assessment else {}
            assessment_save(
                application=row.application, user=user, scores=scores, notes=assessment.notes if assessment else "",
                awards=lines_for_amount(row.application, row.suggested),
                base_version=assessment.version if assessment else 0,
            )
            accepted += 1
    return accepted


__all__ = ["Board", "BoardRow", "allocation_suggest", "board_accept_suggestion", "board_for_round",
           "lines_for_amount"]
