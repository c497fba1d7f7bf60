"""Refusals of the application's services; views show `str(error)` to the user."""

from portal.exceptions import ServiceError, StaleEdit, TransitionError

__all__ = ["ApplicationError", "LineRuleError", "StaleEdit", "TransitionError"]


class ApplicationError(ServiceError):
    """A write to the application was refused; the message is for the user."""


class LineRuleError(ApplicationError):
    """A line breaks a rule of the scheme; `errors` maps field names to messages for the form."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__(" ".join(str(m) for m in errors.values()))
