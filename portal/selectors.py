"""Reads about users and their affiliations."""

import functools
from collections.abc import Iterable

from django.db.models import Q, QuerySet

from .models import (
    ORGANISATION_ROLES,
    Delivery,
    Identity,
    IdentityProvider,
    Membership,
    Notification,
    Office,
    Organisation,
    Role,
    SentEmail,
    User,
)
from .versions import cache_namespace, cached, keep


def memberships_for_user(*, user) -> QuerySet[Membership]:
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user=user).select_related("organisation", "office").order_by("role", "pk")


def request_user_get(*, pk) -> User | None:
    """The logged-in user as every page needs them, in one query whatever the page: the user's row;
    their memberships with each organisation and office (`user_memberships`: the roles of
    `portal.permissions` and the header's affiliations read them there) and their unread count
    (`notifications_unread`) come from the cache, under the user's context version, which the database
    raises whenever any of them changes (`portal.user_context`); read (two queries) when not there."""
    user = User._default_manager.filter(pk=pk).first()
    if user is None:
        return None
    key = _context_key(user)
    cached = _context_cached(key)
    if cached is None:
        # read after the user's row: at least as new as the version read with it
        cached = (list(memberships_for_user(user=user)),
                  Notification.objects.filter(user=user, read_at__isnull=True).count())
        _context_keep(key, cached)
    memberships, user.notifications_unread = cached
    for membership in memberships:
        Membership.user.field.set_cached_value(membership, user)
    user._memberships_read = memberships
    return user


@functools.cache
def _context_namespace() -> str | None:
    """What a cached context is valid for besides the user and version (`portal.versions`)."""
    return cache_namespace(User, (Membership, Organisation, Office))


def _context_key(user: User) -> str | None:
    namespace = _context_namespace()
    return namespace and f"portal:user-context:{namespace}:{user.pk}:{user.context_version}"


def _context_cached(key: str | None) -> tuple[list[Membership], int] | None:
    return cached([key], "User context").get(key) if key else None


def _context_keep(key: str | None, context: tuple[list[Membership], int]) -> None:
    keep(key, context, "User context")


def user_memberships(user) -> list[Membership]:
    """The user's memberships with their organisation and office: those read with the user
    (`request_user_get`), else read now (one query) and kept on the user object."""
    cached = getattr(user, "_memberships_read", None)
    if cached is None:
        cached = list(memberships_for_user(user=user))
        user._memberships_read = cached
    return cached


def affiliations_for_user(*, user) -> list[str]:
    """Names of the organisations and offices the user acts for, as shown in the page header."""
    names: list[str] = []
    if not user.is_authenticated:
        return names
    for membership in user_memberships(user):
        where = membership.organisation or membership.office
        label = str(where) if where else "Helsedirektoratet"
        if label not in names:
            names.append(label)
    return names


def offices_for_user(*, user, roles) -> QuerySet[Office]:
    return Office.objects.filter(memberships__user=user, memberships__role__in=roles).distinct()


def organisations_for_user(*, user, roles) -> QuerySet[Organisation]:
    return Organisation.objects.filter(memberships__user=user, memberships__role__in=roles).distinct()


def _organisation_members(organisation_id: int, roles) -> Q:
    return Q(memberships__organisation_id=organisation_id, memberships__role__in=roles)


def _office_members(office_id: int, roles) -> Q:
    return Q(memberships__office_id=office_id, memberships__role__in=roles)


def organisation_users(*, organisation_id: int, roles=ORGANISATION_ROLES) -> QuerySet[User]:
    """The organisation's active users with one of `roles` (by default: its editors and signatories)."""
    return User.objects.filter(_organisation_members(organisation_id, roles), is_active=True).distinct()


def office_users(*, office_id: int, roles=(Role.CASEWORKER,)) -> QuerySet[User]:
    """The office's active users with one of `roles` (by default: its caseworkers)."""
    return User.objects.filter(_office_members(office_id, roles), is_active=True).distinct()


def organisation_and_office_users(*, organisation_id: int | None, office_id: int | None) -> QuerySet[User]:
    """`organisation_users` of the organisation and `office_users` of the office, in one query (either
    may be None: not asked for)."""
    who = Q(pk__in=[])
    if organisation_id is not None:
        who |= _organisation_members(organisation_id, ORGANISATION_ROLES)
    if office_id is not None:
        who |= _office_members(office_id, (Role.CASEWORKER,))
    return User.objects.filter(who, is_active=True).distinct()


def organisation_member_emails(*, organisation_id: int, roles) -> list[str]:
    """The e-mail addresses of the organisation's active users with one of `roles`, by role, then address."""
    return list(
        Membership.objects.filter(organisation_id=organisation_id, role__in=roles, user__is_active=True)
        .order_by("role", "user__email").values_list("user__email", flat=True)
    )


def notifications_for(*, user) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user)


def unread_count(*, user) -> int:
    """How many of the user's notifications are unread: as read with the user for the request
    (`request_user_get`), else one COUNT query."""
    if not user.is_authenticated:
        return 0
    counted = getattr(user, "notifications_unread", None)
    if counted is not None:
        return counted
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def email_keys_not_sent(keys: Iterable[str]) -> set[str]:
    """Of these e-mail keys (`portal.mail.send_once`), those certainly not sent: never claimed (the
    task was lost) or failed (refused before the mail server took it). One query."""
    keys = set(keys)
    claimed = dict(SentEmail.objects.filter(key__in=keys).values_list("key", "status"))
    return {key for key in keys if claimed.get(key, Delivery.FAILED) == Delivery.FAILED}


def office_ids_for_organisation(organisation: Organisation) -> set[int]:
    """The offices whose counties include the organisation's county (one query, remembered on the
    organisation object for the rest of the request)."""
    cached = getattr(organisation, "_office_ids", None)
    if cached is None:
        cached = set(Office.objects.filter(counties=organisation.county_id).values_list("id", flat=True))
        organisation._office_ids = cached
    return cached


def identity_get(*, provider: IdentityProvider, subject: str) -> Identity | None:
    """The identity with this provider's subject, with its user; None when the subject is not linked."""
    return Identity.objects.select_related("user").filter(provider=provider, subject=subject).first()
