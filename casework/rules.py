"""The office's rules, each one named function, called everywhere it applies:

- `decision_known_to_applicant` (and `DECISION_KNOWN_STATUSES` for querysets): the municipality
  learns of a decision from its letter, not before (an enkeltvedtak is made known by the letter).
  The application's status shown to it, its page, the letter download, the report and its
  reminders all ask this.
- `assessment_locked`: once a decision is approved, the assessment and awards no longer change (a
  proposal, or one the approver returned to the caseworker, is still the caseworker's to revise).
- `DECISION_MADE_STATUSES`: a decision approved or sent is made; what it granted counts as awarded
  (the office's figures), and the assessment behind it is locked.
- `applied_to_budget`: how many times the budget the applications ask for.
- `over_budget` / `budget_refusal`: the round's proposals may not add up to more than its budget;
  a round without a budget has no money to give (the board shows it over budget, approval is refused).
- `outcome_for`: granted, partly granted or rejected, from the awards.
- `auditor_statement_required`: above the round's threshold (200 000 kr by default).
- `weighted_score`: 0–100 from the criteria scores and the round's weights.
- `criteria_locked_by_assessments`: once an application of a round is scored, its criteria and
  weights no longer change (every application is ranked on the same terms).
- `appeal_deadline`: three weeks from the day the letter was sent (forvaltningsloven § 29);
  `appeal_within_deadline`: whether an appeal received on a day came in time (a late one is still
  received, marked late).
- `four_eyes_refusal`: nobody approves a decision they proposed themselves.
- `awards_set_by_hand`: the board's suggestion never overwrites an award a caseworker set by hand.
"""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.formatting import kroner

from .models import MAX_CRITERION_SCORE, Assessment, Decision, DecisionStatus, Outcome

APPEAL_WEEKS = 3  # forvaltningsloven § 29
DECISION_KNOWN_STATUSES = (DecisionStatus.SENT,)
DECISION_OPEN_STATUSES = (DecisionStatus.PROPOSED, DecisionStatus.RETURNED)  # the caseworker may still revise it
# the decision is made (approved, then sent): what it granted is awarded, and the assessment is locked
DECISION_MADE_STATUSES = tuple(status for status in DecisionStatus if status not in DECISION_OPEN_STATUSES)


def decision_known_to_applicant(decision: Decision | None) -> bool:
    return decision is not None and decision.status in DECISION_KNOWN_STATUSES


def four_eyes_refusal(decision: Decision, user) -> str:
    """"" when `user` is a second pair of eyes on the decision; otherwise why they may not approve it."""
    if decision.proposed_by_id == user.pk:
        return _("You proposed this decision; another approver must approve it (four eyes).")
    return ""


def assessment_locked(decision: Decision | None) -> bool:
    return decision is not None and decision_made(decision.status)


def decision_made(status: str | None) -> bool:
    """Whether a decision in `status` (None: no decision) is made: what it granted is fixed, and
    `assessment_locked` (for a list that reads the status, not the decision)."""
    return status in DECISION_MADE_STATUSES


def applied_to_budget(applied: int, budget: int | None) -> Decimal | None:
    """What was applied for as a multiple of the budget, one decimal: 2.3 (shown "2,3 × budsjettet");
    None without a budget."""
    if not budget:
        return None
    return (Decimal(applied) / Decimal(budget)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def line_key(part: str, line_pk: int) -> str:
    """How a line is named in `Assessment.suggested_lines`: "measure:12", "project:7"."""
    return f"{part}:{line_pk}"


def awards_set_by_hand(assessment: Assessment | None, lines) -> list:
    """The lines (`(part, line)` pairs) whose proposed award a caseworker set by hand: every award
    the board's suggestion did not set (an award from before the board recorded its own counts as by
    hand, so it is never overwritten)."""
    suggested = set(assessment.suggested_lines) if assessment else set()
    return [(part, line) for part, line in lines
            if line.proposed_award is not None and line_key(part, line.pk) not in suggested]


def over_budget(round_, total_proposed: int) -> bool:
    return total_proposed > (round_.budget or 0)


def budget_refusal(round_, total_proposed: int) -> str:
    """"" when the round's proposals fit its budget; otherwise why an approval is refused."""
    if not over_budget(round_, total_proposed):
        return ""
    if round_.budget is None:
        return _("The round has no budget yet: the office administrator sets it before decisions are approved.")
    return _("The round's proposals add up to %(total)s, more than its budget of %(budget)s. Reduce the "
             "proposals before approving.") % {"total": kroner(total_proposed), "budget": kroner(round_.budget)}


def outcome_for(lines: list[dict]) -> str:
    """Granted when every line gets what it applied for, rejected when nothing is granted,
    partly granted otherwise."""
    awarded = sum(line["awarded"] or 0 for line in lines)
    if awarded == 0:
        return Outcome.REJECTED
    if all((line["awarded"] or 0) == line["applied"] for line in lines):
        return Outcome.GRANTED
    return Outcome.PARTLY_GRANTED


def auditor_statement_required(round_, total_awarded: int) -> bool:
    return total_awarded > round_.auditor_statement_threshold


def weighted_score(scores: dict[int, int], criteria) -> int | None:
    """0–100 from criterion scores (0–5) and the round's weights; None until every criterion has a score."""
    criteria = list(criteria)
    if not criteria or any(c.pk not in scores for c in criteria):
        return None
    total_weight = sum(c.weight for c in criteria)
    return round(100 * sum(scores[c.pk] * c.weight for c in criteria) / (MAX_CRITERION_SCORE * total_weight))


def appeal_deadline(decision: Decision) -> dt.date | None:
    """Three weeks from the day the letter was sent (forvaltningsloven § 29)."""
    if not decision.sent_at:
        return None
    return timezone.localtime(decision.sent_at).date() + dt.timedelta(weeks=APPEAL_WEEKS)


def appeal_within_deadline(decision: Decision, received_on: dt.date) -> bool:
    """An appeal received on `received_on` came in time (the deadline's day included). One that came
    later is received all the same, marked late: the office decides whether it can still be
    considered (forvaltningsloven § 31)."""
    deadline = appeal_deadline(decision)
    return deadline is not None and received_on <= deadline


def criteria_locked_by_assessments(round_) -> str:
    """Why the round's criteria are fixed (registered with `schemes.hooks`): an application of the
    round has scores; "" while none has."""
    scored = Assessment.objects.filter(application__round=round_, scores__isnull=False).values(
        "pk").distinct().count()
    if not scored:
        return ""
    return ngettext(
        "The assessment criteria and their weights can no longer change: %(count)d application of the round is "
        "scored with them.",
        "The assessment criteria and their weights can no longer change: %(count)d applications of the round are "
        "scored with them.", scored) % {"count": scored}
