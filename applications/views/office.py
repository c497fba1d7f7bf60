"""The caseworker's pages under /office/: the office's rounds, a round's applications, one
application read-only with its internal assessment, the assessment form, and asking for more
information. Every page starts from what the user's office may see: another office's round or
application is a 404, never a hint that it exists; a same-office user without the role gets 403."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from portal.models import OFFICE_ROLES, Role
from portal.permissions import office_ids_with_role
from schemes.models import Round

from ..assessments import assessment_save, assessment_start, information_request
from ..completeness import competence_plan, competence_plan_is_up_to_date
from ..forms_office import SORTS, AssessmentForm, InformationRequestForm, RoundFilterForm
from ..models import Application, ApplicationStatus, Assessment, CompetenceMeasure, InnovationProject
from ..permissions import can_assess, can_see_office_side, can_work_on_round, require
from ..selectors import (
    application_get_full,
    application_history,
    application_totals,
    applications_for_office_round,
    applications_visible_to,
    rounds_for_offices,
)
from ..services import ApplicationError, StaleEdit
from ..workflow import TransitionError, transition_check
from .overview import SECTION_LABELS

WORKING_ROLES = (Role.CASEWORKER, Role.APPROVER)
# Sorting direction as the selector applies it, for aria-sort on the column headers.
SORT_DIRECTIONS = {"organisation": "ascending", "applied": "descending", "score": "descending",
                   "submitted": "ascending", "status": "ascending"}


# --- what the user's office may see --------------------------------------------------------------

def _office_round(request, round_pk) -> Round:
    """A round of one of the user's offices (404 otherwise); 403 for an office user without the role."""
    round_ = (Round.objects.select_related("scheme", "office")
              .filter(office_id__in=office_ids_with_role(request.user, *OFFICE_ROLES), pk=round_pk).first())
    if round_ is None:
        raise Http404
    require(can_work_on_round(request.user, round_))
    return round_


def _office_application(request, pk) -> Application:
    """A non-draft application of one of the user's offices' rounds, with everything the page reads.
    A municipality's own users get 404 here: their pages are under /applications/."""
    try:
        application = application_get_full(user=request.user, pk=pk)
    except Application.DoesNotExist:
        raise Http404
    if application.status == ApplicationStatus.DRAFT or not can_see_office_side(request.user, application):
        raise Http404
    require(can_work_on_round(request.user, application.round))
    return application


def _url_if_routed(name, **kwargs) -> str:
    """Links to pages another part of the office side provides, left out until they are routed."""
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return ""


# --- the office's rounds ---------------------------------------------------------------------------

@login_required
def rounds(request):
    if not office_ids_with_role(request.user, *OFFICE_ROLES):
        raise Http404
    offices = office_ids_with_role(request.user, *WORKING_ROLES)
    return render(request, "office/rounds.html", {
        "rounds": rounds_for_offices(office_ids=offices),
        "works_on_rounds": bool(offices),
        "several_offices": len(offices) > 1,
    })


# --- a round's applications --------------------------------------------------------------------------

@login_required
def round_applications(request, round_pk):
    round_ = _office_round(request, round_pk)
    organisations = (
        applications_visible_to(user=request.user).filter(round=round_).exclude(status=ApplicationStatus.DRAFT)
        .order_by("organisation__name").values_list("organisation_id", "organisation__name")
    )
    form = RoundFilterForm(request.GET or None, organisations=organisations)
    filters = form.filters()
    rows = applications_for_office_round(user=request.user, round_=round_, **filters)
    for application in rows:
        application.has_mental_health = any(m.concerns_mental_health for m in application.measures.all())
        decision = getattr(application, "decision", None)
        application.decision_label = decision.get_status_display() if decision else ""
    sort_links = {}
    for key, _label in SORTS:
        query = request.GET.copy()
        query["sort"] = key
        sort_links[key] = "?" + query.urlencode()
    return render(request, "office/round_applications.html", {
        "round": round_,
        "form": form,
        "rows": rows,
        "filtered": any(v not in (None, "") for k, v in filters.items() if k != "sort"),
        "sort": filters["sort"],
        "sort_direction": SORT_DIRECTIONS.get(filters["sort"], "ascending"),
        "sort_links": sort_links,
        "sort_label": str(dict(SORTS).get(filters["sort"], "")).lower(),
        "board_url": _url_if_routed("office:board", round_pk=round_.pk),
        "export_csv_url": _url_if_routed("office:export_csv", round_pk=round_.pk),
        "export_xlsx_url": _url_if_routed("office:export_xlsx", round_pk=round_.pk),
    })


# --- one application --------------------------------------------------------------------------------

