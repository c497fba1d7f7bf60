"""May this user do this to this report? Object-level: own organisation, own office.

Each function returns a Verdict (truthy when allowed, with the reason when not); views call
`applications.permissions.require` to turn a refusal into a 403 that says why."""

from django.utils.translation import gettext_lazy as _

from portal.models import Role
from portal.permissions import ALLOWED, Verdict, office_ids_with_role, organisation_ids_with_role

from .models import GrantReport
from .workflow import EDITABLE_REPORT_STATUSES, REPORT_TRANSITIONS

ORGANISATION_ROLES = (Role.EDITOR, Role.SIGNATORY)
OFFICE_READERS = (Role.CASEWORKER, Role.APPROVER)


def _organisation_id(report: GrantReport) -> int:
    return report.application.organisation_id


def _office_id(report: GrantReport) -> int:
    return report.application.round.office_id


def can_view_report(user, report: GrantReport) -> Verdict:
    """The municipality's own users, and the caseworkers and approvers of the round's office."""
    if _organisation_id(report) in organisation_ids_with_role(user, *ORGANISATION_ROLES):
        if report.application.decision.status != "sent":
            return Verdict(False, _("The decision has not been sent yet."))
        return ALLOWED
    if _office_id(report) in office_ids_with_role(user, *OFFICE_READERS):
        return ALLOWED
    return Verdict(False, _("You do not have access to this report."))


def can_edit_report(user, report: GrantReport) -> Verdict:
    """Editors and signatories write the report while it is a draft or returned to them."""
    if _organisation_id(report) not in organisation_ids_with_role(user, *ORGANISATION_ROLES):
        return Verdict(False, _("Only the municipality's own users write its report."))
    if report.status not in EDITABLE_REPORT_STATUSES:
        return Verdict(False, _("The report is %(status)s and can no longer be changed.") % {
            "status": report.get_status_display().lower()})
    return ALLOWED


def can_sign_report(user, report: GrantReport) -> Verdict:
    """Only the municipality's signatory signs and submits its report; the editor drafts it."""
    if _organisation_id(report) not in organisation_ids_with_role(user, *REPORT_TRANSITIONS["submit"].roles):
        return Verdict(False, _("Only the signatory can submit the report. Ask the municipality's signatory "
                                "to submit it when it is complete."))
    return ALLOWED


def can_submit_report(user, report: GrantReport) -> Verdict:
    """The signatory, while the report is a draft or returned."""
    signs = can_sign_report(user, report)
    if not signs:
        return signs
    if report.status not in REPORT_TRANSITIONS["submit"].sources:
        return Verdict(False, _("The report is %(status)s and cannot be submitted now.") % {
            "status": report.get_status_display().lower()})
    return ALLOWED


def can_review_report(user, report: GrantReport) -> Verdict:
    """Only the office's caseworkers approve a report or return it (whether it is submitted now is
    the service's to say, with a message)."""
    if _office_id(report) not in office_ids_with_role(user, *REPORT_TRANSITIONS["approve"].roles):
        return Verdict(False, _("Only the office's caseworkers approve or return reports."))
    return ALLOWED


def can_view_round_reports(user, round_) -> Verdict:
    """Caseworkers and approvers of the round's office follow its reports and repayments."""
    if round_.office_id in office_ids_with_role(user, *OFFICE_READERS):
        return ALLOWED
    return Verdict(False, _("Only the office's caseworkers and approvers follow the round's reports."))
