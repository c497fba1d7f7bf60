from portal.permissions import is_national_admin, roles_held

from .rules import GIVES


def menu(request) -> dict:
    """Whether the menu links to the people pages: for those whose roles give roles (no query: the
    user's roles are read once per request by `portal.permissions`)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"manages_people": False}
    return {"manages_people": is_national_admin(user) or bool(roles_held(user) & set(GIVES))}
