"""Protection of the password login (django-axes): who the client is, which attempts count, and the
page a locked-out person sees.

Only password logins count. A login through OpenID Connect never reaches a password here (the
provider checks it, and locks out on its own), so an attempt without a password is "allowed" by
axes' whitelist hook: it is neither counted nor refused. Failures are counted per e-mail address
(compared without case) and client address together: someone guessing one person's password from
one network is stopped, while that person can still log in from elsewhere. Whether the address
belongs to anyone makes no difference to what is counted or said (no user enumeration).
"""

import datetime as dt
import ipaddress

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max
from django.shortcuts import render
from django.utils import timezone


def client_ip(request) -> str | None:
    """The client's address. Behind a reverse proxy (`CLIENT_IP_HEADER`, e.g. "X-Forwarded-For",
    with `CLIENT_IP_PROXY_COUNT` proxies of our own in front of the portal) it is the address the
    outermost of our proxies saw: counted from the right of the header, since everything left of
    it is whatever the client chose to send. Without a header setting, or when the header is
    missing or malformed, it is the address of the connection (REMOTE_ADDR)."""
    remote = request.META.get("REMOTE_ADDR")
    header = settings.CLIENT_IP_HEADER
    if not header:
        return remote
    value = request.META.get("HTTP_" + header.upper().replace("-", "_"), "")
    hops = [hop.strip() for hop in value.split(",") if hop.strip()]
    count = max(settings.CLIENT_IP_PROXY_COUNT, 1)
    if len(hops) < count:
        return remote
    candidate = hops[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def normalised_username(request, credentials) -> str | None:
    """The e-mail address tried, as the login compares it (without case or surrounding spaces), so
    "Kari@" and "kari@" count as one."""
    if credentials:
        username = credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    else:
        username = getattr(request, "POST", {}).get(settings.AXES_USERNAME_FORM_FIELD)
    return username.strip().lower() if isinstance(username, str) else username


def not_a_password_login(request, credentials) -> bool:
    """axes' whitelist hook: an attempt without a password (OpenID Connect, a test's force_login) is
    none of axes' business."""
    return not (credentials or {}).get(settings.AXES_PASSWORD_FORM_FIELD)


PASSWORD_BACKEND = "portal.backends.PasswordBackend"


class PasswordLoginHandler(AxesDatabaseHandler):
    """axes' database handler (AXES_HANDLER), whose successful-login bookkeeping is for password
    logins only: a login through OpenID Connect neither cleans nor resets the password failures
    counted for an address (the same rule as `not_a_password_login`: it is none of axes' business).
    axes' own handler ran two DELETE queries and wrote three log lines for each of them (issue 13)."""

    def user_logged_in(self, sender, request, user, **kwargs):
        if getattr(user, "backend", None) == PASSWORD_BACKEND:
            super().user_logged_in(sender, request, user, **kwargs)


def lockout_ends_at(*, username: str | None, ip_address: str | None) -> dt.datetime:
    """When this e-mail address may try again from this address: the cool-off after the last counted
    failure (failures during the lockout are not counted, so the time told does not move)."""
    last = AccessAttempt.objects.filter(username=username, ip_address=ip_address).aggregate(
        last=Max("attempt_time"))["last"]
    return (last or timezone.now()) + settings.AXES_COOLOFF_TIME


def lockout_response(request, original_response=None, credentials=None):
    """The page a locked-out person sees (axes' AXES_LOCKOUT_CALLABLE): the portal's layout, the
    reader's language, and the time to try again. 429 Too Many Requests."""
    ends_at = lockout_ends_at(username=get_client_username(request, credentials),
                              ip_address=getattr(request, "axes_ip_address", None))
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {
        "ends_at": timezone.localtime(ends_at), "minutes": minutes,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
    }, status=429)

