from django import forms
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from portal.forms import label_row_inputs, label_split_datetime_inputs
from portal.models import OrganisationKind

from .models import Round, Scheme
from .rules import criteria_weights_problem


class EligibleKindsField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("choices", OrganisationKind.choices)
        kwargs.setdefault("label", _("eligible applicant kinds"))
        super().__init__(**kwargs)


class ReminderDaysField(forms.CharField):
    """'14, 7, 1' in the form; [14, 7, 1] in the database."""

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return value

    def to_python(self, value):
        value = super().to_python(value)
        if isinstance(value, list):
            return value
        parts = [p.strip() for p in (value or "").replace(";", ",").split(",") if p.strip()]
        try:
            return sorted((int(p) for p in parts), reverse=True)
        except ValueError:
            raise forms.ValidationError(_("Give whole numbers of days separated by commas, for example 14, 7, 1."))


class RoundAdminForm(forms.ModelForm):
    eligible_kinds = EligibleKindsField(required=False, help_text=_("Leave all unticked to use the scheme's setting."))
    application_reminder_days = ReminderDaysField(label=_("application reminders (days before the deadline)"))
    reporting_reminder_days = ReminderDaysField(label=_("reporting reminders (days before the reporting deadline)"))

    class Meta:
        model = Round
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        label_split_datetime_inputs(self)


class SchemeAdminForm(forms.ModelForm):
    eligible_kinds = EligibleKindsField(required=True)

    class Meta:
        model = Scheme
        fields = "__all__"


class RoundPartFormSet(BaseInlineFormSet):
    """A table of a round's parts (criteria, documents) in the admin, each input labelled."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        label_row_inputs(form, index)


class AssessmentCriteriaFormSet(RoundPartFormSet):
    """A round's criteria, saved only when their weights add up as `schemes.rules` requires."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return  # each form's own errors first; the total of half-valid weights says nothing
        weights = [form.cleaned_data["weight"] for form in self.forms
                   if form.cleaned_data and not form.cleaned_data.get("DELETE")]
        problem = criteria_weights_problem(weights)
        if problem:
            raise forms.ValidationError(problem, code="weights_total")
