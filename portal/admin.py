from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from . import permissions
from .models import County, Identity, Membership, Office, Organisation, User
from .services import sessions_end


class NationalAdminOnly:
    """Reference data and users: national admins manage them; office admins may look."""

    def has_module_permission(self, request):
        return bool(permissions.can_use_admin(request.user))

    def has_view_permission(self, request, obj=None):
        return bool(permissions.can_use_admin(request.user))

    def has_add_permission(self, request):
        return permissions.is_national_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return permissions.is_national_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return permissions.is_national_admin(request.user)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]
    fk_name = "user"


@admin.register(User)
class UserAdmin(NationalAdminOnly, DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active"]
    search_fields = ["email", "full_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("full_name", "phone")}),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),)
    filter_horizontal = ()
    list_filter = ["is_active", "memberships__role"]
    inlines = [MembershipInline]

    def save_model(self, request, obj, form, change):
        """A user set inactive is logged out everywhere at once (whichever way they logged in)."""
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            sessions_end(user=obj)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if permissions.is_national_admin(request.user):
            return queryset
        offices = permissions.administered_office_ids(request.user)
        return queryset.filter(memberships__office_id__in=offices).distinct()


@admin.register(County)
class CountyAdmin(NationalAdminOnly, admin.ModelAdmin):
    list_display = ["number", "name"]
    search_fields = ["number", "name"]


@admin.register(Office)
class OfficeAdmin(NationalAdminOnly, admin.ModelAdmin):
    list_display = ["name", "email"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["counties"]


@admin.register(Organisation)
class OrganisationAdmin(NationalAdminOnly, admin.ModelAdmin):
    list_display = ["name", "kind", "organisation_number_display", "municipality_number", "county", "language_form"]
    list_filter = ["kind", "county", "language_form"]
    search_fields = ["name", "organisation_number", "municipality_number"]
    list_select_related = ["county"]

    @admin.display(description=_("organisation number"), ordering="organisation_number")
    def organisation_number_display(self, obj):
        return obj.organisation_number_display


@admin.register(Identity)
class IdentityAdmin(admin.ModelAdmin):
    """Who logs in as whom: read only, for national admins (links are made by invitations)."""

    list_display = ["user", "provider", "subject", "created_at", "last_used_at"]
    list_filter = ["provider"]
    search_fields = ["subject", "user__email", "user__full_name"]
    list_select_related = ["user"]
    readonly_fields = list_display

    def has_module_permission(self, request):
        return permissions.is_national_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.is_national_admin(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
