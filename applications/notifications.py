"""The application's notifications: their kinds, and the sentences they are shown with (registered
in `portal.notifications` by `ApplicationsConfig.ready()`)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal import notifications

from .models import ApplicationStatus


class ApplicationNotice(models.TextChoices):
    STATUS_CHANGED = "status_changed", _("The application's status changed")
    READY_FOR_SIGNATURE = "application_ready_for_signature", _("An application is ready for signature")


def _status_values(data: dict) -> dict:
    return {**data, "status": str(ApplicationStatus(data["status"]).label).lower()}


def register() -> None:
    notifications.register(ApplicationNotice.STATUS_CHANGED, notifications.sentence(
        _("%(organisation)s's application is now: %(status)s."), values=_status_values))
    notifications.register(ApplicationNotice.READY_FOR_SIGNATURE, notifications.sentence(
        _("%(editor)s has marked %(organisation)s's application ready for your signature.")))
