"""`make test`: PostgreSQL and Redis as in production.

Outside CI, an unreachable PostgreSQL makes the suite fall back to SQLite (said loudly), and the
tests marked `postgres` or `redis` are skipped. With CI=true an unreachable service fails the run.
"""

import sys

from portal.service_check import postgres_reachable, redis_reachable

from .base import *  # noqa: F401,F403
from .base import BASE_DIR, REDIS_URL, env

CI = env.bool("CI", default=False)
SECRET_KEY = "test-secret-key-not-for-production"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = []

_database = env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/tilskuddsportalen")
POSTGRES_AVAILABLE = _database["ENGINE"].endswith("postgresql") and postgres_reachable(_database)
REDIS_AVAILABLE = redis_reachable(REDIS_URL)

if CI and not POSTGRES_AVAILABLE:
    raise SystemExit(f"CI=true but PostgreSQL is not reachable at {_database.get('HOST')}:{_database.get('PORT')}.")
if CI and not REDIS_AVAILABLE:
    raise SystemExit(f"CI=true but Redis is not reachable at {REDIS_URL}.")

# tests/conftest.py repeats these warnings at the top and the bottom of the pytest run.
if POSTGRES_AVAILABLE:
    DATABASES = {"default": _database}
else:
    print("!! PostgreSQL is NOT reachable: falling back to SQLite; tests marked 'postgres' are SKIPPED.",
          file=sys.stderr)
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "var" / "test.sqlite3"}}
if not REDIS_AVAILABLE:
    print("!! Redis is NOT reachable: tests marked 'redis' are SKIPPED.", file=sys.stderr)

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_TASK_ALWAYS_EAGER = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    # tests/conftest.py points this at a per-run temporary folder that pytest cleans up
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(BASE_DIR / "var" / "test-media"), "base_url": None}},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = STORAGES["default"]["OPTIONS"]["location"]
# whitenoise looks for STATIC_ROOT at start-up; tests serve from the finders instead.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True) if hasattr(STATIC_ROOT, "mkdir") else None  # noqa: F405
