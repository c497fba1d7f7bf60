"""The office is named as in the round's year: Fylkesmannen until 2020, Statsforvalteren from 2021
(Statsforvaltaren in nynorsk); in English the County Governor in every year."""

import pytest

from portal.models import Office
from portal.offices import office_title

NORDLAND = Office(name="Fylkesmannen i Nordland", name_en="The County Governor of Nordland")


@pytest.mark.parametrize("year,language,title", [
    (2019, "nb", "Fylkesmannen i Nordland"),
    (2020, "nb", "Fylkesmannen i Nordland"),
    (2020, "nn", "Fylkesmannen i Nordland"),
    (2021, "nb", "Statsforvalteren i Nordland"),
    (2021, "nn", "Statsforvaltaren i Nordland"),
    (2026, "nb", "Statsforvalteren i Nordland"),
    (2020, "en", "The County Governor of Nordland"),
    (2026, "en", "The County Governor of Nordland"),
])
def test_the_office_is_named_as_in_the_year(year, language, title):
    assert office_title(NORDLAND, year, language=language) == title


def test_an_office_stored_under_its_new_name_is_fylkesmannen_before_2021():
    office = Office(name="Statsforvalteren i Oslo og Viken", name_en="")
    assert office_title(office, 2020, language="nb") == "Fylkesmannen i Oslo og Viken"
    assert office_title(office, 2021, language="en") == "Statsforvalteren i Oslo og Viken"


def test_a_name_without_a_known_title_is_shown_as_stored():
    assert office_title(Office(name="Sysselmesteren på Svalbard"), 2026, language="nb") == "Sysselmesteren på Svalbard"
