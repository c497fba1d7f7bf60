from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import checks  # noqa: F401 - registers the deploy checks
        from .middleware import session_mark_login

        user_logged_in.connect(session_mark_login, dispatch_uid="portal.session_mark_login")


class PortalAdminConfig(AdminConfig):
    """Django's admin, with a site that admits office and national admins by their membership."""

    default_site = "portal.admin_site.PortalAdminSite"
