"""Writes of people and roles: invite, send again, withdraw, accept; change or remove a role;
deactivate and reactivate a person. Each checks `permissions`, locks what it changes, and writes one
`AccessEvent` in the same transaction; the invitation e-mail goes after commit (`tasks`).

Nothing a person wrote is ever deleted here: removing a role deletes the membership only, and
deactivating keeps the user (their applications, assessments and history keep their name)."""

import datetime as dt
import logging

from django.contrib.auth.password_validation import validate_password
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import Membership, User
from portal.permissions import Verdict
from portal.services import notify, sessions_end

from .exceptions import PeopleError
from .links import link_token, new_nonce, token_hash
from .models import AccessEvent, AccessEventKind, Invitation, InvitationState, people_url
from .notifications import PeopleNotice
from .permissions import (
    can_change_role,
    can_deactivate,
    can_give_role,
    can_manage_invitation,
    can_reactivate,
    can_remove_membership,
)
from .rules import invitation_lifetime, same_address
from .selectors import deactivated_by, invitation_for_token, memberships_of_person
from .tasks import invitation_email_task

logger = logging.getLogger(__name__)

SESSION_KEY = "people.invitation"
REPEAT_WINDOW = dt.timedelta(minutes=1)  # the same person sending the same invitation again this soon: a double click  # the token of the invitation this browser is accepting


def _require(verdict: Verdict) -> None:
    if not verdict:
        raise PeopleError(str(verdict.reason))


def _event(kind, *, actor, email, role="", previous_role="", person=None, organisation=None, office=None):
    return AccessEvent.objects.create(kind=kind, actor=actor, person=person, email=email, role=role,
                                      previous_role=previous_role, organisation=organisation, office=office)


def _new_link() -> tuple[str, str]:
    """(nonce, token hash) of a new link."""
    nonce = new_nonce()
    return nonce, token_hash(link_token(nonce))


def _send_after_commit(invitation: Invitation) -> None:
    sending = (invitation.pk, invitation.sent_count)
    # robust: with the broker down the invitation is made all the same (the page must not fail);
    # people.invitations_catch_up sends its e-mail once the broker is back
    transaction.on_commit(lambda: invitation_email_task.delay(*sending), robust=True)


def invitation_create(*, user: User, email: str, role: str, organisation=None, office=None) -> Invitation:
    """Invite `email` to `role` in the place, and e-mail the link. Inviting again an address that
    has an open invitation to the same role sends that one again with a new link."""
    email = User.objects.normalize_email((email or "").strip()).lower()
    _require(can_give_role(user, role, organisation=organisation, office=office))
    holders = Membership.objects.filter(user__email__iexact=email, role=role, organisation=organisation,
                                        office=office)
    if holders.exists():
        raise PeopleError(_("%(email)s already has this role.") % {"email": email})
    existing = Invitation.objects.filter(email=email, role=role, organisation=organisation, office=office,
                                         accepted_at__isnull=True, revoked_at__isnull=True).first()
    if existing is not None:
        if existing.invited_by_id == user.pk and timezone.now() - existing.last_sent_at < REPEAT_WINDOW:
            return existing  # the same person pressed twice: the link already sent keeps working
        return invitation_send_again(user=user, invitation=existing)
    nonce, hashed = _new_link()
    now = timezone.now()
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                email=email, role=role, organisation=organisation, office=office, link_nonce=nonce, token_hash=hashed,
                invited_by=user, created_at=now, last_sent_at=now, expires_at=now + invitation_lifetime())
            _event(AccessEventKind.INVITED, actor=user, email=email, role=role, organisation=organisation,
                   office=office)
    except IntegrityError:  # the same invitation, made at the same moment (a double click)
        existing = Invitation.objects.get(email=email, role=role, organisation=organisation, office=office,
                                          accepted_at__isnull=True, revoked_at__isnull=True)
        return existing
    _send_after_commit(invitation)
    return invitation


def invitation_send_again(*, user: User, invitation: Invitation) -> Invitation:
    """A new link (the old one stops working), valid for a new period, e-mailed again."""
    _require(can_manage_invitation(user, invitation))
    nonce, hashed = _new_link()
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.state() == InvitationState.ACCEPTED:
            raise PeopleError(_("This invitation is already accepted; it cannot be sent again."))
        if invitation.state() == InvitationState.REVOKED:
            raise PeopleError(_("This invitation is withdrawn; invite the person again instead."))
        now = timezone.now()
        if invitation.invited_by_id == user.pk and now - invitation.last_sent_at < REPEAT_WINDOW:
            return invitation  # a double click: one e-mail, and its link keeps working
        invitation.link_nonce, invitation.token_hash = nonce, hashed
        invitation.sent_count += 1
        invitation.last_sent_at = now
        invitation.expires_at = now + invitation_lifetime()
        invitation.invited_by = user  # the one who sends it now vouches for it
        invitation.save(update_fields=["link_nonce", "token_hash", "sent_count", "last_sent_at", "expires_at", "invited_by"])
        _event(AccessEventKind.INVITATION_SENT_AGAIN, actor=user, email=invitation.email, role=invitation.role,
               organisation=invitation.organisation, office=invitation.office)
        _send_after_commit(invitation)
    return invitation


