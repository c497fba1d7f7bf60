"""Settings shared by every environment. Values that differ come from the environment."""

import datetime as dt
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="insecure-development-key-never-use-in-production")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "portal.apps.PortalAdminConfig",  # the admin site scoped to office and national admins
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "csp",
    "portal.apps.PortalConfig",
    "people",
    "schemes",
    "applications",
    "casework",
    "reporting",
    "reminders",
    "archive",
    "stats",
    "home",
    "opendata",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "portal.csp.PortalCSPMiddleware",  # Content-Security-Policy on every response (CONTENT_SECURITY_POLICY)
    "portal.csp.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "portal.middleware.PublicDocumentMiddleware",  # outside the session and language: public documents vary on neither
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "portal.middleware.SessionExpiryMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # turns a lockout into the portal's page
]

# Paths whose responses are public documents, the same for everyone: no session is read there.
SESSIONLESS_PATHS = ["/open-data/v1/"]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.affiliation",
                "portal.context_processors.enums",
                "people.context_processors.menu",
                "portal.context_processors.login",
                "portal.context_processors.site",
                "applications.context_processors.enums",
                "casework.context_processors.enums",
                "reporting.context_processors.enums",
            ],
            # `{% form_key %}` in every POST form, without a `{% load %}` to forget (portal.idempotency)
            "builtins": ["portal.templatetags.portal_forms"],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/tilskuddsportalen"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
# A persistent connection (CONN_MAX_AGE > 0) that died while idle (PostgreSQL restarted) is noticed at
# the next request's first query and replaced, instead of failing that request. A request whose
# connection breaks mid-way gets the 503 page (portal.views.server_error) and its transaction is lost.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "portal.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Password login: for `make run`'s demo users and where an office has no identity provider yet.
# Production turns it off (config/settings/production.py): people log in through OpenID Connect.
PASSWORD_LOGIN_ENABLED = env.bool("PASSWORD_LOGIN_ENABLED", default=True)
# An invitation link works once, for the address it was sent to, this many days.
INVITATION_VALID_DAYS = env.int("INVITATION_VALID_DAYS", default=7)
# axes first: it refuses a locked-out password login before any backend checks the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # passwords (PASSWORD_LOGIN_ENABLED): Django's ModelBackend, the session's user read with their
    # memberships and unread count (one query a request, those two from the cache)
    "portal.backends.PasswordBackend",
    "portal.backends.OIDCBackend",  # OpenID Connect: a person is matched by the provider's subject
]
# OpenID Connect providers, each from the environment only: ID-porten for municipal staff ("idporten")
# and the state's identity provider for County Governor and Helsedirektoratet staff ("office").
# OIDC_<KEY>_DISCOVERY_URL is the issuer or its /.well-known/openid-configuration; a provider without
# a discovery URL and a client id is not offered. `make oidc-provider` runs one locally (README).
OIDC_PROVIDERS = {
    key: {
        "DISCOVERY_URL": discovery_url,
        "CLIENT_ID": env(f"OIDC_{key.upper()}_CLIENT_ID", default=""),
        "CLIENT_SECRET": env(f"OIDC_{key.upper()}_CLIENT_SECRET", default=""),
        "SCOPES": env(f"OIDC_{key.upper()}_SCOPES", default="openid profile"),
        "LABEL": env(f"OIDC_{key.upper()}_LABEL", default=""),  # the provider's name as users know it
        # levels of assurance accepted, space-separated (ID-porten: "idporten-loa-substantial idporten-loa-high");
        # asked for in the login and checked in the ID token's `acr`. Empty: not checked.
        "ACR_VALUES": env(f"OIDC_{key.upper()}_ACR_VALUES", default=""),
    }
    for key in ("idporten", "office")
    if (discovery_url := env(f"OIDC_{key.upper()}_DISCOVERY_URL", default=""))
}
OIDC_TIMEOUT = env.float("OIDC_TIMEOUT", default=5.0)  # seconds for each request to a provider
OIDC_DISCOVERY_CACHE_SECONDS = env.int("OIDC_DISCOVERY_CACHE_SECONDS", default=3600)  # also the signing keys
OIDC_CLOCK_SKEW_SECONDS = env.int("OIDC_CLOCK_SKEW_SECONDS", default=30)  # leeway on exp and iat
OIDC_MAX_TOKEN_AGE_SECONDS = env.int("OIDC_MAX_TOKEN_AGE_SECONDS", default=300)  # an older ID token (iat) is refused
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portal:dashboard"
LOGOUT_REDIRECT_URL = "portal:home"

