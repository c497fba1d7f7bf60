"""The one rule for which language form the portal writes to an organisation in (språklova § 14)."""

import pytest

from portal.language_forms import written_language_form
from portal.models import LanguageForm, Office, Organisation


@pytest.mark.parametrize("organisation_form, office_choice, written", [
    (LanguageForm.BOKMAL, LanguageForm.NYNORSK, "nb"),
    (LanguageForm.NYNORSK, LanguageForm.BOKMAL, "nn"),
    (LanguageForm.NEUTRAL, LanguageForm.BOKMAL, "nb"),
    (LanguageForm.NEUTRAL, LanguageForm.NYNORSK, "nn"),
])
def test_an_organisation_is_written_to_in_its_form_a_neutral_one_in_the_offices_choice(
        organisation_form, office_choice, written):
    organisation = Organisation(language_form=organisation_form)
    assert written_language_form(organisation, Office(neutral_language_form=office_choice)) == written


def test_a_neutral_organisation_without_an_office_gets_bokmal():
    assert written_language_form(Organisation(language_form=LanguageForm.NEUTRAL), None) == "nb"
