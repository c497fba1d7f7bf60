"""Writes of the core: notifications and login identities. (Users and memberships are written by the
admin and the reference data loader; e-mail by `portal.mail`.)"""

from collections.abc import Iterable

from django.utils import timezone

from .models import Identity, IdentityProvider, Notification, User


def notify(*, users: Iterable[User], kind: str, data: dict | None = None, url: str = "") -> int:
    """Write one notification per distinct active user. Returns how many were written. Called after
    commit by the services that change something a user should know about; `kind` is one an app
    registered in `portal.notifications`."""
    unique = {user.pk: user for user in users if user is not None and user.is_active}
    Notification.objects.bulk_create(
        Notification(user_id=pk, kind=str(kind), data=data or {}, url=url) for pk in unique
    )
    return len(unique)


def notifications_mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    queryset = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        queryset = queryset.filter(pk__in=list(ids))
    return queryset.update(read_at=timezone.now())


def sessions_end(*, user: User) -> None:
    """Placeholder until the sessions work lands: every session of `user` ends on its next request."""


def identity_link(*, user: User, provider: IdentityProvider, subject: str) -> Identity:
    """Link the provider's subject to `user` (the first login of an invited person). A subject already
    linked stays with the user it has: an identity never moves to another user."""
    identity, _created = Identity.objects.get_or_create(provider=provider, subject=subject, defaults={"user": user})
    return identity


def identity_used(*, identity: Identity) -> Identity:
    identity.last_used_at = timezone.now()
    identity.save(update_fields=["last_used_at"])
    return identity
