"""One application's decision: the proposal form, the stored decision with the buttons its table
allows this user, approving and sending, and the letter."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from applications.models import LinePart, MeasureKind
from applications.selectors import applications_visible_to
from portal.csp import framed_document_policy
from portal.exceptions import ServiceError
from portal.files import serve_stored_file
from portal.idempotency import idempotent_post
from portal.models import LanguageForm
from portal.permissions import require

from ..forms import DecisionForm, DecisionReturnForm
from ..letters import application_letter_language, decision_for_letter, decision_letter_html
from ..models import DecisionStatus, Outcome
from ..permissions import (
    can_approve_decision,
    can_assess,
    can_download_letter,
    can_propose_decision,
    can_send_decision,
)
from ..rules import appeal_deadline, assessment_locked, auditor_statement_required, outcome_for, over_budget
from ..selectors import award_lines, decision_return_latest, round_total_proposed
from ..services.decisions import decision_approve, decision_propose, decision_return, decision_send
from ..workflow import DECISION
from .common import decision_of, decision_url, office_application


def _decision_form_initial(application, decision) -> dict:
    if decision is not None:
        return {"reasons": decision.reasons, "conditions": decision.conditions,
                "reporting_deadline": timezone.localtime(decision.reporting_deadline).date()}
    return {"reporting_deadline": timezone.localtime(application.round.reporting_deadline).date()}


@login_required
@idempotent_post
def decision(request, pk):
    """The proposed awards and the outcome they give, the proposal form, the stored decision with
    its status and the buttons its state allows, the letter and the appeals."""
    application = office_application(request, pk)
    decision_ = getattr(application, "decision", None)
    lines = award_lines(application)
    all_set = bool(lines) and all(line["awarded"] is not None for line in lines)
    outcome = outcome_for(lines) if all_set else None
    total_awarded = sum(line["awarded"] or 0 for line in lines)
    transitions = {t.name: t for t in DECISION.available(decision_, request.user)}
    may_propose = can_propose_decision(request.user, application) and not assessment_locked(decision_)

    language_form = application_letter_language(application, decision_)
    form = DecisionForm(request.POST or None, outcome=outcome, round_=application.round, language_form=language_form,
                        initial=_decision_form_initial(application, decision_))
    if request.method == "POST":
        require(can_propose_decision(request.user, application))
        if form.is_valid():
            try:
                decision_propose(
                    application=application, user=request.user, reasons=form.cleaned_data["reasons"],
                    conditions=form.cleaned_data["conditions"], reporting_deadline=form.reporting_deadline_at())
            except ServiceError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("The decision is proposed. An approver other than you must approve it."))
                return redirect(decision_url(application.pk))

    round_ = application.round
    round_total = round_total_proposed(round_)
    own_proposal = decision_ is not None and decision_.proposed_by_id == request.user.pk
    return render(request, "casework/decision.html", {
        "application": application,
        "decision": decision_,
        "lines": [{**line, "part_label": LinePart(line["part"]).label,
                   "kind_label": dict(MeasureKind.choices).get(line["kind"], "")} for line in lines],
        "all_set": all_set,
        "outcome": outcome,
        "outcome_label": dict(Outcome.choices).get(outcome, ""),
        "total_applied": sum(line["applied"] for line in lines),
        "total_awarded": total_awarded,
        "auditor_required": auditor_statement_required(round_, total_awarded),
        "form": form,
        "can_propose": bool(may_propose),
        # the table's guard refuses an approver's own proposal (four eyes): the page says so instead
        "can_approve": "approve" in transitions and not own_proposal,
        "own_proposal": "approve" in transitions and own_proposal,
        "can_send": "send" in transitions,
        "can_return": "return" in transitions,
        "return_form": DecisionReturnForm(),
        "decision_return": decision_return_latest(decision=decision_),
        "transitions": transitions,
        "round_total": round_total,
        "round_over_budget": over_budget(round_, round_total),
        "appeals": list(decision_.appeals.select_related("registered_by")) if decision_ else [],
        "appeal_deadline": appeal_deadline(decision_) if decision_ else None,
        "letter_language_label": LanguageForm(language_form).label,
        "organisation_is_neutral": application.organisation.language_form == LanguageForm.NEUTRAL,
        "may_assess": bool(can_assess(request.user, application)),
    })


@login_required
@require_POST
@idempotent_post
def approve(request, pk):
    application = office_application(request, pk)
    decision_ = decision_of(application)
    require(can_approve_decision(request.user, application))
    already = decision_.status != DecisionStatus.PROPOSED
    try:
        decision_approve(decision=decision_, user=request.user)
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        if already:
            messages.info(request, _("The decision was already approved."))
        else:
            messages.success(request, _("The decision is approved and the application is decided. The letter is "
                                        "being made; send it when it is ready."))
    return redirect(decision_url(application.pk))


@login_required
@require_POST
@idempotent_post
def return_proposal(request, pk):
    """The approver sends the proposal back to the caseworker with a comment."""
    application = office_application(request, pk)
    decision_ = decision_of(application)
    require(can_approve_decision(request.user, application))
    form = DecisionReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["comment"]))
        return redirect(decision_url(application.pk) + "#return")
    try:
        decision_return(decision=decision_, user=request.user, comment=form.cleaned_data["comment"])
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The proposal is returned to the caseworker with your comment."))
    return redirect(decision_url(application.pk))


@login_required
@require_POST
@idempotent_post
def send(request, pk):
    application = office_application(request, pk)
    decision_ = decision_of(application)
    require(can_send_decision(request.user, application))
    already = decision_.status == DecisionStatus.SENT
    try:
        decision_send(decision=decision_, user=request.user)
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        if already:
            messages.info(request, _("The decision letter was already sent; it was not sent twice."))
            return redirect(decision_url(application.pk))
        messages.success(request, _("The decision letter is sent to %(organisation)s.") % {
            "organisation": application.organisation})
    return redirect(decision_url(application.pk))


@login_required
@never_cache
@xframe_options_sameorigin  # the decision page shows it in a frame
def letter_preview(request, pk):
    """The decision letter as it will be sent: the very HTML its PDF is made from
    (`letters.decision_letter_html`), in the letter's language form. For the office's staff; the
    decision page frames it, so its policy lets the portal's own pages frame it (the site's says no
    page may be framed) and allows its <style> element by hash; it runs no script."""
    application = office_application(request, pk)
    decision_ = decision_of(application)
    html = decision_letter_html(decision=decision_for_letter(decision_.pk))
    response = HttpResponse(html)
    response["Content-Security-Policy"] = framed_document_policy(html)  # the middleware leaves it
    return response


@login_required
def letter(request, pk):
    """The stored letter PDF: for the office's staff, and for the municipality's own members once
    the decision is sent. Anyone else gets a 404, as if there were no letter."""
    application = get_object_or_404(
        applications_visible_to(user=request.user).select_related("round", "organisation", "decision"), pk=pk)
    decision_ = decision_of(application)
    if not decision_.letter_pdf or not can_download_letter(request.user, application):
        raise Http404
    name = _("decision-%(reference)s.pdf") % {"reference": application.reference.replace("/", "-")}
    return serve_stored_file(decision_.letter_pdf, name, content_type="application/pdf")
