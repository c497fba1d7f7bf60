from django import forms
from django.utils.translation import gettext_lazy as _

from portal.forms import MARKUP
from portal.models import Role


def _role_choices(roles):
    return [(role, Role(role).label) for role in roles]


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254,
                             help_text=_("The invitation is sent to this address and works only for it."),
                             widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    role = forms.ChoiceField(label=_("Role"), widget=forms.RadioSelect)

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = _role_choices(roles)
        if len(roles) == 1:
            self.fields["role"].initial = roles[0]


class RoleChangeForm(forms.Form):
    role = forms.ChoiceField(label=_("New role"))

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = _role_choices(roles)


class InvitedPasswordForm(forms.Form):
    """Where passwords are enabled: the invited person chooses a password (the address is the invitation's)."""

    full_name = forms.CharField(label=_("Full name"), max_length=200,
                                widget=forms.TextInput(attrs={"autocomplete": "name"}))
    password1 = forms.CharField(label=_("Password"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=_("Password again"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean_full_name(self):
        name = self.cleaned_data["full_name"].strip()
        if MARKUP.search(name):
            raise forms.ValidationError(_("Write plain text: remove the markup (such as <…> tags or scripts)."))
        return name

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") and cleaned.get("password2") and cleaned["password1"] != cleaned["password2"]:
            self.add_error("password2", _("The two passwords are not the same."))
        return cleaned
