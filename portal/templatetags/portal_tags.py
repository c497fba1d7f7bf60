"""Filters for the facts a caseworker reads most: deadlines, kroner and organisation numbers
(written by `portal.formatting`), and administrators' content in the reader's language form."""

from django import template

from portal import formatting
from portal.i18n import localized as localized_content

register = template.Library()

register.filter("deadline", formatting.deadline_text)
register.filter("kroner", formatting.kroner)
register.filter("orgnr", formatting.format_organisation_number)
register.filter("local_date", formatting.local_date)


@register.filter
def localized(obj, field):
    """`{{ scheme|localized:"main_goal" }}`: the content in the reader's language form, bokmål as fallback."""
    return localized_content(obj, field)
