from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.exceptions import ServiceError
from portal.idempotency import idempotent_post
from portal.models import ORGANISATION_ROLES
from portal.selectors import organisations_for_user
from schemes.models import Round
from schemes.selectors import rounds_open_and_upcoming

from ..completeness import application_sections, competence_plan, section_label
from ..forms import StartForm
from ..hooks import overview_panels
from ..models import ApplicationStatus
from ..permissions import can_edit_application, can_start_application, is_applicant, shown_status_label
from ..rules import competence_plan_is_up_to_date, round_deadline_applies, takes_lines_from_last_year
from ..selectors import (
    application_history,
    application_next_step,
    application_previous,
    application_totals,
    applications_for_organisations,
    information_request_latest,
)
from ..services import application_start
from ..workflow import APPLICATION
from .common import get_application


def _next_step(application, user) -> str:
    return application_next_step(application=application, user=user, is_applicant=is_applicant(user, application))


@login_required
def my_applications(request):
    organisations = organisations_for_user(user=request.user, roles=ORGANISATION_ROLES)
    applications = list(applications_for_organisations(user=request.user))
    started = {(a.round_id, a.organisation_id) for a in applications}
    can_start = []
    open_rounds = rounds_open_and_upcoming()
    for organisation in organisations:
        for round_ in open_rounds:
            if (round_.pk, organisation.pk) not in started and can_start_application(request.user, round_, organisation):
                can_start.append((round_, organisation))
    return render(request, "applications/my_applications.html", {
        "applications": [(a, _next_step(a, request.user), shown_status_label(request.user, a)) for a in applications],
        "can_start": can_start,
        "organisations": organisations,
    })


@login_required
@require_POST
@idempotent_post
def start(request, round_pk):
    round_ = get_object_or_404(Round.objects.published().select_related("scheme", "office"), pk=round_pk)
    form = StartForm(request.POST)
    if not form.is_valid():
        raise Http404
    organisation = get_object_or_404(
        organisations_for_user(user=request.user, roles=ORGANISATION_ROLES),
        pk=form.cleaned_data["organisation"],
    )
    try:
        application, created = application_start(
            round=round_, organisation=organisation, user=request.user,
            copy_previous=form.cleaned_data["copy_previous"],
        )
    except ServiceError as error:
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
    totals = application_totals(application=application)
    can_edit = can_edit_application(request.user, application)
    # last year's application is offered to copy from into an empty draft only (the page's banner)
    offers_copy = (application.status == ApplicationStatus.DRAFT and can_edit and takes_lines_from_last_year(
        has_measures=bool(totals.measure_count), has_projects=bool(totals.project_count)))
    return render(request, "applications/overview.html", {
        "application": application,
        "sections": sections,
        "problem_count": len(problems),
        "totals": totals,
        "can_edit": can_edit,
        "transitions": {t.name: t for t in APPLICATION.available(application, request.user)},
        "next_step": _next_step(application, request.user),
        "shown_status": shown_status_label(request.user, application),
        "information_request": information_request_latest(application=application),
        "reopen_refusal": APPLICATION.check(application, "reopen", request.user)
        if application.status == ApplicationStatus.WITHDRAWN else "",
        "panels": overview_panels(request, application),
        "deadline_applies": round_deadline_applies(application),
        "plan": competence_plan(application),
        "plan_up_to_date": competence_plan_is_up_to_date(application),
        "previous": application_previous(application=application) if offers_copy else None,
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




@login_required
def history(request, pk):
    application = get_application(request, pk)
    events = list(application_history(application=application))
    for event in events:  # "Section saved" says which section
        event.section_label = section_label(event.section)
    return render(request, "applications/history.html", {
        "application": application,
        "events": events,
    })
