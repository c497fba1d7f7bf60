"""Who may see and change whose roles. Each answer follows `rules.GIVES`: a user may manage a role in
a place exactly when they may give it there. A place is an organisation, an office, or neither
(Helsedirektoratet's national admins)."""

from django.utils.translation import gettext_lazy as _

from portal.models import Membership, Organisation, Role, User
from portal.permissions import (
    ALLOWED,
    Verdict,
    administered_office_ids,
    is_national_admin,
    organisation_ids_with_role,
    roles_held,
)
from portal.selectors import office_ids_for_organisation

from .rules import GIVES, NATIONAL, OFFICE, OPERATOR_RANK, ORGANISATION, RANK, place_kind


def roles_grantable(user, *, organisation: Organisation | None = None, office=None) -> tuple[str, ...]:
    """The roles `user` may give in this place, in the roles' own order (empty: none)."""
    kind = ORGANISATION if organisation is not None else OFFICE if office is not None else NATIONAL
    if not getattr(user, "is_active", False):
        return ()
    if is_national_admin(user):
        given = set(GIVES[Role.NATIONAL_ADMIN][kind])
    else:
        given = set()
        if kind == ORGANISATION:
            if organisation.pk in organisation_ids_with_role(user, Role.SIGNATORY):
                given |= set(GIVES[Role.SIGNATORY][ORGANISATION])
            administered = administered_office_ids(user)
            if administered and administered & office_ids_for_organisation(organisation):
                given |= set(GIVES[Role.OFFICE_ADMIN][ORGANISATION])
        elif kind == OFFICE and office.pk in administered_office_ids(user):
            given |= set(GIVES[Role.OFFICE_ADMIN][OFFICE])
    return tuple(role for role in Role.values if role in given)


def can_manage_people(user, *, organisation=None, office=None) -> Verdict:
    """May the user see this place's people page (its members, invitations and log)? Those who may
    give a role there. Views answer a refusal with 404: the page's existence is not told."""
    if roles_grantable(user, organisation=organisation, office=office):
        return ALLOWED
    return Verdict(False, _("You do not manage the people of this organisation or office."))


def can_give_role(user, role: str, *, organisation=None, office=None) -> Verdict:
    if place_kind(role) != (ORGANISATION if organisation is not None else OFFICE if office is not None else NATIONAL):
        return Verdict(False, _("This role is not held there."))
    if role in roles_grantable(user, organisation=organisation, office=office):
        return ALLOWED
    return Verdict(False, _("You cannot give this role: nobody gives a role above their own or outside their "
                            "own organisation or office."))


def can_remove_membership(user, membership: Membership) -> Verdict:
    if membership.user_id == user.pk:
        return Verdict(False, _("You cannot remove your own role. Ask another administrator or signatory."))
    verdict = can_give_role(user, membership.role, organisation=membership.organisation, office=membership.office)
    if not verdict:
        return Verdict(False, _("You cannot remove this role."))
    return ALLOWED


def can_change_role(user, membership: Membership, role: str) -> Verdict:
    verdict = can_remove_membership(user, membership)
    if not verdict:
        return verdict
    return can_give_role(user, role, organisation=membership.organisation, office=membership.office)


def can_manage_invitation(user, invitation) -> Verdict:
    """Send again or withdraw: whoever may give the invitation's role there."""
    return can_give_role(user, invitation.role, organisation=invitation.organisation, office=invitation.office)


def can_deactivate(user, person: User, memberships: list[Membership]) -> Verdict:
    """Deactivate or reactivate a person (`memberships`: all of the person's). A national admin may,
    for anyone but a technical operator; otherwise the user must be able to remove every role the
    person holds, so nobody switches off a person who also works elsewhere. Never oneself."""
    if person.pk == user.pk:
        return Verdict(False, _("You cannot deactivate yourself."))
    if (person.is_superuser or person.is_staff) and not user.is_superuser:
        return Verdict(False, _("Only the technical operators manage a technical operator."))
    if is_national_admin(user):
        return ALLOWED
    if memberships and all(can_remove_membership(user, membership) for membership in memberships):
        return ALLOWED
    return Verdict(False, _("This person also has roles you do not manage: ask the County Governor or "
                            "Helsedirektoratet to deactivate them."))


def giver_rank(user) -> int:
    """How far up `user` stands among those who give roles (0: gives none)."""
    if getattr(user, "is_superuser", False):
        return OPERATOR_RANK
    if is_national_admin(user):
        return RANK[Role.NATIONAL_ADMIN]
    return max((RANK.get(role, 0) for role in roles_held(user)), default=0)


def can_reactivate(user, person: User, memberships: list[Membership], deactivated_by: User | None) -> Verdict:
    """As deactivating, and never undoing what someone higher did: a person a national admin
    switched off (a compromised account, say) is not switched on again by their signatory."""
    verdict = can_deactivate(user, person, memberships)
    if not verdict:
        return verdict
    if deactivated_by is not None and giver_rank(user) < giver_rank(deactivated_by):
        return Verdict(False, _("Someone with a higher role deactivated this person: ask them, the County "
                                "Governor or Helsedirektoratet."))
    return ALLOWED
