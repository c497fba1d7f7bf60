from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from . import permissions
from .models import County, Membership, Office, Organisation, User

TECHNICAL_FLAGS = ("is_staff", "is_superuser")


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


class MembershipInline(NationalAdminOnly, admin.TabularInline):
    """A user's roles: national admins change them here, office admins may look (as at the user).
    Without the mixin Django asks for model permissions nobody holds, and only a superuser saw them."""

    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]
    fk_name = "user"

    def has_add_permission(self, request, obj=None):
        return permissions.is_national_admin(request.user)


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

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if permissions.is_national_admin(request.user):
            return queryset
        offices = permissions.administered_office_ids(request.user)
        return queryset.filter(memberships__office_id__in=offices).distinct()

    def get_fieldsets(self, request, obj=None):
        """The technical flags only for a technical operator: a form without them cannot set them."""
        fieldsets = super().get_fieldsets(request, obj)
        if permissions.can_grant_technical_access(request.user):
            return fieldsets
        return [(name, {**options, "fields": [f for f in options["fields"] if f not in TECHNICAL_FLAGS]})
                for name, options in fieldsets]

    def get_actions(self, request):
        """No bulk changes of users: Django's delete_selected asks no per-user question."""
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_change_permission(self, request, obj=None):
        return bool(permissions.can_change_user(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        return bool(permissions.can_change_user(request.user, obj))


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
