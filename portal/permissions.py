"""Who may do what, answered in one place. Each function returns a Verdict: truthy when allowed,
with the reason when not, so views and templates can say why."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .models import Role


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    reason: str = ""

    def __bool__(self):
        return self.allowed


ALLOWED = Verdict(True)


def _roles(user) -> set[tuple[str, int | None, int | None]]:
    """The user's memberships as (role, organisation_id, office_id), cached on the user object."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_membership_cache", None)
    if cached is None:
        cached = set(user.memberships.values_list("role", "organisation_id", "office_id"))
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


def can_use_admin(user) -> Verdict:
    if not getattr(user, "is_active", False):
        return Verdict(False, _("You are not logged in."))
    if user.is_superuser or is_national_admin(user) or administered_office_ids(user):
        return ALLOWED
    return Verdict(False, _("Only office and national administrators use the administration pages."))


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
