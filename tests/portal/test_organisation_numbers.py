"""Properties of the organisation number rule (Brønnøysund's MOD11, weights 3 2 7 6 5 4 3 2), for
every number hypothesis can think of, not only the examples in test_validators.py."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from portal.validators import (
    format_organisation_number,
    normalise_organisation_number,
    organisation_number_check_digit,
    validate_organisation_number,
)

eight_digits = st.text(alphabet="0123456789", min_size=8, max_size=8)


def valid(first_eight: str) -> str | None:
    digit = organisation_number_check_digit(first_eight)
    return None if digit is None else first_eight + str(digit)


@given(eight_digits)
def test_the_check_digit_makes_the_weighted_sum_divisible_by_11(first_eight):
    number = valid(first_eight)
    weights = (3, 2, 7, 6, 5, 4, 3, 2, 1)
    if number is None:  # no digit works: remainder 1 (the register never issues these)
        assert sum(int(d) * w for d, w in zip(first_eight, weights)) % 11 == 1
    else:
        assert sum(int(d) * w for d, w in zip(number, weights)) % 11 == 0
        validate_organisation_number(number)  # and the validator accepts it


@given(eight_digits, st.integers(min_value=0, max_value=8), st.integers(min_value=1, max_value=9))
def test_every_single_mistyped_digit_is_caught(first_eight, position, change):
    number = valid(first_eight)
    if number is None:
        return
    mistyped = number[:position] + str((int(number[position]) + change) % 10) + number[position + 1:]
    with pytest.raises(ValidationError):
        validate_organisation_number(mistyped)


@given(eight_digits)
def test_spaces_are_only_for_reading(first_eight):
    number = valid(first_eight)
    if number is None:
        return
    shown = format_organisation_number(number)
    assert shown == f"{number[:3]} {number[3:6]} {number[6:]}"
    assert normalise_organisation_number(shown) == number
    validate_organisation_number(shown)


@given(st.text(alphabet="0123456789 ", max_size=12))
def test_anything_but_nine_digits_is_refused_with_a_message(text):
    if len(normalise_organisation_number(text)) == 9:
        return
    with pytest.raises(ValidationError) as refused:
        validate_organisation_number(text)
    assert refused.value.messages
