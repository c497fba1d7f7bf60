from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    """The municipality's joint application: drafting, the competence plan, submission, receipts.
    Knows no casework: what the office adds to these pages it registers in `applications.hooks`."""

    name = "applications"
    verbose_name = _("Applications")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from schemes.hooks import register_round_panel

        from . import hooks, notifications, panels
        from .models import EventKind

        notifications.register()
        hooks.register_event_kinds(EventKind)
        register_round_panel(panels.round_start_panel)
