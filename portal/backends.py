"""The authentication backend of the OpenID Connect login: mozilla-django-oidc's code flow, one
provider at a time, and a person matched to their portal user by the provider's subject only."""

import logging

import requests
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings

from . import invitations
from .oidc import (
    PROVIDER_SESSION_KEY,
    LoginRefused,
    Provider,
    Refusal,
    endpoints_for,
    id_token_verify,
    provider_settings,
)
from .selectors import identity_get, request_user_get
from .services import identity_link, identity_used

logger = logging.getLogger(__name__)


def _request_user(backend: ModelBackend, user_id):
    """The user of a session, as every request reads them (`selectors.request_user_get`: one
    query, their memberships and unread count from the cache); None when gone or inactive."""
    user = request_user_get(pk=user_id)
    return user if user is not None and backend.user_can_authenticate(user) else None


class PasswordBackend(ModelBackend):
    """Django's e-mail and password login (PASSWORD_LOGIN_ENABLED), the session's user read as
    every request reads them."""

    def get_user(self, user_id):
        return _request_user(self, user_id)


class OIDCBackend(OIDCAuthenticationBackend):
    """Authenticates the callback of a provider's code flow: `authenticate(request, provider=…,
    nonce=…, code_verifier=…)`, called by `portal.login_views.OIDCCallbackView` only (a password
    login never reaches it: without `provider` it answers None).

    A refusal raises `LoginRefused`, which Django's `authenticate` lets through to the view, so the
    person is told why; it never falls back to another backend or to matching by e-mail or name."""

    def __init__(self, *args, **kwargs):
        # The parent reads one provider's endpoints from the settings here; ours are read per
        # provider in authenticate(), from its discovery document.
        self.UserModel = get_user_model()
        self.provider: Provider | None = None
        self._settings: dict = {}

    def get_settings(self, attr, *args):
        if attr in self._settings:
            return self._settings[attr]
        return import_from_settings(attr, *args)

    def authenticate(self, request, provider: Provider | None = None, nonce=None, code_verifier=None, **kwargs):
        if request is None or provider is None:
            return None
        endpoints = endpoints_for(provider)
        self.provider, self.endpoints = provider, endpoints
        self._settings = provider_settings(provider, endpoints)
        self.OIDC_OP_TOKEN_ENDPOINT = endpoints.token
        self.OIDC_OP_USER_ENDPOINT = None
        self.OIDC_OP_JWKS_ENDPOINT = endpoints.jwks
        self.OIDC_RP_CLIENT_ID = provider.client_id
        self.OIDC_RP_CLIENT_SECRET = provider.client_secret
        self.OIDC_RP_SIGN_ALGO = endpoints.algorithms[0]
        self.OIDC_RP_IDP_SIGN_KEY = None
        try:
            return super().authenticate(request, nonce=nonce, code_verifier=code_verifier)
        except requests.HTTPError as error:
            # the token endpoint refused the code: used already, too old, or not for this client
            raise LoginRefused(Refusal.RESTART, f"the token request was refused: {error}") from error
        except (requests.RequestException, ValueError) as error:
            raise LoginRefused(Refusal.UNAVAILABLE, f"the token request failed: {error}") from error

    def store_tokens(self, access_token, id_token):
        """The ID token, and which provider gave it, stay in the session for the logout at the provider."""
        super().store_tokens(access_token, id_token)
        self.request.session[PROVIDER_SESSION_KEY] = self.provider.key

    def verify_token(self, token, **kwargs):
        return id_token_verify(provider=self.provider, endpoints=self.endpoints, token=token,
                               nonce=kwargs.get("nonce"))

    def get_or_create_user(self, access_token, id_token, payload):
        """The user linked to the ID token's subject at this provider; for a subject not linked yet,
        the one the invitation feature names (then linked to it). Never by e-mail or name."""
        subject = payload["sub"]
        identity = identity_get(provider=self.provider.key, subject=subject)
        if identity is None:
            user = invitations.user_for_unknown_subject(self.request, self.provider.key, payload)
            if user is None:
                raise LoginRefused(Refusal.NOT_LINKED, f"subject {subject!r} is linked to no user")
            identity = identity_link(user=user, provider=self.provider.key, subject=subject)
            if identity.user_id != user.pk:
                raise LoginRefused(Refusal.UNVERIFIED, f"subject {subject!r} is linked to another user already")
        if not identity.user.is_active:
            raise LoginRefused(Refusal.INACTIVE, f"subject {subject!r} belongs to inactive user {identity.user_id}")
        identity_used(identity=identity)
        return identity.user

    def get_user(self, user_id):
        # The parent's get_user would keep a deactivated user logged in; Django's refuses them.
        return _request_user(ModelBackend(), user_id)
