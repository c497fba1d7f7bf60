"""portal.forms.InlineOptionsSelect renders exactly what Django's Select renders, in one template."""

import pytest
from django import forms
from django.utils import translation

from casework.forms import RoundFilterForm
from portal.forms import InlineOptionsSelect

CHOICES = [("", "All"), (1, "Bø"), (2, "Å & Ø <i>"), ("3", 'Sa "quoted"'),
           ("Group", [("g1", "In a group"), ("g2", "Also")])]


@pytest.mark.parametrize("value", [None, "", 1, "2", "g2", ["1", "g1"]])
@pytest.mark.parametrize("multiple", [False, True])
def test_the_same_html_as_djangos_select(value, multiple):
    attrs = {"id": "id_x", "class": "form-select is-invalid", "aria-describedby": "x_error", "required": True,
             "disabled": False}
    django_widget, ours = forms.Select(attrs=attrs, choices=CHOICES), InlineOptionsSelect(attrs=attrs, choices=CHOICES)
    if multiple:
        django_widget.allow_multiple_selected = ours.allow_multiple_selected = True
    expected = django_widget.render("x", value)
    assert ours.render("x", value) == expected
    assert "<optgroup" in expected and "&lt;i&gt;" in expected  # the cases are exercised


def test_the_lists_filter_renders_as_before_in_norwegian():
    form = RoundFilterForm({"organisation": "2", "sort": "score"}, organisations=[(1, "Bø"), (2, "Ås")])
    with translation.override("nb"):
        for name in ("status", "organisation", "mental_health", "plan", "sort"):
            field = form[name]
            assert isinstance(field.field.widget, InlineOptionsSelect)
            django_widget = forms.Select(choices=field.field.choices)
            assert field.field.widget.render(name, field.value()) == django_widget.render(name, field.value())


def test_crispy_renders_the_filter_as_the_select_it_was():
    """crispy adds the widget's class name as a CSS class: the fast select keeps "select"."""
    from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field

    class AsBefore(RoundFilterForm):
        organisation = forms.TypedChoiceField(label=RoundFilterForm.base_fields["organisation"].label,
                                              required=False, coerce=int, empty_value=None)

    organisations = [(1, "Bø"), (2, "Ås")]
    ours = as_crispy_field(RoundFilterForm({"organisation": "2"}, organisations=organisations)["organisation"])
    before = as_crispy_field(AsBefore({"organisation": "2"}, organisations=organisations)["organisation"])
    assert ours == before
    assert 'class="select form-select"' in ours and "selected" in ours
