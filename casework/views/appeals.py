"""Appeals against a decision that was sent: the office registers one and records its handling;
the municipality's signatory lodges one online (under /applications/, `casework.applicant_urls`)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.permissions import is_applicant, is_office_staff_of
from applications.selectors import applications_visible_to
from portal.exceptions import ServiceError
from portal.files import serve_stored_file
from portal.formatting import local_date
from portal.idempotency import idempotent_post
from portal.models import OFFICE_ROLES
from portal.permissions import office_ids_with_role, require

from ..forms import AppealForm, AppealHandleForm, AppealLodgeForm
from ..models import Appeal, DecisionStatus
from ..permissions import can_lodge_appeal, can_send_decision
from ..rules import appeal_deadline, appeal_within_deadline, decision_known_to_applicant
from ..services.appeals import appeal_handle as appeal_handle_service
from ..services.appeals import appeal_lodge as appeal_lodge_service
from ..services.appeals import appeal_register
from .common import decision_of, decision_url, office_application


@login_required
@idempotent_post
def appeal_new(request, pk):
    application = office_application(request, pk)
    decision_ = decision_of(application)
    require(can_send_decision(request.user, application))
    refusal = ""
    if decision_.status != DecisionStatus.SENT:
        refusal = _("An appeal can only be registered against a decision that was sent.")
    deadline = appeal_deadline(decision_)
    form = AppealForm(request.POST or None, initial={"received_on": timezone.localdate()})
    if request.method == "POST" and not refusal and form.is_valid():
        try:
            appeal = appeal_register(decision=decision_, user=request.user, received_on=form.cleaned_data["received_on"],
                                     text=form.cleaned_data["text"])
        except ServiceError as error:
            messages.error(request, str(error))
        else:
            if appeal.within_deadline:
                messages.success(request, _("The appeal is registered. It came within the deadline."))
            else:
                messages.warning(request, _("The appeal is registered. It came after the deadline."))
            return redirect(decision_url(application.pk))
    return render(request, "casework/appeal_form.html", {
        "application": application,
        "decision": decision_,
        "form": form,
        "refusal": refusal,
        "deadline": deadline,
        "today_within": deadline is not None and timezone.localdate() <= deadline,
    })


@login_required
@idempotent_post
def appeal_handle(request, appeal_pk):
    appeal = get_object_or_404(
        Appeal.objects.filter(decision__application__round__office_id__in=office_ids_with_role(
            request.user, *OFFICE_ROLES))
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
            appeal_handle_service(appeal=appeal, user=request.user, handling=form.cleaned_data["handling"],
                                  notes=form.cleaned_data["notes"])
        except ServiceError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The appeal's handling is recorded."))
            return redirect(decision_url(application.pk))
    return render(request, "casework/appeal_handle.html", {
        "appeal": appeal,
        "application": application,
        "decision": appeal.decision,
        "form": form,
        "deadline": appeal_deadline(appeal.decision),
    })


@login_required
@idempotent_post
def appeal_lodge(request, pk):
    """The signatory's appeal form. Before the letter is sent there is nothing here (404, as for
    anyone outside the organisation); an editor is told that the signatory lodges it (403)."""
    application = get_object_or_404(
        applications_visible_to(user=request.user).select_related("round__office", "organisation", "decision"),
        pk=pk)
    decision_ = getattr(application, "decision", None)
    if not is_applicant(request.user, application) or not decision_known_to_applicant(decision_):
        raise Http404
    require(can_lodge_appeal(request.user, application))
    deadline = appeal_deadline(decision_)
    form = AppealLodgeForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            appeal, created = appeal_lodge_service(decision=decision_, user=request.user, text=form.cleaned_data["text"],
                                                   attachment=form.cleaned_data["attachment"])
        except ServiceError as error:
            messages.error(request, str(error))
        else:
            values = {"office": application.round.office_title, "received": local_date(appeal.received_on),
                      "deadline": local_date(deadline)}
            if not created:
                messages.info(request, _("The appeal was already received; it was not sent twice."))
            elif appeal.within_deadline:
                messages.success(request, _("The appeal is received by %(office)s on %(received)s, within the "
                                            "deadline.") % values)
            else:
                messages.warning(request, _("The appeal is received by %(office)s on %(received)s, after the deadline "
                                            "of %(deadline)s. The office decides whether it can still be "
                                            "considered.") % values)
            return redirect(application.get_absolute_url() + "#decision")
    return render(request, "casework/appeal_lodge.html", {
        "application": application,
        "decision": decision_,
        "form": form,
        "deadline": deadline,
        "deadline_passed": not appeal_within_deadline(decision_, timezone.localdate()),
    })


@login_required
def appeal_attachment(request, appeal_pk):
    """An appeal's attachment: for the municipality that lodged it and the round's office; 404 otherwise."""
    appeal = get_object_or_404(
        Appeal.objects.filter(decision__application__in=applications_visible_to(user=request.user))
        .exclude(attachment="").select_related("decision__application__round"),
        pk=appeal_pk)
    application = appeal.decision.application
    if not (is_applicant(request.user, application) or is_office_staff_of(request.user, application)):
        raise Http404
    return serve_stored_file(appeal.attachment, appeal.attachment_name, content_type=appeal.attachment_content_type)
