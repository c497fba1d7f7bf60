"""The report pages, under /reports/.

The municipality's report (`report`): editors and signatories write it while it is a draft or
returned; the signatory submits it. The office's review (`review`): caseworkers approve it or
return it saying what is missing. The office's overview of a round's reports (`round_reports`),
with what is to be repaid. Every page starts from a selector scoped to the user: another
organisation's or office's report is a 404, never a hint that it exists."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications.selectors import signatories_of, signatories_told
from portal.autosave import autosave_response, is_autosave
from portal.exceptions import ServiceError, StaleEdit
from portal.files import serve_stored_file
from portal.idempotency import idempotent_post
from portal.permissions import require
from portal.uploads import DOCX, ODT, PDF
from schemes.models import Round
from schemes.selectors import office_round_get

from .forms import ReportForm, ReturnForm
from .models import GrantReport, ReportStatus
from .notifications import ReportNotice
from .permissions import (
    can_edit_report,
    can_mark_report_ready_for_signature,
    can_review_report,
    can_sign_report,
    can_submit_report,
    can_view_report,
    can_view_round_reports,
)
from .rules import IN_STATUSES, report_problems, report_totals
from .selectors import (
    report_changed_since,
    report_counts_by_status,
    report_get_for_office,
    report_get_for_organisation,
    report_signature_request_current,
    report_signature_request_email_key,
    reports_for_offices,
    reports_for_round,
)
from .services import report_approve, report_mark_ready_for_signature, report_return, report_save, report_submit
from .workflow import REPORT

CONTENT_TYPES = dict([PDF, DOCX, ODT])


# --- what the user may reach -------------------------------------------------------------------------

def _own_report(request, pk) -> GrantReport:
    """The report of one of the user's organisations' applications; 404 otherwise."""
    try:
        return report_get_for_organisation(user=request.user, application_pk=pk)
    except GrantReport.DoesNotExist:
        raise Http404


def _office_report(request, pk) -> GrantReport:
    """The report of an application in one of the user's offices' rounds (404 otherwise); 403 with
    the reason for an office user without a reading role."""
    try:
        report = report_get_for_office(user=request.user, application_pk=pk)
    except GrantReport.DoesNotExist:
        raise Http404
    require(can_view_report(request.user, report))
    return report


# --- the municipality's report -------------------------------------------------------------------------

@dataclass
class SaveOutcome:
    form: ReportForm
    report: GrantReport
    saved: bool = False
    conflict: StaleEdit | None = None
    response: object = None  # an autosave's JSON answer, or a redirect


def _save_from_post(request, report: GrantReport) -> SaveOutcome:
    """Save what the page posted. On bad input or a stale page, the form keeps what was typed."""
    autosave = is_autosave(request)
    # An autosave carries the text, not the file: the file is stored when the user presses a button.
    form = ReportForm(request.POST, None if autosave else request.FILES, report=report,
                      lines=list(report.lines.all()), version=report.version)
    if not form.is_valid():
        if autosave:
            return SaveOutcome(form, report, response=autosave_response(errors=form.errors, version=report.version,
                                                                        status=400))
        return SaveOutcome(form, report)
    base_version = form.cleaned_data.get("version")
    try:
        saved = report_save(report=report, user=request.user, data=form.report_data(), lines=form.line_data(),
                            base_version=report.version if base_version is None else base_version,
                            upload=form.cleaned_data.get("auditor_statement"))
    except StaleEdit as stale:
        if autosave:
            return SaveOutcome(form, report, response=autosave_response(
                conflict=stale, version=stale.current_version, status=409))
        # Keep what the user typed; saving again is based on what is stored now.
        current = report_get_for_organisation(user=request.user, application_pk=report.application_id)
        posted = request.POST.copy()
        posted["version"] = stale.current_version
        form = ReportForm(posted, report=current, lines=list(current.lines.all()), version=stale.current_version)
        form.is_valid()
        return SaveOutcome(form, current, conflict=stale)
    except ValidationError as error:
        if autosave:
            return SaveOutcome(form, report, response=autosave_response(
                errors={"auditor_statement": error.messages}, version=report.version, status=400))
        form.add_error("auditor_statement", error)
        return SaveOutcome(form, report)
    except ServiceError as error:
        if autosave:
            return SaveOutcome(form, report, response=autosave_response(
                errors={"__all__": [str(error)]}, version=report.version, status=400))
        return SaveOutcome(form, report, response=_render_refused(request, report, str(error)))
    if autosave:
        return SaveOutcome(form, saved, saved=True, response=autosave_response(version=saved.version))
    return SaveOutcome(form, saved, saved=True)


def _render_refused(request, report: GrantReport, reason: str):
    """Nothing was saved: show why, with everything the user typed still in the form (409)."""
    form = ReportForm(request.POST, report=report, lines=list(report.lines.all()), version=report.version)
    form.is_valid()
    form.add_error(None, _("Not saved: %(reason)s What you typed is kept below; copy it before you leave.")
                   % {"reason": reason})
    return _render_report(request, report, form=form, refused=True, status=409)


def _render_report(request, report: GrantReport, *, form=None, conflict=None, refused=False, status=200):
    may_edit = can_edit_report(request.user, report) or refused
    if form is None and may_edit:
        form = ReportForm(report=report, lines=list(report.lines.all()), version=report.version)
    return render(request, "reporting/report.html", {
        "report": report,
        "application": report.application,
        "lines": list(report.lines.all()),
        "totals": report_totals(report=report),
        "form": form if may_edit else None,
        "conflict": conflict,
        "problems": report_problems(report=report) if may_edit else [],
        "may_submit": can_submit_report(request.user, report) and not refused,
        **(_handover(request.user, report) if may_edit else {}),
    }, status=status)


def _handover(user, report: GrantReport) -> dict:
    """Who may submit the report, whether an editor marked it ready for them, and whether they were told."""
    signatories = signatories_of(organisation_id=report.application.organisation_id)
    signature_request = report_signature_request_current(report=report)
    return {
        "show_handover": True,
        "signatories": signatories,
        "signature_request": signature_request,
        "told": signatories_told(request=signature_request, signatories=signatories,
                                 kind=ReportNotice.REPORT_READY_FOR_SIGNATURE,
                                 email_key=report_signature_request_email_key) if signature_request else [],
        "changed_since_mark": report_changed_since(report=report, since=signature_request.requested_at)
        if signature_request else None,
        "may_mark": can_mark_report_ready_for_signature(user, report),
        "may_sign": can_sign_report(user, report),
    }


@login_required
@idempotent_post
def report(request, pk):
    try:
        report = report_get_for_organisation(user=request.user, application_pk=pk)
    except GrantReport.DoesNotExist:
        # the office's staff read reports on the review page
        if reports_for_offices(user=request.user).filter(application_id=pk).exists():
            return redirect("reporting:review", pk=pk)
        raise Http404
    if request.method != "POST":
        return _render_report(request, report)
    may_edit = can_edit_report(request.user, report)
    if not may_edit:
        if is_autosave(request):
            return autosave_response(errors={"__all__": [str(may_edit.reason)]}, version=report.version, status=409)
        return _render_refused(request, report, str(may_edit.reason))
    outcome = _save_from_post(request, report)
    if outcome.response is not None:
        return outcome.response
    if outcome.saved:
        messages.success(request, _("The report is saved."))
        return redirect(outcome.report.get_absolute_url())
    return _render_report(request, outcome.report, form=outcome.form, conflict=outcome.conflict)


@login_required
@require_POST
@idempotent_post
def submit(request, pk):
    """The signatory submits. The page's form comes along (the button is in it): what was typed is
    saved first, so nothing typed since the last save is lost."""
    report = _own_report(request, pk)
    signs = can_sign_report(request.user, report)
    if signs and report.status in (ReportStatus.SUBMITTED, ReportStatus.APPROVED):
        messages.info(request, _("The report was already submitted; it was not submitted twice."))
        return redirect(report.get_absolute_url())
    verdict = can_submit_report(request.user, report)
    if not verdict:
        messages.error(request, verdict.reason)
        return redirect(report.get_absolute_url())
    if "version" in request.POST:
        outcome = _save_from_post(request, report)
        if outcome.response is not None:
            return outcome.response
        if not outcome.saved:
            return _render_report(request, outcome.report, form=outcome.form, conflict=outcome.conflict)
        report = outcome.report
    try:
        submitted = report_submit(report=report, user=request.user)
    except ServiceError as error:
        messages.error(request, str(error))
        return redirect(report.get_absolute_url())
    messages.success(request, _("The report is submitted to the County Governor. It can be read here but no longer "
                                "changed, unless the County Governor returns it."))
    return redirect(submitted.get_absolute_url())


@login_required
@require_POST
@idempotent_post
def mark_ready(request, pk):
    """The editor hands the finished report over to the signatory. The page's form comes along (the
    button is in it): what was typed is saved first, so nothing typed since the last save is lost."""
    report = _own_report(request, pk)
    verdict = can_mark_report_ready_for_signature(request.user, report)
    if not verdict:
        messages.error(request, verdict.reason)
        return redirect(report.get_absolute_url())
    if "version" in request.POST:
        outcome = _save_from_post(request, report)
        if outcome.response is not None:
            return outcome.response
        if not outcome.saved:
            return _render_report(request, outcome.report, form=outcome.form, conflict=outcome.conflict)
        report = outcome.report
    try:
        _mark, made = report_mark_ready_for_signature(report=report, user=request.user)
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        if made:
            messages.success(request, _("The report is saved and marked ready for signature. The signatories are "
                                        "told by e-mail and in the portal."))
        else:
            messages.info(request, _("The report was already marked ready for signature and has not changed since; "
                                     "the signatories were not told again."))
    return redirect(report.get_absolute_url())


@login_required
@idempotent_post
def auditor_statement(request, pk):
    """The uploaded statement: for the municipality's own users and the office's staff only."""
    try:
        report = report_get_for_organisation(user=request.user, application_pk=pk)
    except GrantReport.DoesNotExist:
        report = _office_report(request, pk)
    if not report.auditor_statement:
        raise Http404
    name = report.auditor_statement_name or report.auditor_statement.name.rsplit("/", 1)[-1]
    content_type = CONTENT_TYPES.get(name.rsplit(".", 1)[-1].lower(), "application/octet-stream")
    return serve_stored_file(report.auditor_statement, name, content_type=content_type)


# --- the office's review ----------------------------------------------------------------------------------

def _render_review(request, report: GrantReport, *, return_form=None):
    return render(request, "reporting/review.html", {
        "report": report,
        "application": report.application,
        "lines": list(report.lines.all()),
        "totals": report_totals(report=report),
        "may_review": can_review_report(request.user, report),
        "transitions": {t.name: t for t in REPORT.available(report, request.user)},
        "REPORT_REVIEWABLE": REPORT["approve"].sources,
        "report_is_in": report.status in IN_STATUSES,
        "return_form": return_form or ReturnForm(),
        "form": return_form,  # for the error summary
    })


@login_required
def review(request, pk):
    return _render_review(request, _office_report(request, pk))


@login_required
@require_POST
@idempotent_post
def approve(request, pk):
    report = _office_report(request, pk)
    require(can_review_report(request.user, report))
    was_approved = report.status == ReportStatus.APPROVED
    try:
        report_approve(report=report, user=request.user)
    except ServiceError as error:
        messages.error(request, str(error))
        return redirect("reporting:review", pk=pk)
    if was_approved:
        messages.info(request, _("The report was already approved."))
    else:
        messages.success(request, _("The report is approved and the application is closed. %(organisation)s is "
                                    "told.") % {"organisation": report.application.organisation})
    return redirect("reporting:review", pk=pk)


@login_required
@require_POST
@idempotent_post
def return_report(request, pk):
    report = _office_report(request, pk)
    require(can_review_report(request.user, report))
    form = ReturnForm(request.POST)
    if not form.is_valid():
        return _render_review(request, report, return_form=form)
    try:
        report_return(report=report, user=request.user, message=form.cleaned_data["message"])
    except ServiceError as error:
        messages.error(request, str(error))
        return redirect("reporting:review", pk=pk)
    messages.success(request, _("The report is returned to %(organisation)s with your message. It comes back here "
                                "when the signatory submits it again.") % {
        "organisation": report.application.organisation})
    return redirect("reporting:review", pk=pk)


# --- the office's overview of a round -------------------------------------------------------------------

@login_required
def round_reports(request, round_pk):
    try:
        round_ = office_round_get(user=request.user, pk=round_pk)
    except Round.DoesNotExist:
        raise Http404
    require(can_view_round_reports(request.user, round_))
    overview = reports_for_round(user=request.user, round_=round_)
    return render(request, "reporting/round_reports.html", {
        "round": round_,
        "overview": overview,
        "counts": report_counts_by_status(rows=overview.rows),
    })
