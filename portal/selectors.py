"""Reads about users and their affiliations."""

from collections.abc import Iterable

from django.db.models import QuerySet

from .models import ORGANISATION_ROLES, Delivery, Membership, Notification, Office, Organisation, Role, SentEmail, User


def memberships_for_user(*, user) -> QuerySet[Membership]:
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user=user).select_related("organisation", "office").order_by("role")


def affiliations_for_user(*, user) -> list[str]:
    """Names of the organisations and offices the user acts for, as shown in the page header."""
    names: list[str] = []
    for membership in memberships_for_user(user=user):
        where = membership.organisation or membership.office
        label = str(where) if where else "Helsedirektoratet"
        if label not in names:
            names.append(label)
    return names


def offices_for_user(*, user, roles) -> QuerySet[Office]:
    return Office.objects.filter(memberships__user=user, memberships__role__in=roles).distinct()


def organisations_for_user(*, user, roles) -> QuerySet[Organisation]:
    return Organisation.objects.filter(memberships__user=user, memberships__role__in=roles).distinct()


def organisation_users(*, organisation_id: int, roles=ORGANISATION_ROLES) -> QuerySet[User]:
    """The organisation's active users with one of `roles` (by default: its editors and signatories)."""
    return User.objects.filter(is_active=True, memberships__organisation_id=organisation_id,
                               memberships__role__in=roles).distinct()


def office_users(*, office_id: int, roles=(Role.CASEWORKER,)) -> QuerySet[User]:
    """The office's active users with one of `roles` (by default: its caseworkers)."""
    return User.objects.filter(is_active=True, memberships__office_id=office_id,
                               memberships__role__in=roles).distinct()


def organisation_member_emails(*, organisation_id: int, roles) -> list[str]:
    """The e-mail addresses of the organisation's active users with one of `roles`, by role, then address."""
    return list(
        Membership.objects.filter(organisation_id=organisation_id, role__in=roles, user__is_active=True)
        .order_by("role", "user__email").values_list("user__email", flat=True)
    )


def notifications_for(*, user) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user)


def unread_count(*, user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def email_keys_not_sent(keys: Iterable[str]) -> set[str]:
    """Of these e-mail keys (`portal.mail.send_once`), those certainly not sent: never claimed (the
    task was lost) or failed (refused before the mail server took it). One query."""
    keys = set(keys)
    claimed = dict(SentEmail.objects.filter(key__in=keys).values_list("key", "status"))
    return {key for key in keys if claimed.get(key, Delivery.FAILED) == Delivery.FAILED}

