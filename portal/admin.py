from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from . import permissions
from .models import County, Identity, Membership, Office, Organisation, User
from .services import organisation_language_form_set, sessions_end

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
    """A user's roles, to look at. Roles are given, changed and removed on the people pages
    (/people/), where each change is checked against who may give it and logged for the office;
    only a technical operator changes them here. An office admin sees the roles held in its own
    office and its counties' organisations, not the person's roles elsewhere."""

    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]
    fk_name = "user"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if permissions.is_national_admin(request.user):
            return queryset
        offices = permissions.administered_office_ids(request.user)
        return queryset.filter(Q(office_id__in=offices) | Q(organisation__county__offices__in=offices)).distinct()

    def has_add_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


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

    def get_readonly_fields(self, request, obj=None):
        """Deactivating is done on the people pages (checked and logged); a technical operator may here."""
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly if request.user.is_superuser else [*readonly, "is_active"]

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
    """National admins edit the offices; an office admin sets its own office's language form for
    neutral organisations (`portal.language_forms`), and sees the rest."""

    list_display = ["name", "email", "neutral_language_form"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["counties"]
    OFFICE_ADMIN_FIELDS = ("neutral_language_form",)

    def has_change_permission(self, request, obj=None):
        if permissions.is_national_admin(request.user):
            return True
        offices = permissions.administered_office_ids(request.user)
        return bool(offices) and (obj is None or obj.pk in offices)

    def get_readonly_fields(self, request, obj=None):
        if permissions.is_national_admin(request.user):
            return ()
        return [f.name for f in Office._meta.get_fields() if f.name not in self.OFFICE_ADMIN_FIELDS
                and (f.concrete or f.many_to_many) and not f.auto_created]

    def get_prepopulated_fields(self, request, obj=None):
        return self.prepopulated_fields if permissions.is_national_admin(request.user) else {}


@admin.register(Organisation)
class OrganisationAdmin(NationalAdminOnly, admin.ModelAdmin):
    """National admins edit organisations; an office admin sees those in its office's counties and
    sets their language form (the organisation's signatory may too, on its own settings page)."""

    list_display = ["name", "kind", "organisation_number_display", "municipality_number", "county", "language_form"]
    list_filter = ["kind", "county", "language_form"]
    search_fields = ["name", "organisation_number", "municipality_number"]
    list_select_related = ["county"]
    readonly_fields = ["language_form_set_at"]
    OFFICE_ADMIN_FIELDS = ("language_form",)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if permissions.is_national_admin(request.user):
            return queryset
        return queryset.filter(county_id__in=permissions.administered_county_ids(request.user))

    def has_change_permission(self, request, obj=None):
        return bool(permissions.can_administer_organisation(request.user, obj))

    def get_readonly_fields(self, request, obj=None):
        if permissions.is_national_admin(request.user):
            return self.readonly_fields
        return ["name", "kind", "organisation_number", "municipality_number", "county", "net_budgeted", "email",
                "language_form_set_at"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "language_form" in form.changed_data:  # a person chose it: the register no longer updates it
            organisation_language_form_set(organisation=obj, language_form=obj.language_form)

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
