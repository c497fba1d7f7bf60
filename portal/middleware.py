"""How long a login lasts: it ends after SESSION_IDLE_TIMEOUT without a request, and after
SESSION_COOKIE_AGE whatever happens (a session saved now and then would otherwise live for ever,
since each save moves its expiry on).

The session holds when the user logged in and when they were last seen. "Last seen" is written at
most once per SESSION_ACTIVITY_RESOLUTION, so most page views write nothing: the session is read
from the cache and not saved. The price is that "last seen" may be up to that resolution older than
the last request; the idle limit allows for it, so nobody is logged out before SESSION_IDLE_TIMEOUT
of real inactivity (and everybody by that plus the resolution).
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.utils.cache import patch_cache_control
from django.utils.translation import ngettext

LOGGED_IN_AT = "_portal_logged_in_at"
LAST_SEEN_AT = "_portal_last_seen_at"


def session_mark_login(sender, request, user, **kwargs):
    """user_logged_in: the login's clock starts (connected in PortalConfig.ready)."""
    if request is None or not hasattr(request, "session"):
        return
    now = int(time.time())
    request.session[LOGGED_IN_AT] = now
    request.session[LAST_SEEN_AT] = now


def idle_message(seconds: int) -> str:
    minutes = seconds // 60
    return ngettext("You were logged out after %(minutes)d minute without activity.",
                    "You were logged out after %(minutes)d minutes without activity.", minutes) % {"minutes": minutes}


def absolute_message(seconds: int) -> str:
    hours = max(seconds // 3600, 1)
    return ngettext("You were logged out because a login lasts at most %(hours)d hour. Please log in again.",
                    "You were logged out because a login lasts at most %(hours)d hours. Please log in again.",
                    hours) % {"hours": hours}


class SessionExpiryMiddleware:
    """After AuthenticationMiddleware and MessageMiddleware. Anonymous requests are not touched (no
    session is made for them); a logged-in one costs nothing but, now and then, one session save."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(tuple(settings.SESSIONLESS_PATHS)):
            return self.get_response(request)  # public documents: the session is not even read
        session = request.session
        if SESSION_KEY not in session:
            return self.get_response(request)
        now = int(time.time())
        logged_in_at = session.get(LOGGED_IN_AT)
        last_seen_at = session.get(LAST_SEEN_AT)
        if logged_in_at is None or last_seen_at is None:
            # a session from before these limits: its clock starts now
            session[LOGGED_IN_AT] = session[LAST_SEEN_AT] = now
        elif now - logged_in_at > settings.SESSION_COOKIE_AGE:
            return self._end(request, absolute_message(settings.SESSION_COOKIE_AGE))
        elif now - last_seen_at > settings.SESSION_IDLE_TIMEOUT + settings.SESSION_ACTIVITY_RESOLUTION:
            return self._end(request, idle_message(settings.SESSION_IDLE_TIMEOUT))
        elif now - last_seen_at >= settings.SESSION_ACTIVITY_RESOLUTION:
            session[LAST_SEEN_AT] = now
        return self.get_response(request)

    @staticmethod
    def _end(request, message: str):
        """Log out and send the user to the login page, which says why; after logging in again they
        come back to the page they asked for (a GET; a form they sent is not sent again)."""
        logout(request)
        messages.warning(request, message)
        if request.method == "GET":
            return redirect_to_login(request.get_full_path())
        return redirect(settings.LOGIN_URL)


class PublicDocumentMiddleware:
    """Outermost but for security and static files. A view marks a response `public_document = True`
    when it is the same for everyone (open data): it then varies on nothing the middleware below
    added for pages (the session cookie, the language), so a shared cache keeps one copy; and should
    it ever set a cookie, it is made private, so no cache hands one person's cookie to another."""

    PER_PERSON = {"cookie", "accept-language"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not getattr(response, "public_document", False):
            return response
        if response.has_header("Vary"):
            kept = [v.strip() for v in response["Vary"].split(",") if v.strip().lower() not in self.PER_PERSON]
            if kept:
                response["Vary"] = ", ".join(kept)
            else:
                del response["Vary"]
        if response.cookies:
            patch_cache_control(response, private=True)
            cache_control = [d for d in response["Cache-Control"].split(", ") if d != "public"]
            response["Cache-Control"] = ", ".join(cache_control)
        return response
