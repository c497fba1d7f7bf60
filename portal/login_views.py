"""The login page (the providers' buttons; the password form while PASSWORD_LOGIN_ENABLED) and the
two steps of the OpenID Connect code flow: off to the provider, and back from it.

Every refusal ends on the login page with a message in the person's language and a WARNING in the
log with the reason; never a 400 or a 500 page."""

import logging
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from .oidc import (
    ID_TOKEN_SESSION_KEY,
    PROVIDER_SESSION_KEY,
    LoginRefused,
    Refusal,
    endpoints_for,
    login_url_name,
    provider_get,
    provider_logout_url,
    provider_name,
    provider_settings,
    providers,
)

logger = logging.getLogger(__name__)


def _login_page(next_url: str | None = None) -> str:
    url = reverse("login")
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def _safe_next(request, next_url: str | None) -> str | None:
    if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                                    require_https=request.is_secure()):
        return next_url
    return None


def refuse(request, provider_key: str, refusal: LoginRefused, next_url: str | None = None):
    """Back to the login page, telling the person why in their language; the reason goes to the log."""
    logger.warning("Login through %s refused (%s): %s", provider_key, refusal.refusal.value, refusal.detail)
    for key in (ID_TOKEN_SESSION_KEY, PROVIDER_SESSION_KEY):  # a refused login's token is kept nowhere
        request.session.pop(key, None)
    messages.error(request, str(refusal.refusal.label) % {"provider": provider_name(provider_key)})
    return redirect(_login_page(_safe_next(request, next_url)))


class LoginView(auth_views.LoginView):
    """The login page: a button for each configured provider; the password form only while
    settings.PASSWORD_LOGIN_ENABLED. With it off, a password posted here is refused unread."""

    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if not settings.PASSWORD_LOGIN_ENABLED:
            return refuse(request, "password", LoginRefused(Refusal.PASSWORD_OFF, "password login is switched off"),
                          request.POST.get("next"))
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["providers"] = provider_buttons(context.get("next") or "")
        context["password_login_enabled"] = settings.PASSWORD_LOGIN_ENABLED
        return context


def provider_buttons(next_url: str = "") -> list[dict]:
    """The configured providers' login buttons (key, button text, URL keeping `next_url`), for the
    login page and every page that offers to log in (an invitation)."""
    query = f"?{urlencode({'next': next_url})}" if next_url else ""
    return [{"key": provider.key, "button": provider.button, "url": reverse(login_url_name(provider.key)) + query}
            for provider in providers()]


class OIDCLoginView(OIDCAuthenticationRequestView):
    """Off to the provider's authorization endpoint with a fresh state, nonce (and PKCE challenge
    when the provider announces S256), kept in the session; `next` is kept when it is on this site."""

    provider_key = None  # set per URL (config/urls.py)

    def __init__(self, **kwargs):
        # The parent reads one provider's endpoints from the settings here; ours come from the
        # provider's discovery document in get(), where an unreachable provider can be told.
        View.__init__(self, **kwargs)
        self._settings: dict = {}

    def get_settings(self, attr, *args):
        if attr in self._settings:
            return self._settings[attr]
        return import_from_settings(attr, *args)

    def get(self, request):
        provider = provider_get(self.provider_key)
        try:
            if provider is None:
                raise LoginRefused(Refusal.NOT_OFFERED, "the provider is not configured")
            endpoints = endpoints_for(provider)
        except LoginRefused as refusal:
            return refuse(request, self.provider_key, refusal, request.GET.get("next"))
        self._settings = provider_settings(provider, endpoints)
        self.OIDC_OP_AUTH_ENDPOINT = endpoints.authorization
        self.OIDC_RP_CLIENT_ID = provider.client_id
        return super().get(request)


class OIDCCallbackView(OIDCAuthenticationCallbackView):
    """Back from the provider: the state must be one this browser's session started (it is used
    up here), then the backend exchanges the code, checks the ID token and finds the person's user."""

    provider_key = None  # set per URL (config/urls.py)

    def get_settings(self, attr, *args):
        return import_from_settings(attr, *args)

    def get(self, request):
        next_url = request.session.get("oidc_login_next")
        try:
            self.user = self._authenticate(request)
        except LoginRefused as refusal:
            return refuse(request, self.provider_key, refusal, next_url)
        return self.login_success()

    def _authenticate(self, request):
        provider = provider_get(self.provider_key)
        if provider is None:
            raise LoginRefused(Refusal.NOT_OFFERED, "the provider is not configured")
        state = request.GET.get("state", "")
        states = request.session.get("oidc_states")
        started = states.pop(state, None) if isinstance(states, dict) and state else None
        if started is not None:
            request.session["oidc_states"] = states  # used up: a replayed answer finds no state
            request.session.save()
        if request.GET.get("error"):
            raise LoginRefused(Refusal.CANCELLED, "the provider answered {}: {}".format(
                request.GET.get("error")[:100], request.GET.get("error_description", "")[:300]))
        if started is None:
            raise LoginRefused(Refusal.RESTART, "the state is missing or was not started by this session")
        if not request.GET.get("code"):
            raise LoginRefused(Refusal.RESTART, "the provider answered without a code")
        user = auth.authenticate(request=request, provider=provider, nonce=started.get("nonce"),
                                 code_verifier=started.get("code_verifier"))
        if user is None:
            raise LoginRefused(Refusal.RESTART, "no backend authenticated the answer")
        return user


class LogoutView(auth_views.LogoutView):
    """Log out of the portal and, after a login through an identity provider that offers it, out of
    the provider too (RP-initiated logout): on a shared computer the next person pressing "Log in
    with ID-porten" is not let in as the last one. The provider sends the browser back to the front
    page (register PORTAL_BASE_URL + "/" as the post-logout redirect URI at the provider)."""

    def post(self, request, *args, **kwargs):
        provider_key = request.session.get(PROVIDER_SESSION_KEY, "")
        id_token = request.session.get(ID_TOKEN_SESSION_KEY, "")
        response = super().post(request, *args, **kwargs)  # the portal's session ends here, whatever follows
        if provider_key and id_token:
            at_provider = provider_logout_url(provider_key=provider_key, id_token=id_token,
                                              return_to=settings.PORTAL_BASE_URL.rstrip("/") + "/")
            if at_provider:
                return redirect(at_provider)
        return response
