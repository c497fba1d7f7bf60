from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    """The County Governor office's casework: assessment, the prioritisation board, decisions and
    their letters, appeals and exports. Above the applications it works on; it knows no reporting
    (it tells it of an approval with the `decision_approved` signal)."""

    name = "casework"
    verbose_name = _("Casework")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from applications import hooks
        from applications.signals import line_changing
        from schemes.hooks import register_criteria_lock

        from . import notifications, panels, rules
        from .models import CaseworkEvent
        from .services.assessments import award_clear_when_above_applied

        notifications.register()
        hooks.register_event_kinds(CaseworkEvent)
        hooks.register_status_mask(panels.applicant_status_mask, related=("decision",))
        hooks.register_overview_panel(panels.decision_panel)
        register_criteria_lock(rules.criteria_locked_by_assessments)
        line_changing.connect(award_clear_when_above_applied, dispatch_uid="casework.award_clear_when_above_applied")
