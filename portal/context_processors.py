import functools

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.text import capfirst
from django.utils.translation import get_language_info

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


# The links of every page's header and footer: {key in the template: URL name}.
SITE_LINKS = {
    "home": "portal:home", "rounds": "schemes:round_list", "applications": "applications:mine",
    "casework": "office:rounds", "people": "people:index", "dashboard": "portal:dashboard",
    "notifications": "portal:notifications", "login": "login", "logout": "logout",
    "set_language": "set_language", "open_data": "opendata:documentation",
}


def site(request) -> dict:
    """What the frame of every page (templates/base.html) shows the same way to everyone: its links
    and the languages to switch between. Worked out once per process (and URL prefix), not once per
    page: ten `{% url %}` tags and the language list were a third of the frame's rendering (issue 13)."""
    return {"site_links": _site_links(get_script_prefix(), get_urlconf()), "site_languages": _site_languages()}


@functools.lru_cache(maxsize=16)
def _site_links(prefix: str, urlconf) -> dict[str, str]:
    return {key: reverse(name, urlconf=urlconf) for key, name in SITE_LINKS.items()}


@functools.lru_cache(maxsize=1)
def _site_languages() -> tuple[tuple[str, str], ...]:
    """(code, the language's name in itself) for each of LANGUAGES, as the switcher labels its buttons."""
    return tuple((code, capfirst(get_language_info(code)["name_local"])) for code, _name in settings.LANGUAGES)
