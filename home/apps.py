from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    """The users' own pages, on top of every other app: they may show what each app has for them."""

    name = "home"
    verbose_name = _("Home pages")
    default_auto_field = "django.db.models.BigAutoField"
