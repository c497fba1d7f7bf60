"""The organisation and municipality number rules, on the real numbers of 2020 and on typing mistakes
(their properties for every number: test_organisation_numbers.py)."""

import csv

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from portal.reference_data import DATA_DIR
from portal.validators import (
    format_organisation_number,
    organisation_number_check_digit,
    validate_municipality_number,
    validate_organisation_number,
)


def municipality_rows():
    with (DATA_DIR / "municipalities-2020.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_every_municipality_of_2020_has_a_valid_organisation_number():
    rows = municipality_rows()
    assert len(rows) == 356
    for row in rows:
        validate_organisation_number(row["organisation_number"])


@pytest.mark.parametrize("row", municipality_rows()[::37], ids=lambda r: r["municipality_name"])
def test_a_wrong_check_digit_is_refused_for_real_numbers(row):
    number = row["organisation_number"]
    wrong = number[:8] + str((int(number[8]) + 1) % 10)
    with pytest.raises(ValidationError) as error:
        validate_organisation_number(wrong)
    assert error.value.error_list[0].code == "organisation_number_checksum"


@pytest.mark.parametrize("value", ["96498338", "9649833801", "96498338A", "", "964-983-380",
                                   "96498338³", "٩٦٤٩٨٣٣٨٠"])  # digits to str.isdigit(), not to int()
def test_organisation_numbers_that_are_not_nine_digits_are_refused(value):
    with pytest.raises(ValidationError) as error:
        validate_organisation_number(value)
    assert error.value.error_list[0].code == "organisation_number_length"


def test_remainder_one_has_no_valid_check_digit():
    # a first eight digits whose weighted sum leaves remainder 1: no ninth digit makes a valid number
    prefix = next(f"{n:08d}" for n in range(10_000_000, 10_100_000) if organisation_number_check_digit(f"{n:08d}") is None)
    for digit in range(10):
        with pytest.raises(ValidationError):
            validate_organisation_number(prefix + str(digit))


def test_spaces_are_allowed_when_typing_and_the_number_is_shown_grouped():
    validate_organisation_number("964 983 380")
    assert format_organisation_number("964983380") == "964 983 380"


def test_the_message_is_in_the_users_language():
    with translation.override("nb"):
        with pytest.raises(ValidationError) as error:
            validate_organisation_number("964983381")
        assert "organisasjonsnummer" in error.value.messages[0]  # lazy text: read it in bokmål


@pytest.mark.parametrize("value", ["1804", "0301"])
def test_municipality_numbers_have_four_digits(value):
    validate_municipality_number(value)


@pytest.mark.parametrize("value", ["180", "18044", "18a4", "", "180³", "١٨٠٤", None, 1804])
def test_municipality_numbers_that_are_not_four_digits_are_refused(value):
    with pytest.raises(ValidationError):
        validate_municipality_number(value)
