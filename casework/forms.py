"""Forms of the County Governor office's pages: the round's list filters, the assessment, asking the
municipality for more information, the board, the decision and appeals. They only check input;
the services decide and write."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import ApplicationStatus, LinePart
from portal.formatting import kroner
from portal.forms import InlineOptionsSelect, MoneyField, PlainTextMixin
from portal.models import LanguageForm
from portal.uploads import upload_inspect

from .models import MAX_CRITERION_SCORE, AppealHandling, Outcome

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
        label=_("Status"), required=False, widget=InlineOptionsSelect,
        choices=[("", _("All"))] + [(value, label) for value, label in ApplicationStatus.choices
                                    if value != ApplicationStatus.DRAFT],
    )
    organisation = forms.TypedChoiceField(label=_("Municipality"), required=False, coerce=int, empty_value=None,
                                          widget=InlineOptionsSelect)
    mental_health = forms.ChoiceField(label=_("Has mental health and substance abuse measures"), required=False,
                                      choices=YES_NO_ALL, widget=InlineOptionsSelect)
    plan = forms.ChoiceField(label=_("Competence plan up to date"), required=False, choices=YES_NO_ALL,
                             widget=InlineOptionsSelect)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORTS, widget=InlineOptionsSelect)

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
        self.lines = {LinePart.MEASURE.value: list(measures), LinePart.PROJECT.value: list(projects)}
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
        return self.award_rows(LinePart.MEASURE)

    @property
    def project_award_rows(self):
        return self.award_rows(LinePart.PROJECT)

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


class DecisionReturnForm(PlainTextMixin, forms.Form):
    comment = forms.CharField(
        label=_("What the caseworker should change"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Only the office sees this comment. The caseworker who proposed the decision is told."),
        error_messages={"required": _("Write what the caseworker should change before you return the proposal.")},
    )


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


class DecisionsApproveForm(forms.Form):
    """The approver's ticked decisions of a round, to approve in one go."""

    decisions = forms.TypedMultipleChoiceField(
        coerce=int, error_messages={"required": _("Tick the decisions you approve."),
                                    "invalid_choice": _("A ticked decision is not one of this round's.")})

    def __init__(self, *args, decision_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decisions"].choices = [(pk, pk) for pk in decision_ids]


WRITE_IN = {  # the letter's language form, as the caseworker is told to write the reasons and conditions
    LanguageForm.BOKMAL: _("write in bokmål"),
    LanguageForm.NYNORSK: _("write in nynorsk"),
}


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

    def __init__(self, *args, outcome: str | None, round_, language_form: str = LanguageForm.BOKMAL, **kwargs):
        self.outcome = outcome
        self.round = round_
        super().__init__(*args, **kwargs)
        # both go into the letter, written in the municipality's language form: say which
        write_in = WRITE_IN[LanguageForm(language_form)]
        self.fields["reasons"].label = _("Reasons (%(write_in)s)") % {"write_in": write_in}
        self.fields["conditions"].label = _("Conditions (%(write_in)s)") % {"write_in": write_in}

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


class AppealLodgeForm(PlainTextMixin, forms.Form):
    """The municipality's appeal, lodged online by its signatory: the grounds, and a file if it has one."""

    text = forms.CharField(
        label=_("Grounds for the appeal"), widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Say which part of the decision the organisation appeals against, what it asks the office "
                    "to change, and why."))
    attachment = forms.FileField(
        label=_("Attachment (optional, PDF, DOCX or ODT)"), required=False,
        help_text=_("For example a letter signed by the organisation, or documents the appeal refers to."))

    def clean_attachment(self):
        """The file is checked by its content and size here, so a wrong one is told at its field."""
        upload = self.cleaned_data.get("attachment")
        if upload:
            upload_inspect(upload)
        return upload


class AuditLogFilterForm(forms.Form):
    """The audit log's filters, sent as GET. A value that makes no sense is shown at its field and ignored."""

    round = forms.TypedChoiceField(label=_("Round"), required=False, coerce=int, empty_value=None)
    application = forms.IntegerField(label=_("Application number"), required=False, min_value=1)
    kind = forms.ChoiceField(label=_("What"), required=False)
    person = forms.CharField(label=_("Person (name or e-mail address)"), required=False, max_length=200)
    since = forms.DateField(label=_("From date"), required=False)
    until = forms.DateField(label=_("To date"), required=False)

    def __init__(self, *args, rounds=(), kinds=(), **kwargs):
        """`rounds`: (id, name) of the office's rounds; `kinds`: (value, words) of every kind."""
        super().__init__(*args, **kwargs)
        self.fields["round"].choices = [("", _("All")), *rounds]
        self.fields["kind"].choices = [("", _("All")), *kinds]

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", _("The to date must be on or after the from date."))
        return data

    def filters(self) -> dict:
        """Keyword arguments for `audit_log_querysets`, from the fields that are valid."""
        data = {}
        if self.is_bound:
            self.is_valid()
            data = self.cleaned_data
        return {
            "round_id": data.get("round"), "application_id": data.get("application"), "kind": data.get("kind") or "",
            "person": (data.get("person") or "").strip(), "since": data.get("since"), "until": data.get("until"),
        }
