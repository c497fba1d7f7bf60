"""Forms of the office's board, decisions and appeals. They check what was typed; the services in
board.py and decisions.py decide what may happen."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .forms import PlainTextMixin
from .models import AppealHandling, Outcome

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"]


def _date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class BoardSortForm(forms.Form):
    SORTS = [
        ("score", _("Score (the suggestion's order)")),
        ("name", _("Organisation")),
        ("applied", _("Applied for, largest first")),
        ("proposed", _("Proposed award, largest first")),
    ]
    sort = forms.ChoiceField(label=_("Sort by"), choices=SORTS, required=False,
                             widget=forms.Select(attrs={"class": "form-select"}))

    def sort_key(self) -> str:
        return (self.cleaned_data.get("sort") if self.is_valid() else "") or "score"


class BoardAcceptForm(forms.Form):
    """Accept the suggestion for all applications, or for the ticked ones."""

    scope = forms.ChoiceField(choices=[("all", _("All applications")), ("selected", _("The ticked applications"))])
    applications = forms.TypedMultipleChoiceField(coerce=int, required=False)
    sort = forms.ChoiceField(choices=BoardSortForm.SORTS, required=False)

    def __init__(self, *args, application_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applications"].choices = [(pk, pk) for pk in application_ids]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("scope") == "selected" and not cleaned.get("applications"):
            raise forms.ValidationError(
                _("Tick the applications whose suggestion you accept, or accept it for all."))
        return cleaned

    def application_ids(self) -> list[int] | None:
        return None if self.cleaned_data["scope"] == "all" else list(self.cleaned_data["applications"])


class DecisionForm(PlainTextMixin, forms.Form):
    """The caseworker's proposal: the outcome follows from the awards, so only the reasons,
    conditions and reporting deadline are typed."""

    reasons = forms.CharField(
        label=_("Reasons"), required=False, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Required when the application is partly granted or rejected (forvaltningsloven §§ 24–25)."),
    )
    conditions = forms.CharField(
        label=_("Conditions"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Conditions for the grant, if any, beyond the scheme's own."),
    )
    reporting_deadline = forms.DateField(
        label=_("Reporting deadline"), widget=_date_widget(), input_formats=DATE_INPUT_FORMATS,
        help_text=_("Defaults to the round's reporting deadline."),
    )

    def __init__(self, *args, outcome: str | None, round_, **kwargs):
        self.outcome = outcome
        self.round = round_
        super().__init__(*args, **kwargs)

    def clean_reporting_deadline(self):
        value = self.cleaned_data["reporting_deadline"]
        if value < timezone.localdate():
            raise forms.ValidationError(_("The reporting deadline cannot be in the past."))
        return value

    def clean(self):
        cleaned = super().clean()
        if self.outcome and self.outcome != Outcome.GRANTED and not (cleaned.get("reasons") or "").strip():
            self.add_error("reasons", _("Give the reasons: they are required when the application is partly "
                                        "granted or rejected."))
        return cleaned

    def reporting_deadline_at(self) -> dt.datetime:
        """The chosen day at the time of day of the round's own deadline (usually 23:59)."""
        day = self.cleaned_data["reporting_deadline"]
        round_deadline = timezone.localtime(self.round.reporting_deadline)
        if day == round_deadline.date():
            return self.round.reporting_deadline
        return timezone.make_aware(dt.datetime.combine(day, round_deadline.time().replace(tzinfo=None)))


class AppealForm(PlainTextMixin, forms.Form):
    received_on = forms.DateField(label=_("Date received"), widget=_date_widget(), input_formats=DATE_INPUT_FORMATS)
    text = forms.CharField(label=_("The appeal"), widget=forms.Textarea(attrs={"rows": 8}),
                           help_text=_("Write or paste the appeal's text."))

    def clean_received_on(self):
        value = self.cleaned_data["received_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date received cannot be in the future."))
        return value


class AppealHandleForm(PlainTextMixin, forms.Form):
    handling = forms.ChoiceField(
        label=_("The office's handling"), widget=forms.RadioSelect,
        choices=[(value, label) for value, label in AppealHandling.choices if value != AppealHandling.PENDING],
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 5}),
                            help_text=_("What the office did, and why."))
