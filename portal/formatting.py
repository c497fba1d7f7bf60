"""The facts a caseworker reads most, written the Norwegian way: deadlines, kroner, organisation
numbers and dates. Services, e-mails and PDFs call these; templates use them as filters
(`portal_tags`)."""

import datetime as dt

from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from .validators import format_organisation_number


def deadline_text(value: dt.datetime | None) -> str:
    """An aware datetime as the seed writes it: '20.02.2020 kl. 23:59' (in the current time zone)."""
    if not value:
        return ""
    local = timezone.localtime(value)
    return _("%(date)s at %(time)s") % {"date": local.strftime("%d.%m.%Y"), "time": local.strftime("%H:%M")}


def kroner(value) -> str:
    """Whole kroner with grouping: '1 500 000 kr' (bokmål/nynorsk), 'NOK 1,500,000' (English)."""
    if value is None or value == "":
        return ""
    return _("%(amount)s kr") % {"amount": number_format(int(value), force_grouping=True)}


def local_date(value) -> str:
    """A date, or an aware datetime's local date, as 20.02.2020."""
    if not value:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value)
    return date_format(value, "d.m.Y")


__all__ = ["deadline_text", "format_organisation_number", "kroner", "local_date"]
