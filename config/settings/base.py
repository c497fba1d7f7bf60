"""Settings shared by every environment. Values that differ come from the environment."""

from pathlib import Path

import environ
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
    "portal.apps.PortalConfig",
    "people",
    "schemes",
    "applications",
    "casework",
    "reporting",
    "reminders",
    "home",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

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
                "applications.context_processors.enums",
                "casework.context_processors.enums",
                "reporting.context_processors.enums",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/tilskuddsportalen"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
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
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",  # passwords (PASSWORD_LOGIN_ENABLED)
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

# Redis: Celery broker and result backend, and the cache.
REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# One periodic sweep sends every reminder that is due (offsets live in the rounds, in the database).
CELERY_BEAT_SCHEDULE = {
    "reminder-sweep": {"task": "reminders.sweep", "schedule": 300.0, "options": {"expires": 290}},
    # receipts and letters whose task was lost or gave up are queued again (the tasks are idempotent)
    "receipts-catch-up": {"task": "applications.receipts_catch_up", "schedule": 600.0, "options": {"expires": 590}},
    "letters-catch-up": {"task": "casework.letters_catch_up", "schedule": 600.0, "options": {"expires": 590}},
}

EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Tilskuddsportalen <ikke-svar@tilskuddsportalen.no>")
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="http://127.0.0.1:8000")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Uploads: limits a municipality meets with a clear message, never a server error.
UPLOAD_MAX_FILE_BYTES = env.int("UPLOAD_MAX_FILE_BYTES", default=20 * 1024 * 1024)
UPLOAD_MAX_APPLICATION_BYTES = env.int("UPLOAD_MAX_APPLICATION_BYTES", default=60 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"},
                "fontTools": {"level": "WARNING"}},
}
