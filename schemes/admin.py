from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal import permissions
from portal.models import Office

from .exceptions import RoundCopyError
from .forms import AssessmentCriteriaFormSet, RoundAdminForm, RoundPartFormSet, SchemeAdminForm
from .hooks import criteria_locked_reason
from .models import (
    AssessmentCriterion,
    PriorityArea,
    Round,
    RoundChangeKind,
    RoundDocument,
    Scheme,
    SubGoal,
    TargetGroup,
)
from .services import (
    round_change_record,
    round_copy_to_next_year,
    round_create_default_criteria,
    round_field_changes,
    round_parts_changes,
)

# the inlines' names in a round change's details
ROUND_PARTS = {AssessmentCriterion: "criteria", RoundDocument: "documents"}


class SchemeContentInline(admin.TabularInline):
    extra = 0
    fields = ["position", "code", "text", "text_nn", "text_en"]


class SubGoalInline(SchemeContentInline):
    model = SubGoal


class TargetGroupInline(SchemeContentInline):
    model = TargetGroup
    fields = SchemeContentInline.fields + ["only_for_mental_health"]


class PriorityAreaInline(SchemeContentInline):
    model = PriorityArea


@admin.register(Scheme)
class SchemeAdmin(admin.ModelAdmin):
    """National admins (Helsedirektoratet) define the scheme; office admins may read it."""

    form = SchemeAdminForm
    list_display = ["name", "owner", "budget_chapter"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [SubGoalInline, TargetGroupInline, PriorityAreaInline]
    fieldsets = (
        (None, {"fields": ("slug", "name", "name_nn", "name_en", "owner", "budget_chapter")}),
        (_("Texts"), {"fields": ("summary", "summary_nn", "summary_en", "main_goal", "main_goal_nn", "main_goal_en")}),
        (_("Who can apply"), {"fields": ("eligible_kinds", "state_bodies_net_budgeted_only")}),
    )

    def has_module_permission(self, request):
        return bool(permissions.can_use_admin(request.user))

    def has_view_permission(self, request, obj=None):
        return bool(permissions.can_use_admin(request.user))

    def has_add_permission(self, request):
        return bool(permissions.can_edit_scheme(request.user))

    def has_change_permission(self, request, obj=None):
        return bool(permissions.can_edit_scheme(request.user))

    def has_delete_permission(self, request, obj=None):
        return False  # rounds and applications refer to it; a scheme is never deleted


class RoundPartInline(admin.TabularInline):
    """A part of a round (its criteria, its documents): whoever may change the round changes them.
    Without this, Django asks for model permissions, which nobody holds here (roles come from
    memberships), and hides the inlines from all but a superuser. `obj` is the round."""

    extra = 0
    formset = RoundPartFormSet
    view_on_site = False  # the link sat in running text, told apart by colour only (axe); the page lists them

    def has_view_permission(self, request, obj=None):
        return bool(permissions.can_view_round_admin(request.user, obj))

    def has_add_permission(self, request, obj=None):
        return bool(permissions.can_administer_round(request.user, obj))

    def has_change_permission(self, request, obj=None):
        return bool(permissions.can_administer_round(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        return bool(permissions.can_administer_round(request.user, obj))


class RoundDocumentInline(RoundPartInline):
    model = RoundDocument
    fields = ["position", "title", "url", "file"]


class AssessmentCriterionInline(RoundPartInline):
    """The criteria and their weights, fixed once the round's applications are scored with them
    (`hooks.criteria_locked_reason`): every application is then ranked on the same terms."""

    model = AssessmentCriterion
    formset = AssessmentCriteriaFormSet
    fields = ["position", "kind", "name", "weight"]

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not criteria_locked_reason(obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not criteria_locked_reason(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not criteria_locked_reason(obj)


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    """Each office admin configures their own office's rounds, and sees no other office's."""

    form = RoundAdminForm
    list_display = ["__str__", "year", "office", "published", "budget", "opens_at", "closes_at", "reporting_deadline"]
    list_filter = ["year", "published"]
    list_select_related = ["office", "scheme"]
    inlines = [AssessmentCriterionInline, RoundDocumentInline]
    actions = ["copy_to_next_year"]
    fieldsets = (
        (None, {"fields": ("scheme", "office", "year", "published")}),
        (_("Budget and dates"), {"fields": ("budget", "opens_at", "closes_at", "grace_minutes", "reporting_deadline")}),
        (_("Contact"), {"fields": ("contact_name", "contact_email", "contact_phone")}),
        (_("Description"), {"fields": ("description", "description_nn", "description_en")}),
        (_("Rules"), {"fields": (
            "eligible_kinds", "competence_plan_required", "competence_plan_max_age_months",
            "auditor_statement_threshold",
        )}),
        (_("Reminders"), {"fields": ("application_reminder_days", "reporting_reminder_days")}),
    )

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if permissions.is_national_admin(request.user):
            return queryset
        return queryset.filter(office_id__in=permissions.administered_office_ids(request.user))

    def has_module_permission(self, request):
        return bool(permissions.can_view_round_admin(request.user))

    def has_view_permission(self, request, obj=None):
        return bool(permissions.can_view_round_admin(request.user, obj))

    def has_add_permission(self, request):
        return bool(permissions.can_administer_round(request.user))

    def has_change_permission(self, request, obj=None):
        return bool(permissions.can_administer_round(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        return bool(permissions.can_administer_round(request.user, obj)) and (obj is None or not obj.published)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        round_ = self.get_object(request, object_id)
        reason = criteria_locked_reason(round_) if round_ is not None and request.method == "GET" else ""
        if reason:
            self.message_user(request, reason, messages.INFO)
        return super().change_view(request, object_id, form_url, extra_context)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "office" and not request.user.is_superuser:
            kwargs["queryset"] = Office.objects.filter(id__in=permissions.administered_office_ids(request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not form.instance.criteria.exists():
            round_create_default_criteria(round=form.instance)
            if change:
                self.message_user(request, _("The round had no assessment criteria left, so it has the default "
                                             "criteria again (their weights add up to 100)."), messages.WARNING)
        self._record_change(request, form, formsets, change)

    def _record_change(self, request, form, formsets, change):
        """The audit trail: the round's fields before and after, and its criteria and documents
        added, changed and removed, in one entry per save (none when nothing changed)."""
        data = {}
        if fields := round_field_changes(form):
            data["fields"] = fields
        for formset in formsets:
            if parts := round_parts_changes(formset):
                data.setdefault(ROUND_PARTS.get(formset.model, formset.model._meta.model_name), []).extend(parts)
        if change and not data:
            return
        round_change_record(round=form.instance, user=request.user,
                            kind=RoundChangeKind.CHANGED if change else RoundChangeKind.CREATED, data=data)

    def delete_model(self, request, obj):
        round_change_record(round=obj, user=request.user, kind=RoundChangeKind.DELETED)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for round_ in queryset:
            round_change_record(round=round_, user=request.user, kind=RoundChangeKind.DELETED)
        super().delete_queryset(request, queryset)

    @admin.action(description=_("Copy to next year (dates moved one year, budget to be set)"))
    def copy_to_next_year(self, request, queryset):
        copied = 0
        for round_ in queryset:
            if not permissions.can_administer_round(request.user, round_):
                self.message_user(request, _("%(round)s belongs to another office.") % {"round": round_},
                                  messages.ERROR)
                continue
            try:
                round_copy_to_next_year(round=round_, user=request.user)
                copied += 1
            except RoundCopyError as error:
                self.message_user(request, str(error), messages.ERROR)
        if copied:
            self.message_user(
                request,
                ngettext(
                    "%(count)d round copied to next year. Set its budget before publishing it.",
                    "%(count)d rounds copied to next year. Set their budgets before publishing them.",
                    copied,
                ) % {"count": copied},
                messages.SUCCESS,
            )
