"""May this user do this to this report? Object-level (own organisation, own office); each function
takes the user first and returns a Verdict with the reason when it says no. Who may move a report
on is its table (`workflow.REPORT`); these functions read it."""

from django.utils.translation import gettext_lazy as _

from casework.permissions import can_work_on_round
from casework.rules import decision_known_to_applicant
from portal.models import ORGANISATION_ROLES, Role
from portal.permissions import ALLOWED, Verdict

from .models import GrantReport
from .rules import EDITABLE_REPORT_STATUSES
from .workflow import REPORT, roles_of


def can_view_report(user, report: GrantReport) -> Verdict:
    """The municipality's own users once the decision is known to them; the office's caseworkers and
    approvers."""
    roles = roles_of(user, report)
    if roles & set(ORGANISATION_ROLES):
        if not decision_known_to_applicant(getattr(report.application, "decision", None)):
            return Verdict(False, _("The decision has not been sent yet."))
        return ALLOWED
    if can_work_on_round(user, report.application.round):
        return ALLOWED
    return Verdict(False, _("You do not have access to this report."))


def can_edit_report(user, report: GrantReport) -> Verdict:
    """Editors and signatories write the report while it is a draft or returned to them. The page
    and the save service both ask this."""
    if not roles_of(user, report) & set(ORGANISATION_ROLES):
        return Verdict(False, _("Only the municipality's own users write its report."))
    if report.status not in EDITABLE_REPORT_STATUSES:
        return Verdict(False, _("The report is %(status)s and can no longer be changed.") % {
            "status": report.get_status_display().lower()})
    return ALLOWED


def can_mark_report_ready_for_signature(user, report: GrantReport) -> Verdict:
    """The municipality's editors hand a finished report over to the signatory, while it may be edited."""
    if Role.EDITOR not in roles_of(user, report):
        return Verdict(False, _("Only the municipality's editors hand the report over for signature."))
    return can_edit_report(user, report)


def can_sign_report(user, report: GrantReport) -> Verdict:
    """Only the municipality's signatory signs and submits its report; the editor drafts it."""
    if not REPORT.may(report, "submit", user):
        return Verdict(False, _("Only the signatory can submit the report. Ask the municipality's signatory "
                                "to submit it when it is complete."))
    return ALLOWED


def can_submit_report(user, report: GrantReport) -> Verdict:
    """The signatory, while the report is a draft or returned."""
    signs = can_sign_report(user, report)
    if not signs:
        return signs
    if report.status not in REPORT["submit"].sources:
        return Verdict(False, _("The report is %(status)s and cannot be submitted now.") % {
            "status": report.get_status_display().lower()})
    return ALLOWED


def can_review_report(user, report: GrantReport) -> Verdict:
    """Only the office's caseworkers approve a report or return it (whether it is submitted now is
    the table's to say, with a message)."""
    if not REPORT.may(report, "approve", user):
        return Verdict(False, _("Only the office's caseworkers approve or return reports."))
    return ALLOWED


def can_view_round_reports(user, round_) -> Verdict:
    """Caseworkers and approvers of the round's office follow its reports and repayments."""
    if can_work_on_round(user, round_):
        return ALLOWED
    return Verdict(False, _("Only the office's caseworkers and approvers follow the round's reports."))
