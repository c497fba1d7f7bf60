"""The reminder log in the administration pages: read-only, scoped to the admin's offices, with a
link to each round's reminder calendar (/reminders/rounds/<id>/)."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from portal import permissions

from .models import Reminder


class SentFilter(admin.SimpleListFilter):
    title = _("sent")
    parameter_name = "sent"

    def lookups(self, request, model_admin):
        return [("yes", _("Sent")), ("no", _("Not sent (tried again while still useful)"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(sent_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(sent_at__isnull=True)
        return queryset


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    """Every reminder the sweep has claimed. Written only by the sweep: nobody adds, edits or deletes."""

    list_display = ["round", "kind", "offset", "organisation", "recipient", "recipient_email", "sent_at", "delivery",
                    "calendar"]
    list_filter = ["kind", SentFilter, "delivery", "round__year"]
    list_select_related = ["round__scheme", "round__office", "organisation", "recipient"]
    search_fields = ["recipient__email", "organisation__name"]
    date_hierarchy = "created_at"
    readonly_fields = ["recipient", "round", "kind", "offset", "organisation", "created_at", "sent_at", "delivery",
                       "error"]

    def get_list_display(self, request):
        if permissions.administered_office_ids(request.user):
            return self.list_display
        return [name for name in self.list_display if name != "calendar"]  # the calendar is the office admin's

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if permissions.is_national_admin(request.user):
            return queryset
        return queryset.filter(round__office_id__in=permissions.administered_office_ids(request.user))

    @admin.display(description=_("e-mail address"), ordering="recipient__email")
    def recipient_email(self, obj):
        return obj.recipient.email

    @admin.display(description=_("calendar"))
    def calendar(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("reminders:round", kwargs={"round_pk": obj.round_id}),
                           _("Reminder calendar"))

    def has_module_permission(self, request):
        return bool(permissions.can_use_admin(request.user))

    def has_view_permission(self, request, obj=None):
        if obj is not None and not permissions.is_national_admin(request.user):
            return obj.round.office_id in permissions.administered_office_ids(request.user)
        return bool(permissions.can_use_admin(request.user))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
