"""Refusals of the office's services; views show `str(error)` to the user."""

from portal.exceptions import ServiceError


class CaseworkError(ServiceError):
    """An assessment, decision, appeal or board write was refused; the message is for the user."""
