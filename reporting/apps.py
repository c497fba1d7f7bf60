from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    """Reports on the use of funds: made when a decision is approved (casework's `decision_approved`
    signal), written by the municipality, reviewed by the office."""

    name = "reporting"
    verbose_name = _("Reporting")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from applications import hooks
        from casework.hooks import register_round_link
        from casework.signals import decision_approved

        from . import notifications, panels
        from .models import ReportEvent
        from .services import report_create_on_approval

        notifications.register()
        hooks.register_event_kinds(ReportEvent)
        hooks.register_overview_panel(panels.report_panel)
        register_round_link(_("Reports"), "reporting:round_reports")
        decision_approved.connect(report_create_on_approval, dispatch_uid="reporting.report_create_on_approval")
