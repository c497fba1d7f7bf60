"""The fault tests' own PostgreSQL and Redis (tests/faults/processes.py), one of each per test run
(per xdist worker), started on first use and stopped at the end. A test may stop or restart them;
the function-scoped fixtures start them again after every test, whatever it left them in, so the
next test always finds them running. The machine's shared PostgreSQL and Redis are never touched."""

import json
import shutil
import tempfile
from pathlib import Path

import pytest
from django.conf import settings

from .processes import LocalPostgres, LocalRedis, PortalServer, manage, portal_env, postgres_bin, redis_bin


def _folder(prefix: str) -> Path:
    # not pytest's tmp_path: that lives under a folder only root may enter, and PostgreSQL runs as
    # `postgres`; and short, since PostgreSQL's socket path must stay under 108 bytes
    return Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))


def _missing(what: str) -> None:
    """Skipped on a machine without the program; in CI (which installs it, .ci/run) a failure."""
    if settings.CI:
        pytest.fail(f"CI=true but {what}: the fault tests cannot run.")
    pytest.skip(what)


@pytest.fixture(scope="session")
def local_postgres():
    if postgres_bin() is None:
        _missing("PostgreSQL's server programs (initdb, pg_ctl) are not installed")
    folder = _folder("tp-faults-pg-")
    folder.chmod(0o755)
    instance = LocalPostgres(folder)
    yield instance
    instance.stop()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def postgres_instance(local_postgres):
    """The fault tests' PostgreSQL, running again after the test whatever the test did to it."""
    yield local_postgres
    local_postgres.ensure_running()


@pytest.fixture(scope="session")
def local_redis():
    if redis_bin() is None:
        _missing("redis-server is not installed")
    folder = _folder("tp-faults-redis-")
    instance = LocalRedis(folder)
    yield instance
    instance.stop()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def redis_instance(local_redis):
    """The fault tests' Redis, emptied before and running again after the test."""
    local_redis.ensure_running()
    local_redis._cli("flushall")
    yield local_redis
    local_redis.ensure_running()


@pytest.fixture(scope="session")
def portal_server(local_postgres, django_db_setup, django_db_blocker):
    """The portal under gunicorn on the fault tests' PostgreSQL: a migrated database, the reference
    data, and a signatory (logged in) with an application ready to submit (tests/faults/scenario.py).

    The database is a copy of the run's test database as it was just made (migrated, reference data
    loaded: a few seconds), rather than migrated again (up to half a minute on a busy machine)."""
    from django.db import connection

    folder = _folder("tp-faults-portal-")
    local_postgres.createdb("portal")
    env = portal_env(database_url=local_postgres.url("portal"), media_root=folder)
    with django_db_blocker.unblock():
        source = connection.settings_dict
    if connection.vendor == "postgresql":
        local_postgres.copy_database(source, "portal")
    else:
        manage("manage.py", "migrate", "--no-input", "-v", "0", env=env)
    scenario = json.loads(manage("-m", "tests.faults.scenario", env=env).strip().splitlines()[-1])
    server = PortalServer(database_url=local_postgres.url("portal"), media_root=folder, log=folder / "gunicorn.log")
    server.scenario = scenario
    yield server
    server.stop()
    shutil.rmtree(folder, ignore_errors=True)
