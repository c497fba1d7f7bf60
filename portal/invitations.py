"""What the login does with a person the portal does not know yet.

An OpenID Connect login (`portal.oidc`) matches a person by the provider's subject only. When no
portal user has that subject, the login asks the handlers registered here whether the person is
expected: the people app (above the core) registers one in its `AppConfig.ready()` that answers
with the user an invitation is for, when the browser holds a valid invitation. With no handler, or
when every handler answers None, the login is refused."""

from collections.abc import Callable

# handler(request, provider, claims) -> a User, or None when it does not know the person
Handler = Callable[..., object]

_handlers: list[Handler] = []


def register_unknown_subject_handler(handler: Handler) -> None:
    """Called from AppConfig.ready(); registering the same handler again does nothing."""
    if handler not in _handlers:
        _handlers.append(handler)


def user_for_unknown_subject(request, provider: str, claims: dict):
    """The user a registered handler links this unknown (provider, subject) to, or None."""
    for handler in _handlers:
        user = handler(request, provider, claims)
        if user is not None:
            return user
    return None
