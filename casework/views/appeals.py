"""Appeals against a decision that was sent: registering one, and recording its handling."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.exceptions import ServiceError
from portal.models import OFFICE_ROLES
from portal.permissions import office_ids_with_role, require

from ..forms import AppealForm, AppealHandleForm
from ..models import Appeal, DecisionStatus
from ..permissions import can_send_decision
from ..rules import appeal_deadline
from ..services.appeals import appeal_handle as appeal_handle_service
from ..services.appeals import appeal_register
from .common import decision_of, decision_url, office_application


@login_required
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
