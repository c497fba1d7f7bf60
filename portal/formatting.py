"""The facts a caseworker reads most, written the Norwegian way: deadlines, kroner, organisation
numbers and dates. Services, e-mails and PDFs call these; templates use them as filters
(`portal_tags`)."""

import datetime as dt
import functools
from collections.abc import Callable

from django.utils import timezone, translation
from django.utils.formats import date_format, get_format, number_format
from django.utils.translation import gettext as _

from .validators import format_organisation_number


def deadline_text(value: dt.datetime | None) -> str:
    """An aware datetime as the seed writes it: '20.02.2020 kl. 23:59' (in the current time zone)."""
    return deadline_formatter()(value)


def deadline_formatter() -> Callable[[dt.datetime | None], str]:
    """`deadline_text` with the language and time zone of now looked up once: for a page that writes
    a deadline on each of many rows (each lookup reads the request's thread-local state)."""
    sentence, zone = _("%(date)s at %(time)s"), timezone.get_current_timezone()

    def deadline(value: dt.datetime | None) -> str:
        if not value:
            return ""
        local = timezone.localtime(value, zone)
        return sentence % {"date": local.strftime("%d.%m.%Y"), "time": local.strftime("%H:%M")}

    return deadline


@functools.lru_cache(maxsize=16)
def _kroner_format(language: str | None) -> tuple[str, str, bool]:
    """The kroner sentence and thousands separator of `language`, and whether it groups by three
    (every language of the portal does), looked up once per process: a board or a receipt writes
    hundreds of amounts, and Django's number_format asks the format modules again for each."""
    with translation.override(language):
        return (str(_("%(amount)s kr")), str(get_format("THOUSAND_SEPARATOR")),
                get_format("NUMBER_GROUPING") == 3)


def kroner(value) -> str:
    """Whole kroner with grouping: '1 500 000 kr' (bokmål/nynorsk), 'NOK 1,500,000' (English)."""
    return kroner_formatter()(value)


def kroner_formatter() -> Callable[[object], str]:
    """`kroner` in the language of now, looked up once: for a page that writes many amounts."""
    return _kroner_in(translation.get_language())


@functools.lru_cache(maxsize=16)
def _kroner_in(language: str | None) -> Callable[[object], str]:
    sentence, separator, by_three = _kroner_format(language)

    def kroner_(value) -> str:
        if value is None or value == "":
            return ""
        amount = int(value)
        if not by_three:
            with translation.override(language):
                return sentence % {"amount": number_format(amount, force_grouping=True)}
        grouped = f"{abs(amount):,}".replace(",", separator)
        return sentence % {"amount": f"-{grouped}" if amount < 0 else grouped}

    return kroner_


def local_date(value) -> str:
    """A date, or an aware datetime's local date, as 20.02.2020."""
    if not value:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value)
    return date_format(value, "d.m.Y")


__all__ = ["deadline_text", "format_organisation_number", "kroner", "local_date"]
