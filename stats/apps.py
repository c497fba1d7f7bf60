from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatisticsConfig(AppConfig):
    """Figures, dashboards, charts and their exports, for the offices and Helsedirektoratet: read from
    every app below, written to none."""

    name = "stats"  # not "statistics": a top-level package of that name hides Python's own (Django's SQLite backend imports it)
    verbose_name = _("Statistics")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from casework.hooks import register_round_link

        register_round_link(_("Figures and charts"), "statistics:round")
