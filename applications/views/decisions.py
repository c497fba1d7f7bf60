"""The office's prioritisation board, decisions, decision letters and appeals.

Every query starts from the user's offices, so an id of another office's round, application or
appeal is a 404. Who may do what is asked of permissions.py (403 with the reason); the services
in board.py and decisions.py perform the writes and say why when they refuse."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from portal.models import Role
from portal.permissions import office_ids_with_role
from schemes.models import Round

from .. import board as board_services
from .. import decisions as decision_services
from ..forms_decisions import AppealForm, AppealHandleForm, BoardAcceptForm, BoardSortForm, DecisionForm
from ..models import Appeal, Application, ApplicationStatus, Decision, DecisionStatus, MeasureKind, Outcome
from ..permissions import (
    can_approve_decision,
    can_download_letter,
    can_propose_decision,
    can_send_decision,
    can_work_on_round,
    require,
)
from ..selectors import applications_visible_to
from ..services import ApplicationError, StaleEdit
from .files import _serve

STAFF_ROLES = (Role.CASEWORKER, Role.APPROVER)
PART_LABELS = {"measure": gettext_lazy("Competence measure"), "project": gettext_lazy("Innovation project")}


# --- scoping: every lookup starts from the user's offices -----------------------------------------

def _staff_office_ids(user) -> set[int]:
    return office_ids_with_role(user, *STAFF_ROLES)


def _round_for_staff(request, round_pk) -> Round:
    round_ = get_object_or_404(
        Round.objects.filter(office_id__in=_staff_office_ids(request.user)).select_related("office", "scheme"),
        pk=round_pk,
    )
    require(can_work_on_round(request.user, round_))
    return round_


def _application_for_staff(request, pk) -> Application:
    application = get_object_or_404(
        applications_visible_to(user=request.user)
        .filter(round__office_id__in=_staff_office_ids(request.user))
        .exclude(status=ApplicationStatus.DRAFT)
        .select_related("round__office", "round__scheme", "organisation", "decision__proposed_by",
                        "decision__approved_by", "decision__sent_by")
        .prefetch_related("measures", "projects"),
        pk=pk,
    )
    require(can_work_on_round(request.user, application.round))
    return application


def _decision_of(application) -> Decision:
    decision = getattr(application, "decision", None)
    if decision is None:
        raise Http404
    return decision


def _decision_url(application_pk) -> str:
    return reverse("office:decision", kwargs={"pk": application_pk})


def _board_url(round_pk, sort="") -> str:
    url = reverse("office:board", kwargs={"round_pk": round_pk})
    return f"{url}?sort={sort}" if sort in dict(BoardSortForm.SORTS) and sort != "score" else url


# --- the prioritisation board ---------------------------------------------------------------------

@login_required
def board(request, round_pk):
    """Recomputed from the stored awards on every load, so it always shows what is proposed now."""
    round_ = _round_for_staff(request, round_pk)
    sort_form = BoardSortForm(request.GET or None)
    sort = sort_form.sort_key()
    board_ = board_services.board_for_round(round_=round_, sort=sort)
    letters = decision_services.letters_waiting_to_send(round_=round_)
    ratio = ""
    if board_.ratio is not None:
        ratio = _("%(ratio)s × the budget") % {"ratio": number_format(board_.ratio, decimal_pos=1)}
    for row in board_.rows:
        row.difference = None if row.proposed is None else row.proposed - row.suggested
    return render(request, "office/board.html", {
        "round": round_,
        "board": board_,
        "ratio": ratio,
        "over_by": -board_.remaining if board_.over_budget else 0,
        "total_difference": board_.total_proposed - board_.total_suggested,
        "sort_form": sort_form,
        "sort": sort,
        "can_accept": bool(office_ids_with_role(request.user, Role.CASEWORKER) & {round_.office_id}),
        "letters_ready": letters["ready"],
        "letters_waiting": letters["waiting"],
    })


@login_required
@require_POST
def board_accept(request, round_pk):
    round_ = _round_for_staff(request, round_pk)
    form = BoardAcceptForm(request.POST, application_ids=round_.applications.values_list("pk", flat=True))
    if not form.is_valid():
        for error in form.non_field_errors() or [_("Choose which applications to accept the suggestion for.")]:
            messages.error(request, error)
        return redirect(_board_url(round_.pk, request.POST.get("sort", "")))
    try:
        accepted = board_services.board_accept_suggestion(
            round_=round_, user=request.user, application_ids=form.application_ids())
    except StaleEdit:
        messages.error(request, _("Someone saved an assessment meanwhile. Look at the board again and retry."))
    except ApplicationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, ngettext(
            "The suggestion is now the proposed award of %(count)d application.",
            "The suggestion is now the proposed award of %(count)d applications.", accepted) % {"count": accepted})
    return redirect(_board_url(round_.pk, form.cleaned_data.get("sort", "")))


@login_required
@require_POST
def send_letters(request, round_pk):
    round_ = _round_for_staff(request, round_pk)
    try:
        sent, waiting = decision_services.decisions_send_for_round(round_=round_, user=request.user)
    except ApplicationError as error:
        messages.error(request, str(error))
        return redirect(_board_url(round_.pk))
    if sent:
        messages.success(request, ngettext("%(count)d decision letter was sent.",
                                           "%(count)d decision letters were sent.", sent) % {"count": sent})
    if waiting:
        messages.warning(request, ngettext(
            "%(count)d approved decision is still waiting for its letter; send it when the letter is made.",
            "%(count)d approved decisions are still waiting for their letters; send them when the letters are made.",
            waiting) % {"count": waiting})
    if not sent and not waiting:
        messages.info(request, _("There were no approved decisions to send."))
    return redirect(_board_url(round_.pk))


# --- one application's decision -------------------------------------------------------------------

def _decision_form_initial(application, decision) -> dict:
    if decision is not None:
        return {"reasons": decision.reasons, "conditions": decision.conditions,
                "reporting_deadline": timezone.localtime(decision.reporting_deadline).date()}
    return {"reporting_deadline": timezone.localtime(application.round.reporting_deadline).date()}


@login_required
def decision(request, pk):
    """The proposed awards and the outcome they give, the proposal form, the stored decision with
    its status and the buttons its state allows, the letter and the appeals."""
    application = _application_for_staff(request, pk)
    decision_ = getattr(application, "decision", None)
    lines = decision_services.lines_snapshot(application)
    all_set = bool(lines) and all(line["awarded"] is not None for line in lines)
    outcome = decision_services.outcome_for(lines) if all_set else None
    total_awarded = sum(line["awarded"] or 0 for line in lines)
    transitions = {t.name: t for t in decision_services.decision_transitions_available(
        application=application, user=request.user)}

    form = DecisionForm(request.POST or None, outcome=outcome, round_=application.round,
                        initial=_decision_form_initial(application, decision_))
    if request.method == "POST":
        require(can_propose_decision(request.user, application))
        if form.is_valid():
            try:
                decision_services.decision_propose(
                    application=application, user=request.user, reasons=form.cleaned_data["reasons"],
                    conditions=form.cleaned_data["conditions"], reporting_deadline=form.reporting_deadline_at())
            except ApplicationError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("The decision is proposed. An approver other than you must approve it."))
                return redirect(_decision_url(application.pk))

    round_ = application.round
    round_total = decision_services.round_total_proposed(round_)
    return render(request, "office/decision.html", {
        "application": application,
        "decision": decision_,
        "lines": [{**line, "part_label": PART_LABELS[line["part"]],
                   "kind_label": dict(MeasureKind.choices).get(line["kind"], "")} for line in lines],
        "all_set": all_set,
        "outcome": outcome,
        "outcome_label": dict(Outcome.choices).get(outcome, ""),
        "total_applied": sum(line["applied"] for line in lines),
        "total_awarded": total_awarded,
        "auditor_required": total_awarded > round_.auditor_statement_threshold,
        "form": form,
        "can_propose": "propose" in transitions,
        # the service refuses an approver's own proposal (four eyes); the page says so instead of offering it
        "can_approve": "approve" in transitions and decision_.proposed_by_id != request.user.pk,
        "own_proposal": "approve" in transitions and decision_.proposed_by_id == request.user.pk,
        "can_send": "send" in transitions,
        "round_total": round_total,
        "round_over_budget": round_.budget is not None and round_total > round_.budget,
        "appeals": list(decision_.appeals.select_related("registered_by")) if decision_ else [],
        "appeal_deadline": decision_services.appeal_deadline(decision_) if decision_ else None,
    })


@login_required
@require_POST
def approve(request, pk):
    application = _application_for_staff(request, pk)
    decision_ = _decision_of(application)
    require(can_approve_decision(request.user, application))
    try:
        decision_services.decision_approve(decision=decision_, user=request.user)
    except ApplicationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The decision is approved and the application is decided. The letter is "
                                    "being made; send it when it is ready."))
    return redirect(_decision_url(application.pk))


@login_required
@require_POST
def send(request, pk):
    application = _application_for_staff(request, pk)
    decision_ = _decision_of(application)
    require(can_send_decision(request.user, application))
    try:
        decision_services.decision_send(decision=decision_, user=request.user)
    except ApplicationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The decision letter is sent to %(organisation)s.") % {
            "organisation": application.organisation})
    return redirect(_decision_url(application.pk))


@login_required
def letter(request, pk):
    """The stored letter PDF: for the office's staff, and for the municipality's own members once
    the decision is sent. Anyone else gets a 404, as if there were no letter."""
    application = get_object_or_404(
        applications_visible_to(user=request.user).select_related("round", "organisation", "decision"), pk=pk)
    decision_ = _decision_of(application)
    if not decision_.letter_pdf:
        raise Http404
    if not can_download_letter(request.user, application):
        raise Http404
    name = _("decision-%(reference)s.pdf") % {"reference": application.reference.replace("/", "-")}
    return _serve(decision_.letter_pdf, name, "application/pdf")


# --- appeals ---------------------------------------------------------------------------------------

@login_required
def appeal_new(request, pk):
    application = _application_for_staff(request, pk)
    decision_ = _decision_of(application)
    require(can_send_decision(request.user, application))
    refusal = ""
    if decision_.status != DecisionStatus.SENT:
        refusal = _("An appeal can only be registered against a decision that was sent.")
    deadline = decision_services.appeal_deadline(decision_)
    form = AppealForm(request.POST or None, initial={"received_on": timezone.localdate()})
    if request.method == "POST" and not refusal and form.is_valid():
        try:
            appeal = decision_services.appeal_register(
                decision=decision_, user=request.user, received_on=form.cleaned_data["received_on"],
                text=form.cleaned_data["text"])
        except ApplicationError as error:
            messages.error(request, str(error))
        else:
            if appeal.within_deadline:
                messages.success(request, _("The appeal is registered. It came within the deadline."))
            else:
                messages.warning(request, _("The appeal is registered. It came after the deadline."))
            return redirect(_decision_url(application.pk))
    return render(request, "office/appeal_form.html", {
        "application": application,
        "decision": decision_,
        "form": form,
        "refusal": refusal,
        "deadline": deadline,
        "today_within": deadline is not None and timezone.localdate() <= deadline,
    })


@login_required
def appeal_handle(request, appeal_pk):
    appeal = get_object_or_404(
        Appeal.objects.filter(decision__application__round__office_id__in=_staff_office_ids(request.user))
        .select_related("decision__application__round__office", "decision__application__organisation",
                        "registered_by"),
        pk=appeal_pk,
    )
    application = appeal.decision.application
    require(can_send_decision(request.user, application))
    initial = {"handling": appeal.handling, "notes": appeal.handling_notes} if appeal.handled_at else {}
    form = AppealHandleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            decision_services.appeal_handle(appeal=appeal, user=request.user, handling=form.cleaned_data["handling"],
                                            notes=form.cleaned_data["notes"])
        except ApplicationError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The appeal's handling is recorded."))
            return redirect(_decision_url(application.pk))
    return render(request, "office/appeal_handle.html", {
        "appeal": appeal,
        "application": application,
        "decision": appeal.decision,
        "form": form,
        "deadline": decision_services.appeal_deadline(appeal.decision),
    })
