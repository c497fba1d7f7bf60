"""The check page, submission, withdrawal and starting again."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from portal.exceptions import ServiceError
from portal.idempotency import idempotent_post

from ..completeness import application_sections
from ..forms import WithdrawForm
from ..models import ApplicationStatus
from ..permissions import can_mark_ready_for_signature, is_applicant
from ..rules import round_deadline_applies
from ..selectors import (
    application_changed_since,
    application_previous,
    application_totals,
    signatories_of,
    signatories_told,
    signature_request_current,
)
from ..services import (
    application_copy_previous,
    application_mark_ready_for_signature,
    application_reopen,
    application_submit,
    application_withdraw,
)
from ..workflow import APPLICATION
from .common import get_application


@login_required
def check(request, pk):
    application = get_application(request, pk)
    sections = application_sections(application=application)
    name = "resubmit" if application.status == ApplicationStatus.RETURNED else "submit"
    submit_transition = APPLICATION[name] if application.status in APPLICATION[name].sources else None
    return render(request, "applications/check.html", {
        "application": application,
        "sections": sections,
        "problems": [p for s in sections for p in s.problems],
        "totals": application_totals(application=application),
        "submit_transition": submit_transition,
        "may_sign": APPLICATION.may(application, name, request.user),
        "submit_refusal": APPLICATION.check(application, name, request.user) if submit_transition else "",
        "deadline_applies": round_deadline_applies(application),
        **(_handover(application, request.user) if submit_transition and is_applicant(request.user, application)
           else {}),
    })


def _handover(application, user) -> dict:
    """Who may submit, whether an editor marked it ready for them, and whether they were told."""
    signatories = signatories_of(organisation_id=application.organisation_id)
    signature_request = signature_request_current(application=application)
    return {
        "show_handover": True,
        "signatories": signatories,
        "signature_request": signature_request,
        "told": signatories_told(request=signature_request, signatories=signatories) if signature_request else [],
        "changed_since_mark": application_changed_since(application=application, since=signature_request.requested_at)
        if signature_request else None,
        "may_mark": can_mark_ready_for_signature(user, application),
    }


@login_required
@require_POST
@idempotent_post
def mark_ready(request, pk):
    """The editor hands the finished application over to the signatory."""
    application = get_application(request, pk)
    try:
        _mark, made = application_mark_ready_for_signature(application=application, user=request.user)
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        if made:
            messages.success(request, _("The application is marked ready for signature. The signatories are told "
                                        "by e-mail and in the portal."))
        else:
            messages.info(request, _("The application was already marked ready for signature and has not changed "
                                     "since; the signatories were not told again."))
    return redirect("applications:check", pk=application.pk)


@login_required
@require_POST
@idempotent_post
def submit(request, pk):
    application = get_application(request, pk, with_lines=False)  # the service reads it again under its lock
    was_submitted = application.status == ApplicationStatus.SUBMITTED
    try:
        submitted = application_submit(application=application, user=request.user)
    except ServiceError as error:
        messages.error(request, str(error))
        return redirect("applications:check", pk=application.pk)
    if was_submitted:
        messages.info(request, _("The application was already submitted; it was not sent twice."))
    else:
        messages.success(request, _("The application is submitted. A receipt is on its way by e-mail to the "
                                    "signatory and the contact person."))
    return redirect(submitted.get_absolute_url())


@login_required
@idempotent_post
def withdraw(request, pk):
    application = get_application(request, pk)
    refusal = APPLICATION.check(application, "withdraw", request.user)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            application_withdraw(application=application, user=request.user, reason=form.cleaned_data["reason"])
        except ServiceError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The application is withdrawn."))
            return redirect(application.get_absolute_url())
    return render(request, "applications/withdraw.html", {
        "application": application, "form": form, "refusal": refusal,
    })


@login_required
@require_POST
@idempotent_post
def reopen(request, pk):
    application = get_application(request, pk)
    try:
        application_reopen(application=application, user=request.user)
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The application is a draft again. Submit it before the deadline."))
    return redirect(application.get_absolute_url())


@login_required
@require_POST
@idempotent_post
def copy_previous(request, pk):
    """Copy last year's measures and projects into this (empty) draft."""
    application = get_application(request, pk)
    try:
        count = application_copy_previous(application=application, user=request.user)
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        if count:
            messages.success(request, ngettext(
                "%(count)d measure or project copied from last year. Check the amounts and dates.",
                "%(count)d measures and projects copied from last year. Check the amounts and dates.", count,
            ) % {"count": count})
        elif application_previous(application=application) is None:
            messages.info(request, _("Nothing was copied: there is no earlier application to copy from."))
        else:
            messages.info(request, _("Nothing was copied: the application already has measures or projects."))
    return redirect(application.get_absolute_url())
