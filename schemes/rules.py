"""The scheme's own rules, each one named function, called everywhere it applies.

- `organisation_may_apply`: who may apply to a round (its office's area, an eligible kind, state
  bodies only when net-budgeted). The start page, the round page and the application reminders ask it.
- `target_group_allows`: staff of other municipal and county agencies are a target group only for
  measures on rus og psykisk helse. The measure form, the line service and the task list ask it.
- `criteria_weights_problem`: a round's assessment criteria weigh 100 together (so a weighted score
  reads as a share of 100). A round without criteria gets the seeds' default criteria, which weigh
  100 (`schemes.services.round_create_default_criteria`). The round's admin page asks it.
- `round_phase`: where a round stands at a moment: not open yet, open, in its grace minutes (the
  deadline has passed, but an application already under way may still be sent), or closed. Every
  text about a round's deadline (the round's page, the application's pages) and whether it takes
  submissions (`Round.is_open`) ask it.
- `deadline_countdown`: how many days (in Europe/Oslo) are left to a round's deadline, and whether
  it has passed while a submission under way is still accepted (grace). "My page" asks it.
- `round_setup_problems`: what an office admin has left to do before a round can take applications.
"""

import datetime as dt
import enum
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import OrganisationKind
from portal.permissions import ALLOWED, Verdict

TARGET_GROUP_ONLY_FOR_MENTAL_HEALTH = _(
    "Staff of other municipal and county agencies are a target group only for measures that concern "
    "mental health and substance abuse.")


def organisation_may_apply(round_, organisation) -> Verdict:
    """May `organisation` apply in `round_` at all (whoever asks, whenever)? Reads the round's scheme
    and its office's counties: pass a round with those loaded (`select_related("scheme")`,
    `prefetch_related("office__counties")`) when asking for many organisations."""
    if organisation.kind not in round_.effective_eligible_kinds():
        return Verdict(False, _("%(organisation)s cannot apply in this round.") % {"organisation": organisation})
    if (organisation.kind == OrganisationKind.STATE_BODY and round_.scheme.state_bodies_net_budgeted_only
            and not organisation.net_budgeted):
        return Verdict(False, _("Only net-budgeted state bodies may apply."))
    if organisation.county_id not in {county.pk for county in round_.office.counties.all()}:
        return Verdict(False, _("%(organisation)s belongs to another County Governor's area.") % {
            "organisation": organisation})
    return ALLOWED


class RoundPhase(enum.StrEnum):
    UPCOMING = "upcoming"
    OPEN = "open"
    GRACE = "grace"  # the deadline has passed; a submission is still accepted (an application under way)
    CLOSED = "closed"


def round_phase(round_, moment: dt.datetime) -> RoundPhase:
    """Where the round stands at `moment`, from its dates alone (whether it is published is another
    question: `Round.is_open` asks both). The deadline shown as 23:59 ends at 23:59:59.999999
    (`Round.deadline_ends_at`); the grace minutes follow it (`Round.submission_closes_at`)."""
    if moment < round_.opens_at:
        return RoundPhase.UPCOMING
    if moment <= round_.deadline_ends_at:
        return RoundPhase.OPEN
    if moment <= round_.submission_closes_at:
        return RoundPhase.GRACE
    return RoundPhase.CLOSED


CRITERIA_WEIGHT_TOTAL = 100


def criteria_weights_problem(weights: list[int]) -> str:
    """"" when the weights of a round's criteria add up to 100 (or there are none yet: the round then
    gets the default criteria); otherwise what is wrong, for the office admin."""
    if not weights:
        return ""
    total = sum(weights)
    if total == CRITERIA_WEIGHT_TOTAL:
        return ""
    return _("The weights of the assessment criteria add up to %(total)d; they must add up to %(required)d.") % {
        "total": total, "required": CRITERIA_WEIGHT_TOTAL}


def target_group_allows(target_group, *, concerns_mental_health: bool) -> bool:
    """A measure may have this target group (None: not chosen yet, nothing to refuse)."""
    return target_group is None or not target_group.only_for_mental_health or concerns_mental_health


@dataclass(frozen=True)
class Countdown:
    """A round that takes submissions now, seen from one moment."""

    closes_at: dt.datetime  # the deadline as it is shown (23:59)
    days_left: int  # calendar days in Europe/Oslo from today to the deadline's date: 0 on the day itself
    in_grace: bool  # the deadline has passed; a submission already under way is accepted until `accepts_until`
    accepts_until: dt.datetime  # `Round.submission_closes_at`: the end of the deadline's minute, plus grace


def deadline_countdown(round_, now: dt.datetime) -> Countdown | None:
    """None when the round does not take submissions at `now` (`Round.is_open`, grace included)."""
    if not round_.is_open(now):
        return None
    oslo = timezone.get_default_timezone()
    return Countdown(
        closes_at=round_.closes_at,
        days_left=max(0, (timezone.localdate(round_.closes_at, oslo) - timezone.localdate(now, oslo)).days),
        in_grace=round_phase(round_, now) == RoundPhase.GRACE, accepts_until=round_.submission_closes_at,
    )


def round_setup_problems(round_, now: dt.datetime) -> list[str]:
    """What the office admin has left to do before the round takes applications: "" for nothing.
    Reads the round's criteria: pass a round with `prefetch_related("criteria")` when asking for many.
    A round whose deadline has passed has nothing left to configure."""
    if round_.closes_at < now:
        return []
    problems = []
    if round_.budget is None:
        problems.append(_("Set the budget."))
    weights = [criterion.weight for criterion in round_.criteria.all()]
    if not weights:
        problems.append(_("Add the assessment criteria and their weights."))
    elif problem := criteria_weights_problem(weights):
        problems.append(problem)
    if not round_.published:
        problems.append(_("Publish the round."))
    return problems
