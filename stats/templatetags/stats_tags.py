"""How a dashboard's cell reads (`statistics.tables`): kroner, a share, a multiple, a count, text."""

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from portal.formatting import kroner

from ..tables import Kroner, Share, Times

register = template.Library()


@register.filter
def cell(value) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, Kroner):
        return kroner(value)
    if isinstance(value, Share):
        return _("%(share)s %%") % {"share": number_format(value, 1)}
    if isinstance(value, Times):
        return _("%(times)s ×") % {"times": number_format(value, 1)}
    return str(value)


@register.filter
def is_number(value) -> bool:
    return isinstance(value, int | Share | Times) or value is None
