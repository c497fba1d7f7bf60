"""Refusals of the report's services; views show `str(error)` to the user."""

from portal.exceptions import ServiceError


class ReportError(ServiceError):
    """A write to a report was refused; the message is for the user."""
