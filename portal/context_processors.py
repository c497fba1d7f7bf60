from django.conf import settings

from .models import Role
from .permissions import is_office_staff
from .selectors import affiliations_for_user, unread_count


def enums(request) -> dict:
    """The core's enums in every template, so templates compare with `Role.OFFICE_ADMIN`, never
    with a string literal."""
    return {"Role": Role}


def affiliation(request):
    """The organisation or office the logged-in user acts for, shown in the header on every page,
    whether the user works at a County Governor office (the menu then links to its casework), and
    how many of the user's notifications are unread (all three from what the request read with the
    user: `portal.selectors.request_user_get`)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"user_affiliations": [], "is_office_staff": False, "notifications_unread": 0}
    return {"user_affiliations": affiliations_for_user(user=user),
            "is_office_staff": is_office_staff(user),
            "notifications_unread": unread_count(user=user)}


def login(request) -> dict:
    """Whether password login (and so "Forgot your password?") is offered: settings.PASSWORD_LOGIN_ENABLED."""
    return {"password_login_enabled": settings.PASSWORD_LOGIN_ENABLED}
