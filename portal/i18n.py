"""Content that lives in the database in bokmål, with optional nynorsk and English versions.

Source strings in code are English and go through gettext; *content* entered by administrators
(the scheme's goals, a round's description) is stored per language form in `<field>`, `<field>_nn`
and `<field>_en`, and shown in the reader's language with bokmål as the fallback.
"""

import functools

from django.utils.translation import get_language


def localized(obj, field: str) -> str:
    language = (get_language() or "nb")[:2]
    if language in ("nn", "en"):
        value = getattr(obj, f"{field}_{language}", "")
        if value:
            return value
    return getattr(obj, field)


class LocalizedContentMixin:
    def localized(self, field: str) -> str:
        return localized(self, field)


@functools.cache
def _choice_labels(field, language: str | None) -> dict:
    """{value: label as text} of a field's choices in one language: built once per field and language."""
    labels = {}
    for value, label in field.flatchoices:
        try:
            labels[value] = str(label)
        except TypeError:  # an unhashable value: left to Django
            continue
    return labels


class ChoiceLabelsMixin:
    """`get_<field>_display()` from a per-language table of the field's labels. Django's own builds a
    dict of every choice on each call, hashing each lazy label (a gettext apiece): on a list of 52
    applications that is a thousand gettext calls for one column. Same result: the label of the value
    in the active language, the value itself when it is not a choice."""

    def _get_FIELD_display(self, field):
        value = getattr(self, field.attname)
        try:
            return _choice_labels(field, get_language())[value]
        except (KeyError, TypeError):
            return super()._get_FIELD_display(field)


def choice_labels(model, field_name: str) -> dict:
    """{value: label as text} of a model field's choices in the active language (what
    `get_<field>_display()` shows), for a page that writes the label of many rows."""
    return _choice_labels(model._meta.get_field(field_name), get_language())
