"""The errors of the core: refusals every app's services raise (views turn them into a message for
the user), an e-mail certainly not sent, and broken reference data files."""

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _


class EmailNotSent(Exception):
    """An e-mail was certainly not sent (its claim is recorded as failed): the caller's task may
    retry it (see portal.mail)."""


class ReferenceDataError(Exception):
    """The files are broken; `problems` lists each one as 'file, line N: what'."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


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
