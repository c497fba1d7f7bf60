"""Validators for Norwegian public identifiers. Messages are translated; values are never guessed."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ORGANISATION_NUMBER_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)


def is_ascii_number(value) -> bool:
    """Digits 0-9 only. str.isdigit() also says yes to "³" and "١٢", which int() refuses or reads as
    other numbers: every identifier and id from a request is checked with this."""
    return isinstance(value, str) and value.isascii() and value.isdigit()


def organisation_number_check_digit(first_eight: str) -> int | None:
    """MOD11 check digit of the Brønnøysund register, or None when no valid digit exists."""
    total = sum(int(d) * w for d, w in zip(first_eight, ORGANISATION_NUMBER_WEIGHTS, strict=True))
    remainder = total % 11
    if remainder == 0:
        return 0
    if remainder == 1:
        return None
    return 11 - remainder


def normalise_organisation_number(value: str) -> str:
    return "".join(str(value).split())


def validate_organisation_number(value: str) -> None:
    digits = normalise_organisation_number(value)
    if len(digits) != 9 or not is_ascii_number(digits):
        raise ValidationError(_("An organisation number has exactly 9 digits."), code="organisation_number_length")
    if organisation_number_check_digit(digits[:8]) != int(digits[8]):
        raise ValidationError(
            _("%(value)s is not a valid organisation number (the check digit does not match)."),
            code="organisation_number_checksum",
            params={"value": digits},
        )


def format_organisation_number(value: str) -> str:
    """'964983380' -> '964 983 380'."""
    digits = normalise_organisation_number(value or "")
    if len(digits) != 9:
        return value or ""
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"


def validate_municipality_number(value: str) -> None:
    if not (is_ascii_number(value) and len(value) == 4):
        raise ValidationError(_("A municipality number has exactly 4 digits, for example 1804."), code="municipality_number")


def validate_county_number(value: str) -> None:
    if not (is_ascii_number(value) and len(value) == 2):
        raise ValidationError(_("A county number has exactly 2 digits, for example 18."), code="county_number")
