"""Who an unknown subject is: filled in by the invitation feature."""

from django.http import HttpRequest

from .models import IdentityProvider, User


def user_for_unknown_subject(request: HttpRequest, provider: IdentityProvider, claims: dict) -> User | None:
    """The user a person logging in with a subject the portal does not know yet should become, or None.

    Filled in by the invitation feature (an invited person's first login links their subject to the
    user the invitation made). Until then nobody unknown gets in."""
    return None
