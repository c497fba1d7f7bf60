"""Refusals of the scheme's services; the admin shows `str(error)` to the user."""

from portal.exceptions import ServiceError


class RoundCopyError(ServiceError):
    """A round could not be copied to next year (the office already has one)."""
