"""Login through OpenID Connect: the providers configured from the environment (ID-porten for
municipal staff, the state's identity provider for office staff), their discovery documents and
signing keys, the one check of an ID token, and every way a login is refused.

The code flow itself (state, nonce, PKCE, the token request) is mozilla-django-oidc's:
`portal.backends.OIDCBackend` and `portal.login_views` hand it one provider's settings at a time
through `provider_settings`, its `get_settings` seam."""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import IdentityProvider

logger = logging.getLogger(__name__)

WELL_KNOWN = "/.well-known/openid-configuration"
# Asymmetric signatures only: "none" is no signature, and an HMAC one would be made with our own secret.
SIGNING_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")

LOGIN_BUTTONS = {
    IdentityProvider.IDPORTEN: _("Log in with ID-porten"),
    IdentityProvider.OFFICE: _("Log in as County Governor staff"),
}


PROVIDER_SESSION_KEY = "oidc_provider"  # which provider the session's login came from (its logout)
ID_TOKEN_SESSION_KEY = "oidc_id_token"  # mozilla-django-oidc keeps the ID token here (OIDC_STORE_ID_TOKEN)


class Refusal(models.TextChoices):
    """Why a login was refused, as the person reads it (`%(provider)s` is the provider's name).
    The technical reason goes to the log, never to the page."""

    RESTART = "restart", _(
        "The login could not be completed. It may have been started in another window, or it took too "
        "long. Please log in again.")
    UNVERIFIED = "unverified", _(
        "The answer from %(provider)s could not be verified, so you have not been logged in. Please try "
        "again, and contact the County Governor if it happens again.")
    EXPIRED = "expired", _("The login through %(provider)s had expired before it reached the portal. Please log in again.")
    CANCELLED = "cancelled", _("The login through %(provider)s was cancelled or refused, so you have not been logged in.")
    NOT_LINKED = "not_linked", _(
        "The login through %(provider)s is not linked to any user of the portal. Ask your organisation's "
        "signatory or the County Governor for an invitation.")
    INACTIVE = "inactive", _(
        "Your user of the portal has been deactivated. Ask your organisation's signatory or the County "
        "Governor if you need access again.")
    UNAVAILABLE = "unavailable", _(
        "Login through %(provider)s is not available just now, so you have not been logged in. Please try again "
        "in a few minutes.")
    LOW_ASSURANCE = "low_assurance", _(
        "The login through %(provider)s was not at the level of security the portal requires. Please log in "
        "again with an electronic ID of a high enough level (such as BankID or the MinID app).")
    NOT_OFFERED = "not_offered", _("Logging in through %(provider)s is not offered on this site.")
    PASSWORD_OFF = "password_off", _(
        "Logging in with a password is switched off. Use one of the login buttons on this page.")


class LoginRefused(Exception):
    """A login that must not go on: `refusal` is what the person is told, `detail` what is logged."""

    def __init__(self, refusal: Refusal, detail: str):
        super().__init__(detail)
        self.refusal = refusal
        self.detail = detail


@dataclass(frozen=True)
class Provider:
    key: IdentityProvider
    discovery_url: str
    client_id: str
    client_secret: str
    scopes: str
    label: str = ""
    acr_values: tuple[str, ...] = ()  # the levels of assurance accepted (ID-porten: idporten-loa-substantial ...)

    @property
    def name(self) -> str:
        """The provider's name as users know it: the configured label, else the portal's own."""
        return self.label or str(self.key.label)

    @property
    def button(self) -> str:
        return str(LOGIN_BUTTONS[self.key])


@dataclass(frozen=True)
class Endpoints:
    """What the provider's discovery document says about it."""

    issuer: str
    authorization: str
    token: str
    jwks: str
    algorithms: tuple[str, ...]
    pkce: bool  # the provider announces S256 code challenges: we send one
    basic_auth: bool  # the client authenticates at the token endpoint with HTTP Basic (the default)
    end_session: str = ""


