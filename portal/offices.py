"""What a County Governor office is called, by year: Fylkesmannen until 2020, Statsforvalteren (in
nynorsk Statsforvaltaren) from 1 January 2021. One rule, asked wherever an office is named in the
context of a round: its pages, its letters and its e-mails (`schemes.models.Round.office_title`)."""

import re

from django.utils.translation import get_language

FIRST_YEAR_AS_STATSFORVALTER = 2021

# The reference data stores each office under its 2020 name; an office may also be stored under its
# new one. The area ("Nordland", "Oslo og Viken") is the name without the title.
_TITLE = re.compile(r"^(Fylkesmannen|Statsforvalteren|Statsforvaltaren) i ", re.IGNORECASE)


def office_area(office) -> str:
    """'Nordland' for 'Fylkesmannen i Nordland'; '' when the stored name has no known title."""
    match = _TITLE.match(office.name)
    return office.name[match.end():] if match else ""


def office_title(office, year: int, *, language: str | None = None) -> str:
    """The office's name as it was in `year`, in `language` (default: the active one).

    'Fylkesmannen i Nordland' until 2020, 'Statsforvalteren i Nordland' (nynorsk 'Statsforvaltaren i
    Nordland') from 2021. In English the office is 'The County Governor of …' in every year (its stored
    English name). A name without a known title is shown as stored."""
    language = (language or get_language() or "nb")[:2]
    if language == "en" and office.name_en:
        return office.name_en
    area = office_area(office)
    if not area:
        return office.name
    if year < FIRST_YEAR_AS_STATSFORVALTER:
        return f"Fylkesmannen i {area}"
    return f"Statsforvaltaren i {area}" if language == "nn" else f"Statsforvalteren i {area}"
