"""Refusals of the people services; views show `str(error)` to the user."""

from portal.exceptions import ServiceError


class PeopleError(ServiceError):
    """An invitation, role change, removal or deactivation was refused; the message is for the user."""
