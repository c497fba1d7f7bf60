"""Content that lives in the database in bokmål, with optional nynorsk and English versions.

Source strings in code are English and go through gettext; *content* entered by administrators
(the scheme's goals, a round's description) is stored per language form in `<field>`, `<field>_nn`
and `<field>_en`, and shown in the reader's language with bokmål as the fallback.
"""

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