def invitation_revoke(*, user: User, invitation: Invitation) -> Invitation:
    """Withdraw an invitation: its link stops working. Withdrawing it again changes nothing."""
    _require(can_manage_invitation(user, invitation))
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.revoked_at:
            return invitation
        if invitation.accepted_at:
            raise PeopleError(_("This invitation is already accepted: remove the role instead."))
        invitation.revoked_at, invitation.revoked_by = timezone.now(), user
        invitation.save(update_fields=["revoked_at", "revoked_by"])
        _event(AccessEventKind.INVITATION_REVOKED, actor=user, email=invitation.email, role=invitation.role,
               organisation=invitation.organisation, office=invitation.office)
    return invitation


def invitation_refusal(invitation: Invitation | None, *, user=None) -> str:
    """Why this invitation cannot be accepted (by `user`, when given), or "" when it can."""
    if invitation is None:
        return _("This invitation link is not valid. Check that you used the whole link from the e-mail.")
    state = invitation.state()
    if state == InvitationState.ACCEPTED:
        return _("This invitation has already been used. Log in to use the portal.")
    if state == InvitationState.REVOKED:
        return _("This invitation has been withdrawn. Ask the person who invited you for a new one.")
    if state == InvitationState.EXPIRED:
        return _("This invitation has expired. Ask the person who invited you to send it again.")
    if user is not None and user.is_authenticated and not same_address(user.email, invitation.email):
        return _("This invitation was sent to another e-mail address than the one you are logged in with. "
                 "Log out, and log in as the person it was sent to.")
    if invitation.invited_by is None or not can_give_role(invitation.invited_by, invitation.role,
                                                          organisation=invitation.organisation,
                                                          office=invitation.office):
        return _("The person who invited you can no longer give this role. Ask for a new invitation.")
    return ""


def invitation_accept(*, user: User, token: str) -> Membership:
    """Accept the invitation with this link's token as the logged-in `user`: the role is given, once.
    Refused when the link is unknown, used, withdrawn or expired, sent to another address, or its
    sender may no longer give the role."""
    with transaction.atomic():
        found = invitation_for_token(token)
        invitation = Invitation.objects.select_for_update(of=("self",)).select_related(
            "organisation", "office", "invited_by").get(pk=found.pk) if found else None
        refusal = invitation_refusal(invitation, user=user)
        if refusal:
            raise PeopleError(refusal)
        membership, _created = Membership.objects.get_or_create(
            user=user, role=invitation.role, organisation=invitation.organisation, office=invitation.office)
        invitation.accepted_at, invitation.accepted_by = timezone.now(), user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        _event(AccessEventKind.INVITATION_ACCEPTED, actor=user, person=user, email=invitation.email,
               role=invitation.role, organisation=invitation.organisation, office=invitation.office)
        inviter = invitation.invited_by
        data = {"person": user.get_full_name(), "role": invitation.role, "where": str(invitation.where or "")}
        url = people_url(organisation_id=invitation.organisation_id, office_id=invitation.office_id)
        transaction.on_commit(lambda: notify(users=[inviter], kind=PeopleNotice.INVITATION_ACCEPTED, data=data,
                                             url=url))
    return membership


def invited_user_create(*, token: str, full_name: str, password: str) -> User:
    """Where passwords are enabled: a new user for the invited address, with the password chosen
    now. Refused when a user with the address exists (they log in instead) or the password is weak
    (`ValidationError` from the password validators)."""
    invitation = invitation_for_token(token)
    refusal = invitation_refusal(invitation)
    if refusal:
        raise PeopleError(refusal)
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise PeopleError(_("There is already a user with this e-mail address: log in, then accept."))
    candidate = User(email=invitation.email, full_name=full_name.strip())
    validate_password(password, user=candidate)
    try:
        with transaction.atomic():
            return User.objects.create_user(email=invitation.email, password=password, full_name=full_name.strip())
    except IntegrityError:
        raise PeopleError(_("There is already a user with this e-mail address: log in, then accept."))