# Language and time: bokmål by default, nynorsk and English selectable (språklova § 14).
LANGUAGE_CODE = "nb"
LANGUAGES = [
    ("nb", _("Norwegian Bokmål")),
    ("nn", _("Norwegian Nynorsk")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "tilskudd_language"
LANGUAGE_COOKIE_SECURE = False
LANGUAGE_COOKIE_SAMESITE = "Lax"
USE_I18N = True
TIME_ZONE = "Europe/Oslo"
USE_TZ = True
FORMAT_MODULE_PATH = ["portal.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    # Uploaded files (competence plans, receipts, letters) live outside the web root and are
    # only ever served by views that check who may see them.
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")), "base_url": None},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = STORAGES["default"]["OPTIONS"]["location"]

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
# crispy adds the widget's class name as a CSS class: portal.forms.InlineOptionsSelect is a select
# (written in Python for speed) and keeps the class a select has
CRISPY_CLASS_CONVERTERS = {"inlineoptionsselect": "select"}

# Redis: Celery broker and result backend, and the cache.
REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
# Short timeouts and no retries: when Redis is down, a page waits a moment for it, not minutes (the
# sessions then come from the database: portal.sessions; a cache read is a miss: portal.cache).
REDIS_CACHE_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
CACHES = {"default": {"BACKEND": "portal.cache.ResilientRedisCache", "LOCATION": REDIS_URL,
                      "OPTIONS": REDIS_CACHE_OPTIONS}}

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# When Redis is down, queuing a task (after commit, `robust=True`) fails within a second instead of
# holding the request: one connection attempt of at most a second, retried twice at once. The task is
# not lost: the catch-ups below queue again what it would have done (docs/architecture.md, "When a
# service is down").
CELERY_BROKER_CONNECTION_TIMEOUT = 1.0
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1.0}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
# Nobody reads the result of a task queued from a page, and with results on, each `delay` first
# subscribes to the result's channel in Redis, which retries for twenty seconds when Redis is down.
# The tasks whose answer is awaited (portal.health_check, reminders.sweep) keep theirs.
CELERY_TASK_IGNORE_RESULT = True
# One periodic sweep sends every reminder that is due (offsets live in the rounds, in the database).
CELERY_BEAT_SCHEDULE = {
    "reminder-sweep": {"task": "reminders.sweep", "schedule": 300.0, "options": {"expires": 290}},
    # receipts and letters whose task was lost or gave up are queued again (the tasks are idempotent)
    "receipts-catch-up": {"task": "applications.receipts_catch_up", "schedule": 600.0, "options": {"expires": 590}},
    "letters-catch-up": {"task": "casework.letters_catch_up", "schedule": 600.0, "options": {"expires": 590}},
    "invitations-catch-up": {"task": "people.invitations_catch_up", "schedule": 600.0, "options": {"expires": 590}},
    "signature-requests-catch-up": {"task": "applications.signature_requests_catch_up", "schedule": 600.0,
                                    "options": {"expires": 590}},
    "report-signature-requests-catch-up": {"task": "reporting.signature_requests_catch_up", "schedule": 600.0,
                                           "options": {"expires": 590}},
    "archive-catch-up": {"task": "archive.catch_up", "schedule": 600.0, "options": {"expires": 590}},
    # the forms' idempotency keys older than a day (portal.idempotency.KEEP)
    "form-keys-purge": {"task": "portal.form_keys_purge", "schedule": 3600.0, "options": {"expires": 3590}},
}

EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Tilskuddsportalen <ikke-svar@tilskuddsportalen.no>")
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="http://127.0.0.1:8000")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Uploads: limits a municipality meets with a clear message, never a server error.
UPLOAD_MAX_FILE_BYTES = env.int("UPLOAD_MAX_FILE_BYTES", default=20 * 1024 * 1024)
UPLOAD_MAX_APPLICATION_BYTES = env.int("UPLOAD_MAX_APPLICATION_BYTES", default=60 * 1024 * 1024)
# How many files one application may hold (the competence plan and the other attachments together).
UPLOAD_MAX_APPLICATION_FILES = env.int("UPLOAD_MAX_APPLICATION_FILES", default=30)
# A file's name: longer ones are refused (a real name is far shorter; Django cuts at 255).
UPLOAD_MAX_NAME_CHARS = 200
# An office file (DOCX, ODT) is a zip: more parts than this, or more bytes once unpacked, or a part
# packed tighter than the ratio (past its first megabyte), is a zip bomb, not a document.
UPLOAD_MAX_ARCHIVE_MEMBERS = 2_000
UPLOAD_MAX_UNPACKED_BYTES = 250 * 1024 * 1024
UPLOAD_MAX_COMPRESSION_RATIO = 100
# A PDF with more objects than this is refused: it cannot be checked for active content in time.
UPLOAD_MAX_PDF_OBJECTS = 100_000
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True

# Sessions and login protection (README: "Sessions and login protection").
# Sessions are read from Redis and written through to the database (cached_db): a page view reads no
# session row, and a Redis outage logs nobody out (portal.sessions falls back to the database).
SESSION_ENGINE = "portal.sessions"
# Absolute limit: a login lasts at most this long, however active (portal.middleware).
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=12 * 60 * 60)
# Idle limit: a session unused for this long ends. The last activity is written to the session at
# most once per SESSION_ACTIVITY_RESOLUTION, so a page view writes nothing most of the time; the
# session then ends between SESSION_IDLE_TIMEOUT and that plus the resolution after the last request.
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=60 * 60)
SESSION_ACTIVITY_RESOLUTION = env.int("SESSION_ACTIVITY_RESOLUTION", default=5 * 60)
# A password reset link works once, for this long (seconds).
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=24 * 60 * 60)

