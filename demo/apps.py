from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo data for `make run` (`manage.py seed_demo`): above every app, it uses them all."""

    name = "demo"
    verbose_name = _("Demo data")
    default_auto_field = "django.db.models.BigAutoField"
