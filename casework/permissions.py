"""May this user do this in the office's casework? Object-level (the round's office); each function
takes the user first and returns a Verdict with the reason when it says no. Who may move a decision
on is the decision's table (`workflow.DECISION`); these functions read it."""

from django.utils.translation import gettext_lazy as _

from applications.models import Application, ApplicationStatus
from applications.permissions import is_applicant, is_office_staff_of, roles_of
from portal.models import Role
from portal.permissions import ALLOWED, Verdict, office_ids_with_role

from .rules import decision_known_to_applicant
from .selectors import WORKING_ROLES
from .workflow import DECISION, PROPOSER_ROLES


def can_work_on_round(user, round_) -> Verdict:
    """Caseworkers and approvers of the round's office see its applications, board and exports."""
    if round_.office_id in office_ids_with_role(user, *WORKING_ROLES):
        return ALLOWED
    return Verdict(False, _("Only the office's caseworkers and approvers see its rounds."))


def can_assess(user, application: Application) -> Verdict:
    """Caseworkers of the round's office assess submitted applications."""
    if Role.CASEWORKER not in roles_of(user, application):
        return Verdict(False, _("Only the office's caseworkers assess applications."))
    if application.status in (ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN):
        return Verdict(False, _("The application is %(status)s and cannot be assessed.") % {
            "status": application.get_status_display().lower()})
    return ALLOWED


def can_propose_decision(user, application: Application) -> Verdict:
    if roles_of(user, application) & set(PROPOSER_ROLES):
        return ALLOWED
    return Verdict(False, _("Only the office's caseworkers propose decisions."))


def can_approve_decision(user, application: Application) -> Verdict:
    """Approvers of the round's office approve decisions (the table's guard refuses their own proposals)."""
    if roles_of(user, application) & set(DECISION["approve"].roles):
        return ALLOWED
    return Verdict(False, _("Only the office's approvers approve decisions."))


def can_approve_decisions_of_round(user, round_) -> Verdict:
    """Approvers of the round's office approve its decisions several at once (each decision's own
    transition still refuses an approver's own proposal)."""
    if round_.office_id in office_ids_with_role(user, *DECISION["approve"].roles):
        return ALLOWED
    return Verdict(False, _("Only the office's approvers approve decisions."))


def can_send_decision(user, application: Application) -> Verdict:
    """Caseworkers and approvers of the round's office send letters and register and handle appeals."""
    if roles_of(user, application) & set(DECISION["send"].roles):
        return ALLOWED
    return Verdict(False, _("Only the office's caseworkers and approvers send decisions and handle appeals."))


def can_download_letter(user, application: Application) -> Verdict:
    """The office's staff read the letter at once; the municipality's own users once it is sent."""
    if is_office_staff_of(user, application):
        return ALLOWED
    if is_applicant(user, application) and decision_known_to_applicant(getattr(application, "decision", None)):
        return ALLOWED
    return Verdict(False, _("The decision letter is not available to you."))


def can_lodge_appeal(user, application: Application) -> Verdict:
    """The organisation's signatory lodges an appeal online, on the organisation's behalf, once the
    decision is known to it (its letter is sent). Only the signatory: an appeal is the organisation's
    formal statement, as the submission is, and the signatory is who signs for it; an editor asks
    the signatory. Late appeals are not refused here: they are received and marked late."""
    if not is_applicant(user, application) or not decision_known_to_applicant(getattr(application, "decision", None)):
        return Verdict(False, _("There is no decision on this application that can be appealed."))
    if Role.SIGNATORY not in roles_of(user, application):
        return Verdict(False, _("Only the organisation's signatory can lodge an appeal on its behalf."))
    return ALLOWED


def can_read_audit_log(user, office) -> Verdict:
    """The office's staff (caseworkers, approvers, office admins) read its audit log; nobody edits it."""
    if office.pk in office_ids_with_role(user, Role.CASEWORKER, Role.APPROVER, Role.OFFICE_ADMIN):
        return ALLOWED
    return Verdict(False, _("Only the office's staff read its audit log."))
