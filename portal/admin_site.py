from django.contrib import admin
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
