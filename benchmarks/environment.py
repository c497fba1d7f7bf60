"""Where a benchmark runs: production settings on PostgreSQL and Redis, pointed at the benchmark's
own database, media folder, static folder and Redis database, set in the environment before Django
starts (the in-process measurements and the gunicorn and Celery processes of the rush share them)."""

import os
import secrets
import subprocess
from pathlib import Path

import psycopg2
from psycopg2 import sql

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench"
POSTGRES = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
DATABASE = os.environ.get("BENCH_DATABASE", "tp_bench")
RUSH_DATABASE = f"{DATABASE}_rush"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")  # a database of its own: flushed per run
CLIENT_SECRET = "bench-client-secret-of-at-least-32-bytes"
# The hosts the in-process client (testserver) and the load generator (127.0.0.1) use.
HOSTS = "127.0.0.1,localhost,testserver"


def database_url(name: str = DATABASE) -> str:
    return f"{POSTGRES}/{name}"


def environment(*, database: str = DATABASE, oidc_issuer: str | None = None) -> dict[str, str]:
    """The variables production settings read, for this benchmark (config/settings/production.py)."""
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOSTS,
        "CSRF_TRUSTED_ORIGINS": "https://127.0.0.1,https://localhost,https://testserver",
        "DATABASE_URL": database_url(database),
        "REDIS_URL": REDIS_URL,
        "MEDIA_ROOT": str(VAR / "media"),
        "STATIC_ROOT": str(VAR / "static"),
        "EMAIL_URL": "dummymail://",  # receipts and letters are "sent" without a mail server
        "PORTAL_BASE_URL": "https://127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",  # the load generator says X-Forwarded-Proto: https instead
        "PYTHONPATH": str(ROOT),
    }
    if oidc_issuer:
        env |= {"OIDC_IDPORTEN_DISCOVERY_URL": oidc_issuer, "OIDC_IDPORTEN_CLIENT_ID": "tilskuddsportalen-bench",
                "OIDC_IDPORTEN_CLIENT_SECRET": CLIENT_SECRET,
                "OIDC_OFFICE_DISCOVERY_URL": oidc_issuer, "OIDC_OFFICE_CLIENT_ID": "tilskuddsportalen-office-bench",
                "OIDC_OFFICE_CLIENT_SECRET": CLIENT_SECRET}
    return env


def apply(**kwargs) -> dict[str, str]:
    """Put the benchmark's environment into this process (before django.setup())."""
    env = environment(**kwargs)
    for key, value in env.items():
        os.environ.setdefault(key, value) if key == "SECRET_KEY" else os.environ.__setitem__(key, value)
    return env


def _admin():
    connection = psycopg2.connect(database_url("postgres"))
    connection.autocommit = True
    return connection


def database_recreate(name: str, *, template: str | None = None) -> None:
    """Drop `name` (ending its connections) and make it again, empty or as a copy of `template`."""
    connection = _admin()
    with connection.cursor() as cursor:
        for db in filter(None, (name, template)):
            cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                           [db])
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        if template:
            cursor.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(template)))
        else:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    connection.close()


def database_drop(name: str) -> None:
    connection = _admin()
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    connection.close()


def machine() -> dict:
    """Cores, memory and load of this machine, and the commit measured."""
    meminfo = dict(line.split(":", 1) for line in Path("/proc/meminfo").read_text().splitlines() if ":" in line)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True,
                           text=True).stdout.strip()
    return {
        "cores": os.cpu_count(),
        "memory": meminfo.get("MemTotal", "").strip(),
        "load": " ".join(Path("/proc/loadavg").read_text().split()[:3]),
        "commit": commit + ("+changes" if dirty else ""),
        "branch": subprocess.run(["git", "rev-parse", "--abbrev-ref", "HEAD"], cwd=ROOT, capture_output=True,
                                 text=True).stdout.strip(),
    }
