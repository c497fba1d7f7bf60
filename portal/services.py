"""Writes of the core: notifications, an organisation's language form. (Users and memberships are
written by the admin and the reference data loader; e-mail by `portal.mail`.)"""

from collections.abc import Iterable

from django.utils import timezone

from .models import Notification, Organisation, User


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


def organisation_language_form_set(*, organisation: Organisation, language_form: str) -> Organisation:
    """The organisation's own choice of language form (its signatory's, or its office admin's): from
    now on the reference register no longer updates it."""
    organisation.language_form = language_form
    organisation.language_form_set_at = timezone.now()
    organisation.full_clean(validate_unique=False)
    organisation.save(update_fields=["language_form", "language_form_set_at"])
    return organisation
