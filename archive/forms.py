from django import forms
from django.utils.translation import gettext_lazy as _

from .services import REASON_MAX_LENGTH


class NewVersionForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is a new version needed?"), max_length=REASON_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept with the new version. The earlier versions are kept too."),
        error_messages={"required": _("Say why a new version of the archive copy is needed.")},
    )