def _assessment_of(application) -> Assessment | None:
    return Assessment.objects.filter(application=application).select_related("started_by").first()


def _criterion_rows(application, assessment) -> list[tuple]:
    """(criterion, score or None) for each criterion of the round, in the round's order."""
    saved = dict(assessment.scores.values_list("criterion_id", "score")) if assessment else {}
    return [(criterion, saved.get(criterion.pk)) for criterion in application.round.criteria.all()]


@login_required
def application(request, pk):
    application = _office_application(request, pk)
    assessment = _assessment_of(application)
    events = list(application_history(application=application, include_internal=True))
    for event in events:
        event.section_label = SECTION_LABELS.get(event.section, "")
    may_assess = can_assess(request.user, application)
    lines = [*application.measures.all(), *application.projects.all()]
    return render(request, "office/application.html", {
        "application": application,
        "assessment": assessment,
        "criterion_rows": _criterion_rows(application, assessment),
        "total_proposed": sum(line.proposed_award or 0 for line in lines),
        "awards_missing": sum(1 for line in lines if line.proposed_award is None),
        "totals": application_totals(application=application),
        "plan": competence_plan(application),
        "plan_up_to_date": competence_plan_is_up_to_date(application),
        "events": events,
        "may_assess": may_assess,
        "may_request_information": may_assess and _information_request_refusal(application, request.user) == "",
        "board_url": _url_if_routed("office:board", round_pk=application.round_id),
    })


# --- the assessment ---------------------------------------------------------------------------------

def _assessment_form(application, assessment, data=None) -> AssessmentForm:
    return AssessmentForm(
        data, criteria=application.round.criteria.all(), measures=application.measures.all(),
        projects=application.projects.all(), assessment=assessment,
    )


def _saved_now(application) -> dict:
    """What the assessment holds now, read afresh: shown when someone else saved meanwhile."""
    assessment = _assessment_of(application)
    lines = [*CompetenceMeasure.objects.filter(application=application).order_by("id"),
             *InnovationProject.objects.filter(application=application).order_by("priority_rank", "id")]
    return {"assessment": assessment, "criterion_rows": _criterion_rows(application, assessment), "lines": lines}


@login_required
@require_POST
def start_assessment(request, pk):
    """Take a submitted application into assessment (a POST: a link or prefetch must never do it)."""
    application = _office_application(request, pk)
    require(can_assess(request.user, application))
    try:
        assessment_start(application=application, user=request.user)
    except (ApplicationError, TransitionError) as error:
        messages.error(request, str(error))
        return redirect("office:application", pk=application.pk)
    messages.success(request, _("The application is in assessment."))
    return redirect("office:assess", pk=application.pk)


@login_required
def assess(request, pk):
    application = _office_application(request, pk)
    require(can_assess(request.user, application))
    conflict = None
    if request.method == "POST":
        form = _assessment_form(application, _assessment_of(application), request.POST)
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
            except (ApplicationError, TransitionError) as error:
                form.add_error(None, str(error))
            else:
                if saved.score is None:
                    messages.success(request, _("The assessment is saved. The weighted score is computed when "
                                                "every criterion has a score."))
                else:
                    messages.success(request, _("The assessment is saved. Weighted score: %(score)d of 100.") % {
                        "score": saved.score})
                return redirect("office:application", pk=application.pk)
        assessment = _assessment_of(application)
    else:
        # reading the form changes nothing; the first save (or "Start assessment") does
        assessment = _assessment_of(application)
        form = _assessment_form(application, assessment)
    return render(request, "office/assess.html", {
        "application": application,
        "assessment": assessment,
        "form": form,
        "conflict": conflict,
        "totals": application_totals(application=application),
    })


# --- asking for more information ------------------------------------------------------------------

def _information_request_refusal(application, user) -> str:
    """'' when the application can be returned now (a submitted one is first taken into assessment)."""
    if application.status == ApplicationStatus.SUBMITTED:
        return ""
    return str(transition_check(application=application, name="return", user=user))


@login_required
def request_information(request, pk):
    application = _office_application(request, pk)
    require(can_assess(request.user, application))
    refusal = _information_request_refusal(application, request.user)
    form = InformationRequestForm(request.POST or None)
    if request.method == "POST" and not refusal:
        if form.is_valid():
            try:
                information_request(application=application, user=request.user,
                                    message=form.cleaned_data["message"])
            except (ApplicationError, TransitionError) as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The application is returned to %(organisation)s with your message. "
                                            "It comes back here when they send it again.") % {
                    "organisation": application.organisation})
                return redirect("office:application", pk=application.pk)
    return render(request, "office/request_information.html", {
        "application": application, "form": form, "refusal": refusal,
    })
