from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    """Reminders of deadlines, sent by one periodic sweep; the office admin's calendar of them, and
    the list of e-mails that were not sent. On top of applications, casework and reporting: it
    reads all three."""

    name = "reminders"
    verbose_name = _("Reminders")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import notifications

        notifications.register()
