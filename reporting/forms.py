"""The report form: the overall account, the auditor's statement and, for each granted line, the
amount used, participants (measures only), what was achieved and, when more was used than
granted, why. A draft may be incomplete (the check list says what is missing before submission),
but what is typed must make sense: amounts are whole, non-negative kroner; texts are plain text.

The line fields are named `line-<line pk>-<field>`, so their ids (`id_line-<pk>-amount_used`) are
the anchors `report_problems` links to."""

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.models import LinePart
from portal.formatting import kroner
from portal.forms import MoneyField, PlainTextMixin
from portal.uploads import ALLOWED_DESCRIPTION

from .models import GrantReport, ReportLine

MAX_PARTICIPANTS = 100_000
LINE_TEXT_FIELDS = ("achievements", "overspend_explanation")


class ParticipantsField(forms.IntegerField):
    default_error_messages = {
        "invalid": _("Write the number of participants with digits only, for example 12."),
        "min_value": _("The number of participants cannot be negative."),
        "max_value": _("The number of participants is too large."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", MAX_PARTICIPANTS)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})


def line_field_name(line: ReportLine, name: str) -> str:
    return f"line-{line.pk}-{name}"


class ReportForm(PlainTextMixin, forms.Form):
    overall_account = forms.CharField(
        label=_("Overall account"), required=False, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("How the grant was used, in all, and what it achieved."),
    )
    auditor_statement = forms.FileField(label=_("Auditor's statement (PDF, DOCX or ODT)"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def __init__(self, *args, report: GrantReport, lines: list[ReportLine], version: int, **kwargs):
        kwargs.setdefault("initial", {"overall_account": report.overall_account})
        super().__init__(*args, **kwargs)
        self.report = report
        self.lines = lines
        self.fields["version"].initial = version
        statement = self.fields["auditor_statement"]
        if report.auditor_statement_required:
            statement.help_text = _(
                "Required: the grant exceeds %(threshold)s. The file's content is checked; "
                "allowed types: %(types)s.") % {
                "threshold": kroner(report.application.round.auditor_statement_threshold),
                "types": ALLOWED_DESCRIPTION}
        else:
            statement.help_text = _(
                "Not required for this grant, but you may upload one. Allowed types: %(types)s.") % {
                "types": ALLOWED_DESCRIPTION}
        if report.auditor_statement:
            statement.help_text = f"{statement.help_text} " + str(_(
                "A statement is uploaded; choose a new file only to replace it."))
        for line in lines:
            self._add_line_fields(line)

    def _add_line_fields(self, line: ReportLine) -> None:
        fields = {
            "amount_used": MoneyField(label=_("Amount used (NOK)"),
                                      help_text=_("Granted: %(awarded)s.") % {"awarded": kroner(line.awarded)}),
        }
        if line.part == LinePart.MEASURE:
            fields["participants_planned"] = ParticipantsField(label=_("Participants planned"))
            fields["participants_completed"] = ParticipantsField(label=_("Participants who completed"))
        fields["achievements"] = forms.CharField(
            label=_("What was achieved against the sub-goals"), required=False,
            widget=forms.Textarea(attrs={"rows": 4}))
        fields["overspend_explanation"] = forms.CharField(
            label=_("Why more was used than granted"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
            help_text=_("Required when the amount used is more than the amount granted."))
        for name, form_field in fields.items():
            form_field.line = line
            form_field.line_field = name
            self.fields[line_field_name(line, name)] = form_field
            self.initial.setdefault(line_field_name(line, name), getattr(line, name))

    def line_groups(self) -> list[tuple[ReportLine, list]]:
        """For the template: each line with its bound fields, in order."""
        return [(line, [self[name] for name, field in self.fields.items() if getattr(field, "line", None) is line])
                for line in self.lines]

    def labelled_errors(self) -> list[tuple[str, str, str]]:
        """(field id, label with the line's title, message) for the error summary."""
        errors = []
        for name, messages in self.errors.items():
            if name == "__all__":
                continue
            bound = self[name]
            line = getattr(bound.field, "line", None)
            label = f"{line.title} – {bound.label}" if line else str(bound.label)
            errors += [(bound.auto_id, label, message) for message in messages]
        return errors

    def report_data(self) -> dict:
        return {"overall_account": self.cleaned_data["overall_account"]}

    def line_data(self) -> dict[int, dict]:
        """{line pk: {field: value}} as report_save takes it."""
        values: dict[int, dict] = {line.pk: {} for line in self.lines}
        for name, form_field in self.fields.items():
            line = getattr(form_field, "line", None)
            if line is not None:
                value = self.cleaned_data.get(name)
                if form_field.line_field in LINE_TEXT_FIELDS:
                    value = (value or "").strip()
                values[line.pk][form_field.line_field] = value
        return values


class ReturnForm(PlainTextMixin, forms.Form):
    message = forms.CharField(
        label=_("What is missing from the report"), widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("The municipality sees this message on its report and can change the report and submit it again."),
        error_messages={"required": _("Write what is missing from the report.")},
    )
