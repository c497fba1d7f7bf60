"""May this user do this to this application? Object-level (own organisation, own office); each
function takes the user first and returns a Verdict with the reason when it says no."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import OFFICE_ROLES, ORGANISATION_ROLES, Role
from portal.permissions import ALLOWED, Verdict, organisation_ids_with_role, roles_for
from schemes.rules import organisation_may_apply

from .models import Application, ApplicationStatus
from .rules import EDITABLE_STATUSES, applicant_status_label, round_closed_reason


def roles_of(user, application: Application) -> set[str]:
    """The roles the user holds for this application: in its organisation or in its round's office."""
    return roles_for(user, organisation_id=application.organisation_id, office_id=application.round.office_id)


def is_applicant(user, application: Application) -> bool:
    """Is the user one of the applying organisation's own (editor or signatory)?"""
    return bool(roles_of(user, application) & set(ORGANISATION_ROLES))


def is_office_staff_of(user, application: Application) -> bool:
    """Does the user hold any role in the office of the application's round?"""
    return bool(roles_of(user, application) & set(OFFICE_ROLES))


def shown_status_label(user, application: Application) -> str:
    """The status as this user may know it: the applicant is not told of a decision before its letter."""
    return applicant_status_label(application) if is_applicant(user, application) else application.get_status_display()


def can_view_application(user, application: Application) -> Verdict:
    if is_applicant(user, application):
        return ALLOWED
    if is_office_staff_of(user, application) and application.status != ApplicationStatus.DRAFT:
        return ALLOWED
    return Verdict(False, _("You do not have access to this application."))


def can_edit_application(user, application: Application, now=None) -> Verdict:
    if not is_applicant(user, application):
        return Verdict(False, _("Only the municipality's own users edit its application."))
    if application.status not in EDITABLE_STATUSES:
        return Verdict(False, _("The application is %(status)s and can no longer be changed.") % {
            "status": shown_status_label(user, application).lower()})
    now = now or timezone.now()
    closed = round_closed_reason(application.round, now) if application.status == ApplicationStatus.DRAFT else ""
    if closed:
        if application.round.has_not_opened(now):
            return Verdict(False, closed)
        return Verdict(False, _("The application deadline has passed; the draft can no longer be changed."))
    return ALLOWED


def can_mark_ready_for_signature(user, application: Application, now=None) -> Verdict:
    """The municipality's editors hand a finished application over to the signatory, while they may
    still edit it (a draft before the deadline, or returned by the office). Whether it is complete
    is the service's to check, with the one list of problems."""
    if Role.EDITOR not in roles_of(user, application):
        return Verdict(False, _("Only the municipality's editors hand the application over for signature."))
    return can_edit_application(user, application, now)


def can_start_application(user, round_, organisation, now=None) -> Verdict:
    """A member of the organisation, which may apply in the round (`schemes.rules`), while it is open."""
    if organisation.pk not in organisation_ids_with_role(user, *ORGANISATION_ROLES):
        return Verdict(False, _("You are not a member of this organisation."))
    eligible = organisation_may_apply(round_, organisation)
    if not eligible:
        return eligible
    now = now or timezone.now()
    if round_.in_grace(now):  # the grace minutes are for applications already under way
        return Verdict(False, _("The application deadline has passed: a new application can no longer be started."))
    if not round_.is_open(now):
        return Verdict(False, _("The round is not open for applications."))
    return ALLOWED
