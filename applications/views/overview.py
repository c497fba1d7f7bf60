from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from portal.selectors import organisations_for_user
from portal.models import Role
from schemes.models import Round
from schemes.selectors import rounds_open_and_upcoming

from ..completeness import application_sections, competence_plan, competence_plan_is_up_to_date
from ..forms import StartForm
from ..permissions import can_edit_application, can_start_application
from ..selectors import (
    applicant_status,
    decision_is_sent,
    information_request_latest,
    next_step,
    application_history,
    application_previous,
    application_totals,
    applications_for_organisations,
)
from ..services import ApplicationError, application_start
from ..workflow import transition_check, transitions_available
from .common import get_application


def _shown_status(application, user):
    """The status label this user may see (applicants see no decision before its letter)."""
    from ..models import ApplicationStatus
    from ..permissions import is_applicant

    code = applicant_status(application) if is_applicant(user, application) else application.status
    return ApplicationStatus(code).label


@login_required
def my_applications(request):
    organisations = organisations_for_user(user=request.user, roles=[Role.EDITOR, Role.SIGNATORY])
    applications = list(applications_for_organisations(user=request.user))
    started = {(a.round_id, a.organisation_id) for a in applications}
    can_start = []
    open_rounds = rounds_open_and_upcoming()
    for organisation in organisations:
        for round_ in open_rounds:
            if (round_.pk, organisation.pk) not in started and can_start_application(request.user, round_, organisation):
                can_start.append((round_, organisation))
    return render(request, "applications/my_applications.html", {
        "applications": [(a, next_step(a, request.user), _shown_status(a, request.user)) for a in applications],
        "can_start": can_start,
        "organisations": organisations,
    })


@login_required
@require_POST
def start(request, round_pk):
    round_ = get_object_or_404(Round.objects.published().select_related("scheme", "office"), pk=round_pk)
    form = StartForm(request.POST)
    if not form.is_valid():
        raise Http404
    organisation = get_object_or_404(
        organisations_for_user(user=request.user, roles=[Role.EDITOR, Role.SIGNATORY]),
        pk=form.cleaned_data["organisation"],
    )
    try:
        application, created = application_start(
            round=round_, organisation=organisation, user=request.user,
            copy_previous=form.cleaned_data["copy_previous"],
        )
    except ApplicationError as error:
        messages.error(request, str(error))
        return redirect(round_.get_absolute_url())
    if created:
        messages.success(request, _("The application is started. Each section is saved on its own page."))
    else:
        messages.info(request, _("%(organisation)s already has an application in this round: here it is.") % {
            "organisation": organisation})
    return redirect(application.get_absolute_url())


@login_required
def overview(request, pk):
    application = get_application(request, pk)
    sections = application_sections(application=application)
    problems = [p for s in sections for p in s.problems]
    return render(request, "applications/overview.html", {
        "application": application,
        "sections": sections,
        "problem_count": len(problems),
        "totals": application_totals(application=application),
        "can_edit": can_edit_application(request.user, application),
        "transitions": transitions_available(application=application, user=request.user),
        "next_step": next_step(application, request.user),
        "shown_status": _shown_status(application, request.user),
        "information_request": information_request_latest(application=application),
        "reopen_refusal": transition_check(application=application, name="reopen", user=request.user)
        if application.status == "withdrawn" else "",
        "decision_sent": decision_is_sent(application),
        "plan": competence_plan(application),
        "plan_up_to_date": competence_plan_is_up_to_date(application),
        "previous": application_previous(application=application) if application.status == "draft" else None,
    })


@login_required
def summary(request, pk):
    application = get_application(request, pk)
    return render(request, "applications/summary.html", {
        "application": application,
        "totals": application_totals(application=application),
        "plan": competence_plan(application),
        "plan_up_to_date": competence_plan_is_up_to_date(application),
    })


SECTION_LABELS = {
    "details": gettext_lazy("Contact person and cover letter"),
    "plan": gettext_lazy("Competence plan"),
    "measures": gettext_lazy("Competence measures"),
    "projects": gettext_lazy("Innovation projects"),
}


@login_required
def history(request, pk):
    application = get_application(request, pk)
    events = list(application_history(application=application))
    for event in events:  # "Section saved" says which section
        event.section_label = SECTION_LABELS.get(event.section, "")
    return render(request, "applications/history.html", {
        "application": application,
        "events": events,
    })