# Lockout after repeated failed password logins (django-axes), per e-mail address and client address.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # the time told on the lockout page holds
AXES_USERNAME_FORM_FIELD = "username"  # the login form's field, and the keyword authenticate() gets
AXES_USERNAME_CALLABLE = "portal.login_protection.normalised_username"
AXES_WHITELIST_CALLABLE = "portal.login_protection.not_a_password_login"
AXES_HANDLER = "portal.login_protection.PasswordLoginHandler"  # a successful login: password logins only
AXES_CLIENT_IP_CALLABLE = "portal.login_protection.client_ip"
AXES_LOCKOUT_CALLABLE = "portal.login_protection.lockout_response"
AXES_DISABLE_ACCESS_LOG = True  # no log of every successful login (personal data kept for nothing)
AXES_VERBOSE = False
# Behind a reverse proxy: the header it sets with the client's address, and how many proxies of our
# own stand in front of the portal (the address is read that many entries from the header's right).
# Without a header the connection's address is used: right only when nothing is in between.
CLIENT_IP_HEADER = env("CLIENT_IP_HEADER", default="")
CLIENT_IP_PROXY_COUNT = env.int("CLIENT_IP_PROXY_COUNT", default=1)
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# No Referer leaves the site: an invitation link carries its token in the URL, and a page of a case
# names the case. Within the site the full URL is sent (Django's CSRF check of HTTPS posts needs it).
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Content Security Policy (django-csp). No 'unsafe-inline' and no 'unsafe-eval': scripts and styles
# come from the site's static files; an inline <script> or <style> needs nonce="{{ request.csp_nonce }}"
# and a style="" attribute is refused (use a class in static/css). data: images are Bootstrap's
# form controls. Nobody may frame a page (frame-ancestors 'none', also X-Frame-Options DENY) except
# the decision letter's preview, which the decision page frames (casework: its own policy).
# A form may post to the site and be redirected to the identity providers (the logout ends the
# provider's session too): their origins, from the discovery URLs (portal.csp.PortalCSPMiddleware),
# plus CSP_FORM_ACTION_EXTRA for a provider whose end_session_endpoint is on another host than its
# issuer (ID-porten's issuer is https://idporten.no, its logout https://login.idporten.no).
CSP_FORM_ACTION_EXTRA = env.list("CSP_FORM_ACTION_EXTRA", default=[])
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF, *CSP_FORM_ACTION_EXTRA],
        "frame-ancestors": [NONE],
    },
}
# Browser features the portal never uses, off for it and anything it might embed
# (portal.csp.PermissionsPolicyMiddleware writes the Permissions-Policy header).
PERMISSIONS_POLICY = ["accelerometer", "autoplay", "bluetooth", "browsing-topics", "camera", "display-capture",
                      "geolocation", "gyroscope", "hid", "magnetometer", "microphone", "midi", "payment",
                      "publickey-credentials-get", "serial", "usb", "xr-spatial-tracking"]

# The admin's path (office and national admins): from the environment, so it need not be the
# well-known /admin/. Always reversed ("admin:index"), never written out.
ADMIN_URL_PATH = env("ADMIN_URL_PATH", default="admin/").strip("/") + "/"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"},
                "fontTools": {"level": "WARNING"}},
}
