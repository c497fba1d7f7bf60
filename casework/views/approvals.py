"""The round's decisions, for the approver: each with its outcome and who proposed it, and the
proposed ones ticked and approved in one go (each through its own transition: four eyes per decision)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from portal.idempotency import idempotent_post
from portal.permissions import require

from ..forms import DecisionsApproveForm
from ..models import DecisionStatus
from ..permissions import can_approve_decisions_of_round
from ..rules import budget_refusal, four_eyes_refusal
from ..selectors import decisions_for_round, round_total_proposed
from ..services.decisions import decisions_approve
from .common import office_round


def _decisions_url(round_pk) -> str:
    return reverse("office:round_decisions", kwargs={"round_pk": round_pk})


@login_required
def round_decisions(request, round_pk):
    round_ = office_round(request, round_pk)
    decisions = decisions_for_round(round_=round_)
    may_approve = bool(can_approve_decisions_of_round(request.user, round_))
    for decision in decisions:
        decision.own_proposal = bool(four_eyes_refusal(decision, request.user))
        decision.may_tick = may_approve and decision.status == DecisionStatus.PROPOSED and not decision.own_proposal
    return render(request, "casework/round_decisions.html", {
        "round": round_,
        "decisions": decisions,
        "may_approve": may_approve,
        "any_to_tick": any(decision.may_tick for decision in decisions),
        "budget_refusal": budget_refusal(round_, round_total_proposed(round_)),
    })


@login_required
@require_POST
@idempotent_post
def round_decisions_approve(request, round_pk):
    round_ = office_round(request, round_pk)
    require(can_approve_decisions_of_round(request.user, round_))
    form = DecisionsApproveForm(request.POST, decision_ids=[d.pk for d in decisions_for_round(round_=round_)])
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(_decisions_url(round_.pk))
    result = decisions_approve(round_=round_, user=request.user, decision_ids=form.cleaned_data["decisions"])
    if result.approved:
        messages.success(request, ngettext(
            "%(count)d decision is approved: %(list)s. Its letter is being made.",
            "%(count)d decisions are approved: %(list)s. Their letters are being made.", len(result.approved)) % {
            "count": len(result.approved),
            "list": ", ".join(str(d.application.organisation) for d in result.approved)})
    if result.already:
        messages.info(request, ngettext(
            "%(count)d decision was already approved: %(list)s.",
            "%(count)d decisions were already approved: %(list)s.", len(result.already)) % {
            "count": len(result.already),
            "list": ", ".join(str(d.application.organisation) for d in result.already)})
    if result.refused:
        messages.error(request, ngettext(
            "%(count)d decision was not approved: %(list)s",
            "%(count)d decisions were not approved: %(list)s", len(result.refused)) % {
            "count": len(result.refused),
            "list": " ".join(_("%(organisation)s: %(reason)s") % {"organisation": d.application.organisation,
                                                                  "reason": reason}
                             for d, reason in result.refused)})
    return redirect(_decisions_url(round_.pk))
