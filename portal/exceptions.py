"""Refusals every app's services raise, and views turn into a message for the user."""

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _


class ServiceError(Exception):
    """A write was refused; `str(error)` says why, for the user, in their language. Each app's own
    refusals (`applications.exceptions.ApplicationError`, ...) are kinds of it."""


class TransitionError(ServiceError):
    """A status transition is not allowed now (see `portal.workflow`)."""


@dataclass
class StaleEdit(ServiceError):
    """Someone saved the same thing after the user's page was opened. Nothing was written; what
    changed meanwhile is in `changes` as (field label, was, is now)."""

    changes: list[tuple[str, str, str]] = field(default_factory=list)
    changed_by: str = ""
    changed_at: dt.datetime | None = None
    current_version: int = 0
    removed: bool = False

    def __str__(self):
        if self.removed:
            return _("Someone removed this line after you opened the page. Your text is kept below.")
        return _("Someone else saved this section after you opened it. Nothing was overwritten: "
                 "compare the changes, then save again.")
