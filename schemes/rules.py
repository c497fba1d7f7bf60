"""The scheme's own rules, each one named function, called everywhere it applies.

- `organisation_may_apply`: who may apply to a round (its office's area, an eligible kind, state
  bodies only when net-budgeted). The start page, the round page and the application reminders ask it.
- `target_group_allows`: staff of other municipal and county agencies are a target group only for
  measures on rus og psykisk helse. The measure form, the line service and the task list ask it.
"""

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


def target_group_allows(target_group, *, concerns_mental_health: bool) -> bool:
    """A measure may have this target group (None: not chosen yet, nothing to refuse)."""
    return target_group is None or not target_group.only_for_mental_health or concerns_mental_health
