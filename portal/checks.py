"""The portal's own deploy checks (`manage.py check --deploy`, run by `make check`)."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def check_client_ip_behind_proxy(app_configs, **kwargs):
    """Behind a reverse proxy (SECURE_PROXY_SSL_HEADER set) with password login on, every client
    would share the proxy's address: one person's failures would lock everyone out of an account."""
    if (settings.PASSWORD_LOGIN_ENABLED and getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
            and not settings.CLIENT_IP_HEADER):
        return [checks.Warning(
            "Password login is on behind a reverse proxy, but CLIENT_IP_HEADER is not set: the lockout counts "
            "every client as the proxy.", hint="Set CLIENT_IP_HEADER (e.g. X-Forwarded-For) and "
            "CLIENT_IP_PROXY_COUNT.", id="portal.W001")]
    return []
