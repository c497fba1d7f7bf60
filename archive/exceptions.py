from portal.exceptions import ServiceError


class ArchiveError(ServiceError):
    """The archive refused, with the reason in the user's language."""
