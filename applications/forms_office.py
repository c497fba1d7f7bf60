"""Forms of the County Governor office's pages: the round's list filters, the assessment, and asking
the municipality for more information. They only check input; the services decide and write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.templatetags.portal_tags import kroner

from .forms import MoneyField, PlainTextMixin
from .models import ApplicationStatus
from .models.assessment import MAX_CRITERION_SCORE

YES_NO_ALL = [("", _("All")), ("yes", _("Yes")), ("no", _("No"))]
SORTS = [
    ("organisation", _("Organisation")),
    ("applied", _("Applied for (highest first)")),
    ("score", _("Score (highest first)")),
    ("submitted", _("Submitted (earliest first)")),
    ("status", _("Status")),
]


class RoundFilterForm(forms.Form):
    """The list's filters, sent as GET. A value that makes no sense is shown at its field and ignored."""

    status = forms.ChoiceField(
        label=_("Status"), required=False,
        choices=[("", _("All"))] + [(value, label) for value, label in ApplicationStatus.choices
                                    if value != ApplicationStatus.DRAFT],
    )
    organisation = forms.TypedChoiceField(label=_("Municipality"), required=False, coerce=int, empty_value=None)
    mental_health = forms.ChoiceField(label=_("Has mental health and substance abuse measures"), required=False,
                                      choices=YES_NO_ALL)
    plan = forms.ChoiceField(label=_("Competence plan up to date"), required=False, choices=YES_NO_ALL)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORTS)

    def __init__(self, *args, organisations=(), **kwargs):
        """`organisations`: (id, name) of the organisations with an application in the round."""
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [("", _("All")), *organisations]

    def filters(self) -> dict:
        """Keyword arguments for `applications_for_office_round`, from the fields that are valid."""
        data = {}
        if self.is_bound:
            self.is_valid()
            data = self.cleaned_data
        yes_no = {"yes": True, "no": False}
        return {
            "status": data.get("status") or "",
            "organisation_id": data.get("organisation"),
            "mental_health": yes_no.get(data.get("mental_health") or ""),
            "plan_up_to_date": yes_no.get(data.get("plan") or ""),
            "sort": data.get("sort") or "organisation",
        }


class AssessmentForm(PlainTextMixin, forms.Form):
    """A score per criterion of the round, the internal notes and a proposed award per line.

    Fields are named score_<criterion id>, award_measure_<line id> and award_project_<line id>.
    `base_version` is the assessment's version when the page was opened: a stale save is refused."""

    base_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    notes = forms.CharField(
        label=_("Internal notes"), required=False, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Why you scored and proposed as you did. Never shown to the municipality."),
    )

    def __init__(self, *args, criteria, measures, projects, assessment=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        self.lines = {"measure": list(measures), "project": list(projects)}
        saved_scores = dict(assessment.scores.values_list("criterion_id", "score")) if assessment else {}
        self.fields["base_version"].initial = assessment.version if assessment else 0
        self.fields["notes"].initial = assessment.notes if assessment else ""
        score_fields = {}
        for criterion in self.criteria:
            score_fields[f"score_{criterion.pk}"] = forms.IntegerField(
                label=_("%(criterion)s (weight %(weight)d)") % {"criterion": criterion.label,
                                                                 "weight": criterion.weight},
                required=False, min_value=0, max_value=MAX_CRITERION_SCORE, initial=saved_scores.get(criterion.pk),
                widget=forms.NumberInput(attrs={"min": 0, "max": MAX_CRITERION_SCORE, "inputmode": "numeric",
                                                "class": "score"}),
                error_messages={
                    "invalid": _("Give a whole number from 0 to %(max)d.") % {"max": MAX_CRITERION_SCORE},
                    "min_value": _("Give a whole number from 0 to %(max)d.") % {"max": MAX_CRITERION_SCORE},
                    "max_value": _("Give a whole number from 0 to %(max)d.") % {"max": MAX_CRITERION_SCORE},
                },
            )
        award_fields = {}
        for kind, lines in self.lines.items():
            for line in lines:
                award_fields[f"award_{kind}_{line.pk}"] = MoneyField(
                    label=line.title, initial=line.proposed_award,
                    help_text=_("Applied for: %(amount)s. The award is between 0 and that amount.") % {
                        "amount": kroner(line.amount_applied or 0)},
                )
        # scores first, then the awards, then the notes: the order the page shows them in
        notes = self.fields.pop("notes")
        self.fields.update(score_fields)
        self.fields.update(award_fields)
        self.fields["notes"] = notes

    def clean(self):
        cleaned = super().clean()
        for kind, lines in self.lines.items():
            for line in lines:
                name = f"award_{kind}_{line.pk}"
                amount = cleaned.get(name)
                if amount is not None and amount > (line.amount_applied or 0):
                    self.add_error(name, _("The award cannot be more than the %(amount)s applied for.") % {
                        "amount": kroner(line.amount_applied or 0)})
        return cleaned

    def score_fields(self):
        return [self[f"score_{criterion.pk}"] for criterion in self.criteria]

    def award_rows(self, kind):
        """(line, bound field) for the measures or the projects."""
        return [(line, self[f"award_{kind}_{line.pk}"]) for line in self.lines[kind]]

    @property
    def measure_award_rows(self):
        return self.award_rows("measure")

    @property
    def project_award_rows(self):
        return self.award_rows("project")

    def scores(self) -> dict[int, int | None]:
        return {criterion.pk: self.cleaned_data.get(f"score_{criterion.pk}") for criterion in self.criteria}

    def awards(self) -> dict[tuple[str, int], int | None]:
        return {(kind, line.pk): self.cleaned_data.get(f"award_{kind}_{line.pk}")
                for kind, lines in self.lines.items() for line in lines}


class InformationRequestForm(PlainTextMixin, forms.Form):
    message = forms.CharField(
        label=_("What the municipality must add or change"), widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("The municipality sees this message in its application and its history, and gets it by e-mail."),
        error_messages={"required": _("Write what the municipality must add or change.")},
    )
