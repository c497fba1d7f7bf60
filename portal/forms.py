"""Form fields and checks every app's forms share: whole kroner, and plain text only; and the
portal's own forms (asking for a password reset)."""

import logging
import re

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .models import LanguageForm
from .tasks import password_reset_email_task

logger = logging.getLogger(__name__)

MARKUP = re.compile(r"<\s*[a-zA-Z!/?]|&#?\w+;|javascript\s*:", re.IGNORECASE)
MAX_KRONER = 10_000_000_000


def _html_attrs(attrs: dict) -> str:
    """Django's django/forms/widgets/attrs.html, written in Python."""
    return "".join(
        "" if value is False else format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
        for name, value in attrs.items())


def _text(value) -> str:
    return value if isinstance(value, str) else str(localize(value))


class InlineOptionsSelect(forms.Select):
    """A select written in Python: Django's renders a template per option (and another for its
    attributes), which for a list's filter of 52 municipalities is most of the page's rendering.
    Exactly the HTML of `forms.Select` (tests/portal/test_forms_widgets.py compares them)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<select name="{}"{}>', _text(widget["name"]), mark_safe(_html_attrs(widget["attrs"])))]
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('\n  <optgroup label="{}">', _text(group_name)))
            for option in group_choices:
                parts.append(format_html('\n  <option value="{}"{}>{}</option>\n', "%s" % (option["value"],),
                                         mark_safe(_html_attrs(option["attrs"])), _text(option["label"])))
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))


class MoneyField(forms.IntegerField):
    """Whole kroner. Accepts '150 000', '150000 kr', 'kr 150 000'; refuses decimals and negatives."""

    default_error_messages = {
        "invalid": _("Write the amount in whole kroner, with digits only, for example 150 000."),
        "min_value": _("The amount cannot be negative."),
        "max_value": _("The amount is too large."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", MAX_KRONER)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.input_type = "text"
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off", "class": "money"})

    def to_python(self, value):
        if isinstance(value, str):
            cleaned = value.replace("\xa0", "").replace(" ", "").replace("\u202f", "")
            cleaned = re.sub(r"(?i)^(kr\.?|nok)|(kr\.?|nok|,-)$", "", cleaned)
            if re.fullmatch(r"-?\d+[.,]\d+", cleaned):
                raise ValidationError(_("Give whole kroner, without øre."), code="invalid")
            value = cleaned
        return super().to_python(value)


class PlainTextMixin:
    """Refuse HTML markup and scripts in every text field, with a message at the field."""

    def clean(self):
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            if isinstance(value, str) and MARKUP.search(value):
                self.add_error(name, _("Write plain text: remove the markup (such as <…> tags or scripts)."))
        return cleaned


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's form, but the e-mail goes by a task: the answer takes as long whether the address
    belongs to someone or not (no user enumeration), and a slow mail server keeps nobody waiting.
    Django's `get_users` already leaves out inactive users and those without a usable password
    (people who log in through OpenID Connect): they get no e-mail."""

    def save(self, **kwargs) -> int:
        language = get_language() or settings.LANGUAGE_CODE
        queued = 0
        for user in self.get_users(self.cleaned_data["email"]):
            try:
                password_reset_email_task.delay(user.pk, language)
            except Exception:  # noqa: BLE001 - the broker is down: the answer must not differ
                logger.exception("Password reset e-mail for user %s could not be queued", user.pk)
                continue
            queued += 1
        return queued


class OrganisationSettingsForm(forms.Form):
    language_form = forms.ChoiceField(
        label=_("Language form"), choices=LanguageForm.choices,
        help_text=_("The form your organisation has chosen under the language act. Letters and e-mails from the "
                    "County Governor are written in it; if you are neutral, the County Governor chooses."),
    )


# --- labels for inputs Django's admin leaves unlabelled (WCAG 1.3.1, 4.1.2; axe's "label") -----------

def label_split_datetime_inputs(form) -> None:
    """A date and time field renders two inputs under one label, which points at neither: name each
    ("Opens, date" and "Opens, time") so a screen reader says which is which."""
    for field in form.fields.values():
        if isinstance(field.widget, forms.SplitDateTimeWidget):
            date, time = field.widget.widgets
            date.attrs["aria-label"] = _("%(field)s, date") % {"field": capfirst(field.label)}
            time.attrs["aria-label"] = _("%(field)s, time") % {"field": capfirst(field.label)}


def label_row_inputs(form, index: int | None) -> None:
    """A row of a table of forms (an admin inline) has its labels in the column headings only: name
    each input by its column and row ("Weight, row 3")."""
    for field in form.fields.values():
        label = capfirst(field.label or "")
        field.widget.attrs["aria-label"] = label if index is None else _("%(field)s, row %(row)d") % {
            "field": label, "row": index + 1}
