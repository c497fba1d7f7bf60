"""The rules of giving roles, each written once.

Who may give which role where (`GIVES`): nobody gives a role above their own, and nobody gives one
outside their own organisation or office. A signatory gives editors and stand-in signatories in
their own organisation; an office admin gives the office's roles in their own office, and the
organisation roles in the organisations of the office's counties; a national admin (and a technical
operator) gives every role everywhere. Editors, caseworkers and approvers give none.

Being a technical operator (`is_superuser`) is never given here: it is set on the command line
(`manage.py createsuperuser`) by those who run the servers."""

import datetime as dt

from django.conf import settings

from portal.models import OFFICE_ROLES, ORGANISATION_ROLES, Role

ORGANISATION = "organisation"
OFFICE = "office"
NATIONAL = "national"

# giver's role -> {kind of place: the roles they may give there}
GIVES: dict[str, dict[str, tuple[str, ...]]] = {
    Role.SIGNATORY: {ORGANISATION: (Role.EDITOR, Role.SIGNATORY)},
    Role.OFFICE_ADMIN: {ORGANISATION: ORGANISATION_ROLES, OFFICE: OFFICE_ROLES},
    Role.NATIONAL_ADMIN: {ORGANISATION: ORGANISATION_ROLES, OFFICE: OFFICE_ROLES, NATIONAL: (Role.NATIONAL_ADMIN,)},
}


# How far up a giver stands: a lower one never undoes what a higher one did (a reactivation).
RANK = {Role.SIGNATORY: 1, Role.OFFICE_ADMIN: 2, Role.NATIONAL_ADMIN: 3}
OPERATOR_RANK = 4  # a technical operator (is_superuser)


def place_kind(role: str) -> str:
    """Where a role is held: in an organisation, an office, or nationally."""
    if role in ORGANISATION_ROLES:
        return ORGANISATION
    if role in OFFICE_ROLES:
        return OFFICE
    return NATIONAL


def invitation_lifetime() -> dt.timedelta:
    """How long an invitation link works: `INVITATION_VALID_DAYS` (7 by default)."""
    return dt.timedelta(days=settings.INVITATION_VALID_DAYS)


def same_address(a: str, b: str) -> bool:
    """An invitation is bound to its address: compared without case and surrounding spaces."""
    return (a or "").strip().lower() == (b or "").strip().lower()
