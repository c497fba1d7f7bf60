"""Filters for the facts a caseworker reads most: deadlines, kroner and organisation numbers."""

from django import template
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from portal.validators import format_organisation_number

register = template.Library()


@register.filter
def deadline(value):
    """An aware datetime as the seed writes it: '20.02.2020 kl. 23:59' (Europe/Oslo)."""
    if not value:
        return ""
    local = timezone.localtime(value)
    return _("%(date)s at %(time)s") % {
        "date": local.strftime("%d.%m.%Y"),
        "time": local.strftime("%H:%M"),
    }


@register.filter
def kroner(value):
    """Whole kroner with grouping: '1 500 000 kr' (bokmål/nynorsk), 'NOK 1,500,000' (English)."""
    if value is None or value == "":
        return ""
    return _("%(amount)s kr") % {"amount": number_format(int(value), force_grouping=True)}


@register.filter
def orgnr(value):
    return format_organisation_number(value)


@register.filter
def local_date(value):
    if not value:
        return ""
    if hasattr(value, "tzinfo"):
        value = timezone.localtime(value)
    return date_format(value, "d.m.Y")


@register.filter
def localized(obj, field):
    """`{{ scheme|localized:"main_goal" }}`: the content in the reader's language form, bokmål as fallback."""
    from portal.i18n import localized as _localized

    return _localized(obj, field)
