"""The reminder's notification: its kind, and its sentence, composed from the reminder's facts in
the reader's language (registered in `portal.notifications` by `RemindersConfig.ready()`). A page
of reminders reads the schemes they name in one query."""

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal import notifications
from schemes.models import Scheme

from .emails import reminder_subject_from


class ReminderNotice(models.TextChoices):
    REMINDER = "reminder", gettext_lazy("Reminder")


def _schemes(data: list[dict]) -> dict:
    ids = {facts.get("scheme") for facts in data} - {None}
    return {"schemes": Scheme.objects.in_bulk(ids) if ids else {}}


def _text(data: dict, context: dict) -> str:
    if "reminder" in data:
        scheme = context.get("schemes", {}).get(data.get("scheme"))
        return _("Reminder: %(subject)s") % {"subject": reminder_subject_from(data, scheme=scheme)}
    if "subject" in data:  # written before reminders stored their facts
        return _("Reminder: %(subject)s") % {"subject": data["subject"]}
    return _("Reminder")


def register() -> None:
    notifications.register(ReminderNotice.REMINDER, _text, context=_schemes)