def providers() -> list[Provider]:
    """The configured providers, in the order of IdentityProvider (ID-porten first)."""
    configured = getattr(settings, "OIDC_PROVIDERS", {})
    found = []
    for key in IdentityProvider:
        config = configured.get(key.value)
        if config and config.get("DISCOVERY_URL") and config.get("CLIENT_ID"):
            found.append(Provider(
                key=key, discovery_url=config["DISCOVERY_URL"], client_id=config["CLIENT_ID"],
                client_secret=config.get("CLIENT_SECRET", ""), scopes=config.get("SCOPES") or "openid",
                label=config.get("LABEL", ""), acr_values=tuple((config.get("ACR_VALUES") or "").split()),
            ))
    return found


def provider_get(key: str) -> Provider | None:
    return next((provider for provider in providers() if provider.key == key), None)


def provider_name(key: str) -> str:
    """The name of the provider `key` as users know it ("" for a key that is none)."""
    provider = provider_get(key)
    if provider:
        return provider.name
    return str(IdentityProvider(key).label) if key in IdentityProvider.values else ""


def discovery_document_url(discovery_url: str) -> str:
    """The issuer or its discovery document's URL, as configured: the document's URL."""
    url = discovery_url.rstrip("/")
    return url if url.endswith(WELL_KNOWN) else url + WELL_KNOWN


def _cache_key(kind: str, url: str) -> str:
    return f"oidc:{kind}:{url}"


def discovery_cache_key(discovery_url: str) -> str:
    """Where the provider's discovery document is cached (OIDC_DISCOVERY_CACHE_SECONDS)."""
    return _cache_key("discovery", discovery_document_url(discovery_url))


def _fetch_json(url: str) -> dict:
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        raise LoginRefused(Refusal.UNAVAILABLE, f"{url} did not answer as expected: {error}") from error
    if not isinstance(document, dict):
        raise LoginRefused(Refusal.UNAVAILABLE, f"{url} did not answer with a JSON object")
    return document


def _cached(key: str):
    """What the cache holds under `key`; None when it holds nothing or cannot be reached (a Redis
    outage: the provider is asked again, and nobody is kept from logging in)."""
    try:
        return cache.get(key)
    except Exception as error:  # noqa: BLE001 - any cache failure: fetch from the provider instead
        logger.warning("The cache could not be read (%s): asking the identity provider instead.", error)
        return None


def _cache(key: str, value) -> None:
    try:
        cache.set(key, value, settings.OIDC_DISCOVERY_CACHE_SECONDS)
    except Exception as error:  # noqa: BLE001
        logger.warning("The cache could not be written (%s).", error)


def endpoints_for(provider: Provider) -> Endpoints:
    """The provider's endpoints from its discovery document, fetched once per
    OIDC_DISCOVERY_CACHE_SECONDS. An unreachable provider or a document that is not one raises
    LoginRefused(UNAVAILABLE) (and is not cached)."""
    url = discovery_document_url(provider.discovery_url)
    document = _cached(_cache_key("discovery", url))
    if document is None:
        document = _fetch_json(url)
        endpoints = _endpoints(document, url)
        _cache(_cache_key("discovery", url), document)
        return endpoints
    return _endpoints(document, url)


def _endpoints(document: dict, url: str) -> Endpoints:
    missing = [name for name in ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")
               if not isinstance(document.get(name), str) or not document.get(name)]
    if missing:
        raise LoginRefused(Refusal.UNAVAILABLE, f"the discovery document at {url} lacks {', '.join(missing)}")
    # OpenID Connect Discovery 1.0, 4.3: the issuer is the URL the document was found under.
    if document["issuer"].rstrip("/") != url[: -len(WELL_KNOWN)].rstrip("/"):
        raise LoginRefused(Refusal.UNAVAILABLE,
                           f"the discovery document at {url} names another issuer: {document['issuer']}")
    announced = document.get("id_token_signing_alg_values_supported") or ["RS256"]
    algorithms = tuple(alg for alg in announced if alg in SIGNING_ALGORITHMS)
    if not algorithms:
        raise LoginRefused(Refusal.UNAVAILABLE, f"{url} signs ID tokens only with {announced}")
    auth_methods = document.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
    return Endpoints(
        issuer=document["issuer"],
        authorization=document["authorization_endpoint"],
        token=document["token_endpoint"],
        jwks=document["jwks_uri"],
        algorithms=algorithms,
        pkce="S256" in (document.get("code_challenge_methods_supported") or []),
        basic_auth="client_secret_basic" in auth_methods or "client_secret_post" not in auth_methods,
        end_session=document.get("end_session_endpoint") or "",
    )