def invited_login_user(*, token: str, provider: str, claims: dict) -> User | None:
    """The user an OpenID Connect login of an unknown subject becomes, when the browser is accepting
    the valid invitation with `token`: a new user for the invited address, or the one an earlier
    unfinished acceptance made (no role, no password, no login identity yet). None for anything
    else: the user of an address that already logs in or holds a role is never handed to whoever
    has the link (a forwarded or shared mailbox); they log in as usual and then open the link."""
    invitation = invitation_for_token(token)
    if invitation_refusal(invitation):
        return None
    user = User.objects.filter(email__iexact=invitation.email).first()
    if user is None:
        name = claims.get("name") or " ".join(filter(None, [claims.get("given_name"), claims.get("family_name")]))
        return User.objects.create_user(email=invitation.email, password=None, full_name=(name or "")[:200])
    unclaimed = (user.is_active and not user.has_usable_password() and not user.identities.exists()
                 and not user.memberships.exists())
    if not unclaimed:
        logger.warning("Invited login with a new %s subject refused for %s: the address's user already "
                       "logs in or holds a role.", provider, invitation.email)
        return None
    return user


def user_for_invited_login(request, provider: str, claims: dict) -> User | None:
    """Registered with `portal.invitations`: the invitation this browser is accepting (its token in
    the session, put there by the invitation's page) names the user; the token is then forgotten,
    so a later login in the same browser is not linked by it."""
    token = request.session.pop(SESSION_KEY, "")
    return invited_login_user(token=token, provider=provider, claims=claims) if token else None


def membership_remove(*, user: User, membership: Membership) -> None:
    """Remove a role. The person's work stays; their sessions end (they may hold no other role)."""
    _require(can_remove_membership(user, membership))
    with transaction.atomic():
        membership = (Membership.objects.select_for_update(of=("self",)).select_related("user", "organisation", "office")
                      .filter(pk=membership.pk).first())
        if membership is None:
            return
        _event(AccessEventKind.ROLE_REMOVED, actor=user, person=membership.user, email=membership.user.email,
               role=membership.role, organisation=membership.organisation, office=membership.office)
        membership.delete()
        sessions_end(user=membership.user)


def membership_change_role(*, user: User, membership: Membership, role: str) -> Membership:
    """Change a role in the same place (editor to signatory, caseworker to approver ...)."""
    if role == membership.role:
        return membership
    _require(can_change_role(user, membership, role))
    with transaction.atomic():
        # the person's roles in this place, in id order: the one changed and the one it may merge into
        # are both locked, always in the same order, so two changes that merge into each other run one
        # after the other (each read the other's role unlocked before, and both were deleted)
        place = (Membership.objects.select_for_update(of=("self",)).select_related("user", "organisation", "office")
                 .filter(user_id=membership.user_id, organisation_id=membership.organisation_id,
                         office_id=membership.office_id).order_by("pk"))
        roles = {locked.pk: locked for locked in place}
        if membership.pk not in roles:
            raise PeopleError(_("This role was removed meanwhile."))
        membership = roles[membership.pk]
        previous = membership.role
        already = next((other for other in roles.values() if other.role == role and other.pk != membership.pk), None)
        if already:
            membership.delete()
            membership = already
        else:
            membership.role = role
            membership.save(update_fields=["role"])
        _event(AccessEventKind.ROLE_CHANGED, actor=user, person=membership.user, email=membership.user.email,
               role=role, previous_role=previous, organisation=membership.organisation, office=membership.office)
    return membership


def _set_active(*, user: User, person: User, active: bool) -> User:
    with transaction.atomic():
        person = User.objects.select_for_update().get(pk=person.pk)
        memberships = memberships_of_person(person=person)  # read under the lock: what is checked is what is changed
        if active:
            _require(can_reactivate(user, person, memberships, deactivated_by(person=person)))
        else:
            _require(can_deactivate(user, person, memberships))
        if person.is_active == active:
            return person
        person.is_active = active
        person.save(update_fields=["is_active"])
        kind = AccessEventKind.REACTIVATED if active else AccessEventKind.DEACTIVATED
        places = [(m.organisation, m.office, m.role) for m in memberships] or [(None, None, "")]
        for organisation, office, role in places:
            _event(kind, actor=user, person=person, email=person.email, role=role, organisation=organisation,
                   office=office)
        if not active:
            sessions_end(user=person)
    return person


def person_deactivate(*, user: User, person: User) -> User:
    """The person can no longer log in; their roles, work and history stay (reactivate undoes it)."""
    return _set_active(user=user, person=person, active=False)


def person_reactivate(*, user: User, person: User) -> User:
    return _set_active(user=user, person=person, active=True)

