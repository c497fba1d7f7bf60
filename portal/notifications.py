"""Notifications: the one place that writes them, and the words they are shown with.

`notify(users=..., kind=..., data=..., url=...)` is called after commit by the services that
change something a user should know about. Texts are composed when shown (in the reader's
language) from the kind and its data, never stored translated."""

from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Notification, Role, User


def notify(*, users: Iterable[User], kind: str, data: dict | None = None, url: str = "") -> int:
    """Write one notification per distinct user. Returns how many were written."""
    unique = {user.pk: user for user in users if user is not None and user.is_active}
    Notification.objects.bulk_create(
        Notification(user_id=pk, kind=kind, data=data or {}, url=url) for pk in unique
    )
    return len(unique)


def organisation_users(*, organisation_id: int, roles=(Role.EDITOR, Role.SIGNATORY)) -> QuerySet[User]:
    return User.objects.filter(is_active=True, memberships__organisation_id=organisation_id,
                               memberships__role__in=roles).distinct()


def office_users(*, office_id: int, roles=(Role.CASEWORKER,)) -> QuerySet[User]:
    return User.objects.filter(is_active=True, memberships__office_id=office_id,
                               memberships__role__in=roles).distinct()


def notifications_for(*, user) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user)


def unread_count(*, user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notifications_mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    queryset = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        queryset = queryset.filter(pk__in=list(ids))
    return queryset.update(read_at=timezone.now())


def notification_texts(notifications) -> list[str]:
    """The sentences of a page of notifications, with what they name read in one query each."""
    from schemes.models import Scheme

    notifications = list(notifications)
    scheme_ids = {n.data.get("scheme") for n in notifications if n.kind == "reminder" and "reminder" in n.data}
    schemes = Scheme.objects.in_bulk(scheme_ids - {None}) if scheme_ids else {}
    return [notification_text(n, schemes=schemes) for n in notifications]


def notification_text(notification: Notification, *, schemes: dict | None = None) -> str:
    """The sentence shown for a notification, in the current language."""
    data = notification.data
    texts = {
        "status_changed": _("%(organisation)s's application is now: %(status)s."),
        "information_requested": _("The County Governor asks %(organisation)s for more information: %(message)s"),
        "decision_sent": _("The decision on %(organisation)s's application is sent."),
        "decision_proposed": _("A decision on %(organisation)s's application waits for approval."),
        "report_submitted": _("%(organisation)s has submitted its report."),
        "report_returned": _("The County Governor returned %(organisation)s's report: %(message)s"),
        "report_approved": _("The report from %(organisation)s is approved."),
        "reminder": _("Reminder: %(subject)s"),
    }
    if notification.kind == "reminder" and "reminder" in data:
        from reporting.reminder_emails import reminder_subject_from

        scheme = (schemes or {}).get(data.get("scheme"))
        return texts["reminder"] % {"subject": reminder_subject_from(data, scheme=scheme)}
    template = texts.get(notification.kind)
    if template is None:
        return notification.kind
    values = dict(data)
    if "status" in values:
        from applications.models import ApplicationStatus

        values["status"] = str(ApplicationStatus(values["status"]).label).lower()
    try:
        return template % values
    except (KeyError, TypeError, ValueError):
        return template.split(":")[0]
