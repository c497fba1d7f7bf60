"""One application read-only with its internal assessment, the assessment form, and asking the
municipality for more information."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications.completeness import competence_plan, section_label
from applications.models import ApplicationStatus
from applications.rules import competence_plan_is_up_to_date
from applications.selectors import application_history, application_totals
from applications.workflow import APPLICATION
from portal.exceptions import ServiceError, StaleEdit
from portal.idempotency import idempotent_post
from portal.permissions import require

from ..forms import AssessmentForm, InformationRequestForm
from ..permissions import can_assess
from ..selectors import assessment_of, criterion_rows, decision_or_none, decision_return_latest, lines_now
from ..services.assessments import assessment_save, assessment_start, information_request
from .common import office_application


@login_required
def application(request, pk):
    application = office_application(request, pk)
    assessment = assessment_of(application)
    events = list(application_history(application=application, include_internal=True))
    for event in events:
        event.section_label = section_label(event.section)
    may_assess = can_assess(request.user, application)
    lines = [*application.measures.all(), *application.projects.all()]
    return render(request, "casework/application.html", {
        "application": application,
        "assessment": assessment,
        "criterion_rows": criterion_rows(application, assessment),
        "total_proposed": sum(line.proposed_award or 0 for line in lines),
        "awards_missing": sum(1 for line in lines if line.proposed_award is None),
        "totals": application_totals(application=application),
        "plan": competence_plan(application),
        "plan_up_to_date": competence_plan_is_up_to_date(application),
        "events": events,
        "may_assess": may_assess,
        "may_request_information": may_assess and _information_request_refusal(application, request.user) == "",
        "transitions": {t.name: t for t in APPLICATION.available(application, request.user)},
    })

def _assessment_form(application, assessment, data=None) -> AssessmentForm:
    return AssessmentForm(
        data, criteria=application.round.criteria.all(), measures=application.measures.all(),
        projects=application.projects.all(), assessment=assessment,
    )

def _saved_now(application) -> dict:
    """What the assessment holds now, read afresh: shown when someone else saved meanwhile."""
    assessment = assessment_of(application)
    return {"assessment": assessment, "criterion_rows": criterion_rows(application, assessment),
            "lines": lines_now(application)}

@login_required
@require_POST
@idempotent_post
def start_assessment(request, pk):
    """Take a submitted application into assessment (a POST: a link or prefetch must never do it)."""
    application = office_application(request, pk)
    require(can_assess(request.user, application))
    try:
        assessment_start(application=application, user=request.user)
    except ServiceError as error:
        messages.error(request, str(error))
        return redirect("office:application", pk=application.pk)
    messages.success(request, _("The application is in assessment."))
    return redirect("office:assess", pk=application.pk)

@login_required
@idempotent_post
def assess(request, pk):
    application = office_application(request, pk)
    require(can_assess(request.user, application))
    conflict = None
    if request.method == "POST":
        form = _assessment_form(application, assessment_of(application), request.POST)
        if form.is_valid():
            try:
                saved = assessment_save(
                    application=application, user=request.user, scores=form.scores(),
                    notes=form.cleaned_data["notes"], awards=form.awards(),
                    base_version=form.cleaned_data["base_version"],
                )
            except StaleEdit as stale:
                conflict = _saved_now(application)
                posted = request.POST.copy()
                posted["base_version"] = stale.current_version  # saving again keeps this caseworker's version
                form = _assessment_form(application, conflict["assessment"], posted)
                form.is_valid()
            except ServiceError as error:
                form.add_error(None, str(error))
            else:
                if saved.score is None:
                    messages.success(request, _("The assessment is saved. The weighted score is computed when "
                                                "every criterion has a score."))
                else:
                    messages.success(request, _("The assessment is saved. Weighted score: %(score)d of 100.") % {
                        "score": saved.score})
                return redirect("office:application", pk=application.pk)
    else:
        # reading the form changes nothing; the first save (or "Start assessment") does
        form = _assessment_form(application, assessment_of(application))
    return render(request, "casework/assess.html", {
        "application": application,
        "assessment": assessment_of(application),
        "form": form,
        "conflict": conflict,
        "totals": application_totals(application=application),
        "decision_return": decision_return_latest(decision=decision_or_none(application)),
        # the application beside the form: its texts, lines, plan and files, as the office reads them
        "plan": competence_plan(application),
        "plan_up_to_date": competence_plan_is_up_to_date(application),
        "decision": decision_or_none(application),
    })

def _information_request_refusal(application, user) -> str:
    """"" when the application can be returned now (a submitted one is first taken into assessment)."""
    if application.status == ApplicationStatus.SUBMITTED:
        return ""
    return str(APPLICATION.check(application, "return", user))

@login_required
@idempotent_post
def request_information(request, pk):
    application = office_application(request, pk)
    require(can_assess(request.user, application))
    refusal = _information_request_refusal(application, request.user)
    form = InformationRequestForm(request.POST or None)
    if request.method == "POST" and not refusal:
        if form.is_valid():
            try:
                information_request(application=application, user=request.user,
                                    message=form.cleaned_data["message"])
            except ServiceError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The application is returned to %(organisation)s with your message. "
                                            "It comes back here when they send it again.") % {
                    "organisation": application.organisation})
                return redirect("office:application", pk=application.pk)
    return render(request, "casework/request_information.html", {
        "application": application, "form": form, "refusal": refusal,
    })