def provider_settings(provider: Provider, endpoints: Endpoints) -> dict:
    """mozilla-django-oidc's settings for this provider (what its `get_settings` answers)."""
    return {
        "OIDC_RP_CLIENT_ID": provider.client_id,
        "OIDC_RP_CLIENT_SECRET": provider.client_secret,
        "OIDC_RP_SCOPES": provider.scopes,
        "OIDC_RP_SIGN_ALGO": endpoints.algorithms[0],
        "OIDC_OP_AUTHORIZATION_ENDPOINT": endpoints.authorization,
        "OIDC_OP_TOKEN_ENDPOINT": endpoints.token,
        "OIDC_OP_JWKS_ENDPOINT": endpoints.jwks,
        "OIDC_OP_USER_ENDPOINT": None,  # the ID token's claims are all the portal reads
        "OIDC_AUTHENTICATION_CALLBACK_URL": callback_url_name(provider.key),
        "OIDC_USE_NONCE": True,
        "OIDC_USE_PKCE": endpoints.pkce,
        "OIDC_PKCE_CODE_CHALLENGE_METHOD": "S256",
        "OIDC_TOKEN_USE_BASIC_AUTH": endpoints.basic_auth,
        "OIDC_ALLOW_UNSECURED_JWT": False,
        "OIDC_VERIFY_SSL": True,
        "OIDC_TIMEOUT": settings.OIDC_TIMEOUT,
        "OIDC_STORE_ACCESS_TOKEN": False,
        "OIDC_STORE_ID_TOKEN": True,  # the id_token_hint of the logout at the provider (single logout)
        "OIDC_CREATE_USER": False,
        "OIDC_REDIRECT_FIELD_NAME": "next",
        # ask for the level of assurance; the ID token's `acr` is checked too (the request passes the browser)
        "OIDC_AUTH_REQUEST_EXTRA_PARAMS": {"acr_values": " ".join(provider.acr_values)} if provider.acr_values else {},
    }


def login_url_name(key: str) -> str:
    return f"oidc_login_{key}"


def callback_url_name(key: str) -> str:
    return f"oidc_callback_{key}"


def _jwks(url: str, *, refresh: bool) -> list[dict]:
    keys = None if refresh else _cached(_cache_key("jwks", url))
    if keys is None:
        document = _fetch_json(url)
        keys = document.get("keys")
        if not isinstance(keys, list):
            raise LoginRefused(Refusal.UNAVAILABLE, f"{url} is not a JSON Web Key Set")
        _cache(_cache_key("jwks", url), keys)
    return keys


def _signing_key(header: dict, endpoints: Endpoints) -> jwt.PyJWK:
    """The provider's key the token names (its `kid`; without one, the provider's only key for the
    algorithm). A key not found is looked for once more in a fresh set: the provider may have rotated."""
    alg, kid = header["alg"], header.get("kid")
    for refresh in (False, True):
        candidates = [
            key for key in _jwks(endpoints.jwks, refresh=refresh)
            if key.get("use", "sig") == "sig" and key.get("alg", alg) == alg and (kid is None or key.get("kid") == kid)
        ]
        if len(candidates) == 1 or (kid is not None and candidates):
            try:
                return jwt.PyJWK(candidates[0], algorithm=alg)
            except jwt.PyJWTError as error:
                raise LoginRefused(Refusal.UNVERIFIED, f"the provider's key {kid} is unusable: {error}") from error
    raise LoginRefused(Refusal.UNVERIFIED, f"no single key in {endpoints.jwks} matches kid={kid} alg={alg}")


