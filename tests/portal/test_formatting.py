"""Kroner are written with the reader's language's sentence and separator; `kroner` keeps these per
language once per process (a board writes hundreds of amounts), and must write exactly what
Django's own number formatting writes, in every language and none."""

from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from hypothesis import given
from hypothesis import strategies as st

from portal.formatting import kroner


def as_django_writes_it(value) -> str:
    return _("%(amount)s kr") % {"amount": number_format(int(value), force_grouping=True)}


@given(amount=st.integers(min_value=-10**15, max_value=10**15), language=st.sampled_from(["nb", "nn", "en", None]))
def test_kroner_are_written_as_django_formats_them_in_each_language(amount, language):
    with translation.override(language):
        assert kroner(amount) == as_django_writes_it(amount)


def test_kroner_follow_the_language_of_the_moment():
    with translation.override("nb"):
        assert kroner(1_500_000) == "1\xa0500\xa0000 kr"
        with translation.override("en"):
            assert kroner(1_500_000) == "NOK 1,500,000"
        assert kroner("-2500") == "-2\xa0500 kr"
    assert kroner(None) == kroner("") == ""
