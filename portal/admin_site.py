from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .permissions import can_use_admin


class PortalAdminSite(admin.AdminSite):
    """The administration pages, open to office admins and national admins by their membership
    (not by the is_staff flag). What each sees inside is scoped by the ModelAdmins."""

    site_header = _("Tilskuddsportalen – administration")
    site_title = _("Tilskuddsportalen")
    index_title = _("Administration")

    def has_permission(self, request):
        return bool(can_use_admin(request.user))

    def login(self, request, extra_context=None):
        """With password login switched off, the admin's password form is not offered either: the
        portal's login page (its providers) logs the person in and sends them back here."""
        if request.user.is_authenticated and not self.has_permission(request):
            # logged in, but not an admin: say so (sending them to the login page would loop)
            raise PermissionDenied(can_use_admin(request.user).reason)
        if not settings.PASSWORD_LOGIN_ENABLED:
            return redirect_to_login(request.GET.get("next") or reverse("admin:index", current_app=self.name))
        return super().login(request, extra_context)
