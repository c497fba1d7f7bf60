"""Writes of the core: notifications, login identities, ending a user's sessions, and an
organisation's language form. (Users and memberships are written by the people app, the admin and
the reference data loader; e-mail by `portal.mail`.)"""

from collections.abc import Iterable

from django.db.models import F
from django.utils import timezone

from .models import Identity, IdentityProvider, Notification, Organisation, User


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
    user.__dict__.pop("notifications_unread", None)  # read with the request's user: no longer true
    return queryset.update(read_at=timezone.now())


def sessions_end(*, user: User) -> None:
    """Log the user out everywhere: every session of theirs ends at its next request, wherever it is
    kept (database, cache, any browser). One UPDATE, no session is looked up: the user's session
    epoch is part of the hash each session carries (`User._get_session_auth_hash`), and Django
    compares that hash with the user's row on every request. Called when a member is removed or
    deactivated, when the admin sets a user inactive, and when a password is reset."""
    User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    user.refresh_from_db(fields=["session_epoch"])


def identity_link(*, user: User, provider: IdentityProvider, subject: str) -> Identity:
    """Link the provider's subject to `user` (the first login of an invited person). A subject already
    linked stays with the user it has: an identity never moves to another user."""
    identity, _created = Identity.objects.get_or_create(provider=provider, subject=subject, defaults={"user": user})
    return identity


def identity_used(*, identity: Identity) -> Identity:
    identity.last_used_at = timezone.now()
    identity.save(update_fields=["last_used_at"])
    return identity


def organisation_language_form_set(*, organisation: Organisation, language_form: str) -> Organisation:
    """The organisation's own choice of language form (its signatory's, or its office admin's): from
    now on the reference register no longer updates it."""
    organisation.language_form = language_form
    organisation.language_form_set_at = timezone.now()
    organisation.full_clean(validate_unique=False)
    organisation.save(update_fields=["language_form", "language_form_set_at"])
    return organisation
