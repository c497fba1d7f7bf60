"""Settings of the portal the fault tests serve with gunicorn (tests/faults/processes.py): the test
settings (tasks eager, e-mail kept in memory), but the database as production configures it
(config.settings.base: health-checked connections) with persistent connections (CONN_MAX_AGE=60,
production's default), on the fault tests' own PostgreSQL (DATABASE_URL), and files in a folder of
the test run."""

from config.settings import base
from config.settings.test import *  # noqa: F401,F403
from config.settings.test import STORAGES, env

DATABASES = {"default": {**base.DATABASES["default"], "CONN_MAX_AGE": env.int("CONN_MAX_AGE", default=60)}}
MEDIA_ROOT = env("FAULTS_MEDIA_ROOT")
STORAGES = {**STORAGES, "default": {**STORAGES["default"], "OPTIONS": {"location": MEDIA_ROOT, "base_url": None}}}
