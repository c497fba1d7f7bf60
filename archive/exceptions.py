from portal.exceptions import ServiceError


class ArchiveError(ServiceError):
    """The archive refused, with the reason in the user's language."""


class ArchiveNotReady(Exception):  # noqa: N818 - a state, not a failure: the task tries again later
    """A document the copy files as stored is not there yet (the receipt's task has not run, the
    storage did not answer): the copy is made when it is, by a retry or the catch-up."""
