from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import Office


class NationalFilterForm(forms.Form):
    """The national dashboard's filters, sent as GET. A value that makes no sense is shown at its
    field and ignored (the year falls back to the newest year with a round)."""

    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    office = forms.ModelChoiceField(label=_("Office"), required=False, queryset=Office.objects.order_by("name"),
                                    empty_label=_("All offices"))

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.default_year = years[0] if years else timezone.localdate().year
        self.fields["year"].choices = [(year, str(year)) for year in years or [self.default_year]]

    def filters(self) -> dict:
        """Keyword arguments for `selectors.national_dashboard`, from the fields that are valid."""
        data = {}
        if self.is_bound:
            self.is_valid()
            data = self.cleaned_data
        return {"year": data.get("year") or self.default_year, "office": data.get("office")}
