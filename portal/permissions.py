"""Who may do what, answered in one place per app. Each `can_…(user, obj)` function takes the user
first and returns a Verdict: truthy when allowed, with the reason when not, so views and templates
can say why. Views turn a refusal into a 403 with `require`.

This module holds what every app's permissions are built from: the user's roles, read once per
request from their memberships, by organisation and by office."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from .models import OFFICE_ROLES, ORGANISATION_ROLES, Office, Role
from .selectors import user_memberships


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    reason: str = ""

    def __bool__(self):
        return self.allowed


ALLOWED = Verdict(True)


def require(verdict: Verdict) -> None:
    """The one helper views call: raises PermissionDenied with the reason when not allowed."""
    if not verdict:
        raise PermissionDenied(verdict.reason)


def _roles(user) -> set[tuple[str, int | None, int | None]]:
    """The user's memberships as (role, organisation_id, office_id), cached on the user object (read
    from the memberships read with the request's user: `selectors.request_user_get`)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_membership_cache", None)
    if cached is None:
        cached = {(m.role, m.organisation_id, m.office_id) for m in user_memberships(user)}
        user._membership_cache = cached
    return cached


def is_national_admin(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or any(r == Role.NATIONAL_ADMIN for r, _o, _f in _roles(user))


def administered_office_ids(user) -> set[int]:
    return {office for role, _org, office in _roles(user) if role == Role.OFFICE_ADMIN}


def office_ids_with_role(user, *roles: str) -> set[int]:
    return {office for role, _org, office in _roles(user) if role in roles and office}


def organisation_ids_with_role(user, *roles: str) -> set[int]:
    return {org for role, org, _office in _roles(user) if role in roles and org}


def roles_for(user, *, organisation_id: int | None = None, office_id: int | None = None) -> set[str]:
    """The roles the user holds in this organisation and/or this office (what a state machine asks
    before a transition): editor and signatory in the organisation, the office roles in the office."""
    return {
        role for role, organisation, office in _roles(user)
        if (organisation_id is not None and organisation == organisation_id and role in ORGANISATION_ROLES)
        or (office_id is not None and office == office_id and role in OFFICE_ROLES)
    }


def roles_held(user) -> set[str]:
    """Every role the user holds anywhere."""
    return {role for role, _org, _office in _roles(user)}


def is_office_staff(user) -> bool:
    """Does the user work at any County Governor office (the menu then links to its casework)?"""
    return bool(office_ids_with_role(user, *OFFICE_ROLES))


def can_use_admin(user) -> Verdict:
    if not getattr(user, "is_active", False):
        return Verdict(False, _("You are not logged in."))
    if user.is_superuser or is_national_admin(user) or administered_office_ids(user):
        return ALLOWED
    return Verdict(False, _("Only office and national administrators use the administration pages."))


def can_grant_technical_access(user) -> Verdict:
    """Only a technical operator (a superuser) sees or sets the superuser and technical staff flags:
    a national admin manages people by their roles, and can make nobody a superuser."""
    if getattr(user, "is_active", False) and getattr(user, "is_superuser", False):
        return ALLOWED
    return Verdict(False, _("Only the portal's technical operators give technical access."))


def can_change_user(user, other=None) -> Verdict:
    """National admins change users in the administration pages, but not a technical operator's
    account (changing its e-mail or password would hand them its access); `other=None` asks "any"."""
    if not is_national_admin(user):
        return Verdict(False, _("Only Helsedirektoratet's national administrators change users."))
    if other is not None and (other.is_superuser or other.is_staff) and not can_grant_technical_access(user):
        return Verdict(False, _("Only the portal's technical operators change a technical operator's account."))
    return ALLOWED


def can_edit_scheme(user) -> Verdict:
    if is_national_admin(user):
        return ALLOWED
    return Verdict(False, _("Only Helsedirektoratet's national administrators edit the scheme."))


def can_view_round_admin(user, round_=None) -> Verdict:
    if is_national_admin(user):
        return ALLOWED
    return can_administer_round(user, round_)


def can_administer_round(user, round_=None) -> Verdict:
    """Office admins configure their own office's rounds; `round_=None` asks "any round at all"."""
    if getattr(user, "is_superuser", False):
        return ALLOWED
    offices = administered_office_ids(user)
    if not offices:
        return Verdict(False, _("Only the office's administrators configure its rounds."))
    if round_ is None or round_.office_id in offices:
        return ALLOWED
    return Verdict(False, _("This round belongs to another office."))


def administered_county_ids(user) -> set[int]:
    """The counties of the offices the user administers (their organisations are the office's), cached."""
    offices = administered_office_ids(user)
    if not offices:
        return set()
    cached = getattr(user, "_administered_county_cache", None)
    if cached is None:
        cached = set(Office.counties.through.objects.filter(office_id__in=offices).values_list("county_id", flat=True))
        user._administered_county_cache = cached
    return cached


def can_administer_organisation(user, organisation=None) -> Verdict:
    """National admins change any organisation; an office admin the organisations in its office's
    counties (their language form only: see portal.admin); `organisation=None` asks "any at all"."""
    if is_national_admin(user):
        return ALLOWED
    if not administered_office_ids(user):
        return Verdict(False, _("Only administrators change organisations."))
    if organisation is None or organisation.county_id in administered_county_ids(user):
        return ALLOWED
    return Verdict(False, _("This organisation is in another County Governor's area."))


def can_edit_organisation_settings(user, organisation) -> Verdict:
    """The organisation's own settings (its language form) are set by its signatory."""
    if organisation.pk in organisation_ids_with_role(user, Role.SIGNATORY):
        return ALLOWED
    return Verdict(False, _("Only the organisation's signatory changes its settings."))
