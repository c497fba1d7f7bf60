"""May this user do this to this application? Object-level: own organisation, own office."""

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import Role
from portal.permissions import ALLOWED, Verdict, office_ids_with_role, organisation_ids_with_role

from .models import Application, ApplicationStatus
from .workflow import EDITABLE_STATUSES, user_roles_for

OFFICE_ROLES = (Role.CASEWORKER, Role.APPROVER, Role.OFFICE_ADMIN)
ORGANISATION_ROLES = (Role.EDITOR, Role.SIGNATORY)


def require(verdict: Verdict) -> None:
    """The one helper views call: raises PermissionDenied with the reason when not allowed."""
    if not verdict:
        raise PermissionDenied(verdict.reason)


def can_view_application(user, application: Application) -> Verdict:
    roles = user_roles_for(application, user)
    if roles & set(ORGANISATION_ROLES):
        return ALLOWED
    if roles & set(OFFICE_ROLES) and application.status != ApplicationStatus.DRAFT:
        return ALLOWED
    return Verdict(False, _("You do not have access to this application."))


def can_edit_application(user, application: Application, now=None) -> Verdict:
    if not user_roles_for(application, user) & set(ORGANISATION_ROLES):
        return Verdict(False, _("Only the municipality's own users edit its application."))
    if application.status not in EDITABLE_STATUSES:
        return Verdict(False, _("The application is %(status)s and can no longer be changed.") % {
            "status": application.get_status_display().lower()})
    if application.status == ApplicationStatus.DRAFT and not application.round.is_open(now or timezone.now()):
        if application.round.has_not_opened(now):
            return Verdict(False, _("The round has not opened yet."))
        return Verdict(False, _("The application deadline has passed; the draft can no longer be changed."))
    return ALLOWED


def can_start_application(user, round_, organisation, now=None) -> Verdict:
    if organisation.pk not in organisation_ids_with_role(user, *ORGANISATION_ROLES):
        return Verdict(False, _("You are not a member of this organisation."))
    kinds = round_.effective_eligible_kinds()
    if organisation.kind not in kinds:
        return Verdict(False, _("%(organisation)s cannot apply in this round.") % {"organisation": organisation})
    if organisation.kind == "state_body" and round_.scheme.state_bodies_net_budgeted_only and not organisation.net_budgeted:
        return Verdict(False, _("Only net-budgeted state bodies may apply."))
    if organisation.county_id not in {county.pk for county in round_.office.counties.all()}:
        return Verdict(False, _("%(organisation)s belongs to another County Governor's area.") % {
            "organisation": organisation})
    if not round_.is_open(now or timezone.now()):
        return Verdict(False, _("The round is not open for applications."))
    return ALLOWED


def can_see_office_side(user, application: Application) -> bool:
    return application.round.office_id in office_ids_with_role(user, *OFFICE_ROLES)


def can_assess(user, application: Application) -> Verdict:
    """Caseworkers of the round's office assess submitted applications."""
    if application.round.office_id not in office_ids_with_role(user, Role.CASEWORKER):
        return Verdict(False, _("Only the office's caseworkers assess applications."))
    if application.status in (ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN):
        return Verdict(False, _("The application is %(status)s and cannot be assessed.") % {
            "status": application.get_status_display().lower()})
    return ALLOWED


def can_work_on_round(user, round_) -> Verdict:
    """Caseworkers and approvers of the round's office see its applications, board and exports."""
    if round_.office_id in office_ids_with_role(user, Role.CASEWORKER, Role.APPROVER):
        return ALLOWED
    return Verdict(False, _("Only the office's caseworkers and approvers see its rounds."))


def can_propose_decision(user, application: Application) -> Verdict:
    """Caseworkers of the round's office propose decisions."""
    if application.round.office_id in office_ids_with_role(user, Role.CASEWORKER):
        return ALLOWED
    return Verdict(False, _("Only the office's caseworkers propose decisions."))


def can_approve_decision(user, application: Application) -> Verdict:
    """Approvers of the round's office approve decisions (the service refuses their own proposals)."""
    if application.round.office_id in office_ids_with_role(user, Role.APPROVER):
        return ALLOWED
    return Verdict(False, _("Only the office's approvers approve decisions."))


def can_send_decision(user, application: Application) -> Verdict:
    """Caseworkers and approvers of the round's office send letters and register and handle appeals."""
    if application.round.office_id in office_ids_with_role(user, Role.CASEWORKER, Role.APPROVER):
        return ALLOWED
    return Verdict(False, _("Only the office's caseworkers and approvers send decisions and handle appeals."))


def is_applicant(user, application: Application) -> bool:
    """Is the user one of the applying organisation's own (editor or signatory)?"""
    return bool(user_roles_for(application, user) & set(ORGANISATION_ROLES))


def can_download_letter(user, application: Application) -> Verdict:
    """The office's staff read the letter at once; the municipality's own users once it is sent."""
    if can_see_office_side(user, application):
        return ALLOWED
    decision = getattr(application, "decision", None)
    if is_applicant(user, application) and decision is not None and decision.status == "sent":
        return ALLOWED
    return Verdict(False, _("The decision letter is not available to you."))
