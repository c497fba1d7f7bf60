"""`{% form_key %}`: the idempotency key of a POST form (see `portal.idempotency`). A builtin (the
TEMPLATES setting), so a form needs no `{% load %}`; put it next to `{% csrf_token %}`."""

import uuid

from django import template
from django.utils.html import format_html

from portal.idempotency import FIELD

register = template.Library()


@register.simple_tag
def form_key():
    """A hidden field with a fresh key: each rendering of the page is a new sending of the form."""
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, uuid.uuid4())