def id_token_verify(*, provider: Provider, endpoints: Endpoints, token: str | None, nonce: str | None) -> dict:
    """The ID token's claims, once its signature (the provider's published key), issuer, audience
    (our client id), expiry (`exp`, with OIDC_CLOCK_SKEW_SECONDS), issue time (`iat`: not in the
    future, not older than OIDC_MAX_TOKEN_AGE_SECONDS) and nonce (the one this login sent) are right.
    Anything else raises LoginRefused."""
    if not token or not nonce:
        raise LoginRefused(Refusal.UNVERIFIED, "no ID token, or no nonce to check it against")
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as error:
        raise LoginRefused(Refusal.UNVERIFIED, f"the ID token is not a JWT: {error}") from error
    if header.get("alg") not in endpoints.algorithms:
        raise LoginRefused(Refusal.UNVERIFIED, f"the ID token is signed with {header.get('alg')!r}, "
                                               f"not one of {endpoints.algorithms}")
    key = _signing_key(header, endpoints)
    skew = settings.OIDC_CLOCK_SKEW_SECONDS
    try:
        claims = jwt.decode(
            token, key, algorithms=[header["alg"]], audience=provider.client_id, issuer=endpoints.issuer,
            leeway=skew, options={"require": ["iss", "sub", "aud", "exp", "iat"], "verify_signature": True},
        )
    except jwt.ExpiredSignatureError as error:
        raise LoginRefused(Refusal.EXPIRED, f"the ID token has expired: {error}") from error
    except jwt.ImmatureSignatureError as error:
        raise LoginRefused(Refusal.EXPIRED, f"the ID token is issued in the future (clocks apart?): {error}") from error
    except jwt.PyJWTError as error:
        raise LoginRefused(Refusal.UNVERIFIED, f"the ID token failed its check: {type(error).__name__}: {error}") from error
    age = jwt_now() - int(claims["iat"])
    if age > settings.OIDC_MAX_TOKEN_AGE_SECONDS + skew:
        raise LoginRefused(Refusal.EXPIRED, f"the ID token was issued {age} seconds ago")
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != provider.client_id:
        raise LoginRefused(Refusal.UNVERIFIED, f"the ID token is for several clients and azp={claims.get('azp')!r}")
    if claims.get("nonce") != nonce:
        raise LoginRefused(Refusal.UNVERIFIED, "the ID token's nonce is not the one this login sent")
    if not isinstance(claims["sub"], str) or not claims["sub"]:
        raise LoginRefused(Refusal.UNVERIFIED, "the ID token has no subject")
    if provider.acr_values and claims.get("acr") not in provider.acr_values:
        raise LoginRefused(Refusal.LOW_ASSURANCE, f"the ID token's acr {claims.get('acr')!r} is not one of "
                                                  f"{' '.join(provider.acr_values)}")
    return claims


def jwt_now() -> int:
    """Now, as PyJWT reads it (seconds since the epoch, UTC)."""
    return int(datetime.now(tz=UTC).timestamp())


def provider_logout_url(*, provider_key: str, id_token: str, return_to: str) -> str:
    """Where to send the browser to end the session at the provider too (RP-initiated logout), or ""
    when the provider is not configured, announces no end_session_endpoint, or cannot be reached
    (the portal's own logout has happened; the person is told nothing worse)."""
    provider = provider_get(provider_key)
    if provider is None or not id_token:
        return ""
    try:
        endpoints = endpoints_for(provider)
    except LoginRefused as error:
        logger.warning("No logout at %s: %s", provider_key, error.detail)
        return ""
    if not endpoints.end_session:
        return ""
    query = urlencode({"id_token_hint": id_token, "post_logout_redirect_uri": return_to,
                       "client_id": provider.client_id})
    return f"{endpoints.end_session}?{query}"
