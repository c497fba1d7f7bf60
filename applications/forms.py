"""Forms for the application's sections. Drafts may be incomplete (the check page says what is
missing), but what is typed must make sense: numbers are numbers, amounts are not negative, an
amount applied for is at most the cost, texts are plain text."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from portal.forms import MoneyField, PlainTextMixin
from schemes.rules import TARGET_GROUP_ONLY_FOR_MENTAL_HEALTH, target_group_allows

from .models import Application, CompetenceMeasure, InnovationProject, Partner


class VersionedForm(PlainTextMixin, forms.ModelForm):
    """Carries the version the page was opened at, so a stale save is detected, never overwrites."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def __init__(self, *args, version: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for form_field in self.fields.values():
            if form_field.label:
                form_field.label = capfirst(form_field.label)
        if version is not None:
            self.fields["version"].initial = version


class DetailsForm(VersionedForm):
    class Meta:
        model = Application
        fields = ["contact_name", "contact_email", "contact_phone", "project_priorities", "competence_raising_plan"]
        widgets = {"project_priorities": forms.Textarea(attrs={"rows": 6}),
                   "competence_raising_plan": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "project_priorities": _("Which innovation projects matter most to the municipality, and why."),
            "competence_raising_plan": _("How the municipality will raise competence in its health and care services."),
        }


class PlanForm(VersionedForm):
    file = forms.FileField(
        label=_("Competence plan (PDF, DOCX or ODT)"), required=False,
        help_text=_("Upload a new file to replace the plan; earlier files are kept in the history."),
    )

    class Meta:
        model = Application
        fields = ["competence_plan_updated_on", "competence_plan_adopted_by"]
        widgets = {"competence_plan_updated_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        help_texts = {"competence_plan_adopted_by": _("For example: the municipal council, 12.03.2024.")}


class MeasureForm(VersionedForm):
    total_cost = MoneyField(label=_("total cost (NOK)"))
    amount_applied = MoneyField(label=_("amount applied for (NOK)"))
    own_funding = MoneyField(label=_("own funding (NOK)"))

    class Meta:
        model = CompetenceMeasure
        fields = ["title", "kind", "description", "service_area", "concerns_mental_health", "target_group",
                  "participants", "gives_credits", "total_cost", "amount_applied", "own_funding"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4}),
                   "participants": forms.NumberInput(attrs={"min": 1})}

    def __init__(self, *args, scheme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_group"].queryset = scheme.target_groups.all()
        self.fields["target_group"].help_text = _(
            "Staff of other municipal and county agencies count only for mental health and substance abuse measures.")
        self.fields["title"].help_text = _("A short name the municipality and the County Governor will recognise.")

    def clean(self):
        cleaned = super().clean()
        total, applied = cleaned.get("total_cost"), cleaned.get("amount_applied")
        if total is not None and applied is not None and applied > total:
            self.add_error("amount_applied", _("The amount applied for cannot be more than the total cost."))
        group = cleaned.get("target_group")
        if not target_group_allows(group, concerns_mental_health=bool(cleaned.get("concerns_mental_health"))):
            self.add_error("target_group", TARGET_GROUP_ONLY_FOR_MENTAL_HEALTH)
        return cleaned


class ProjectForm(VersionedForm):
    total_budget = MoneyField(label=_("total budget (NOK)"))
    amount_applied = MoneyField(label=_("amount applied for (NOK)"))
    own_share = MoneyField(label=_("own share (NOK)"))
    partners = forms.MultipleChoiceField(
        label=_("partners"), choices=Partner.choices, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Who takes part with the municipality."),
    )

    class Meta:
        model = InnovationProject
        fields = ["title", "description", "sub_goals", "partners", "starts_on", "ends_on", "total_budget",
                  "amount_applied", "own_share", "priority_rank"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "sub_goals": forms.CheckboxSelectMultiple,
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "priority_rank": forms.NumberInput(attrs={"min": 1}),
        }

    def __init__(self, *args, scheme, application, **kwargs):
        super().__init__(*args, **kwargs)
        self.application = application
        self.fields["sub_goals"].queryset = scheme.sub_goals.all()
        self.fields["sub_goals"].help_text = _("Choose at least one of the scheme's sub-goals.")

    def clean_priority_rank(self):
        rank = self.cleaned_data.get("priority_rank")
        if rank is None:
            return rank
        others = self.application.projects.exclude(pk=self.instance.pk).filter(priority_rank=rank)
        taken = others.first()
        if taken:
            raise ValidationError(
                _("Priority %(rank)d is already given to %(title)s. Each project needs its own priority."),
                params={"rank": rank, "title": taken.title}, code="rank_taken")
        return rank

    def clean(self):
        cleaned = super().clean()
        total, applied = cleaned.get("total_budget"), cleaned.get("amount_applied")
        if total is not None and applied is not None and applied > total:
            self.add_error("amount_applied", _("The amount applied for cannot be more than the total budget."))
        start, end = cleaned.get("starts_on"), cleaned.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("The project cannot end before it starts."))
        return cleaned


class WithdrawForm(PlainTextMixin, forms.Form):
    reason = forms.CharField(label=_("Reason for withdrawing"), widget=forms.Textarea(attrs={"rows": 4}))


class StartForm(forms.Form):
    organisation = forms.IntegerField(widget=forms.HiddenInput)
    copy_previous = forms.BooleanField(
        label=_("Copy last year's competence measures and innovation projects"), required=False)
