"""Production settings, the compose file, the demo seed and the Celery round trip."""

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def test_production_settings_pass_check_deploy_with_no_warnings():
    # the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for live_server; production never has it
    base = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {**base, "DJANGO_SETTINGS_MODULE": "config.settings.production",
           "SECRET_KEY": "x" * 20 + uuid.uuid4().hex + uuid.uuid4().hex, "ALLOWED_HOSTS": "tilskudd.example",
           "DATABASE_URL": "postgres://portal@127.0.0.1:5432/tilskuddsportalen"}
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.production", "ALLOWED_HOSTS": "tilskudd.example"})
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.skipif(shutil.which("docker-compose") is None, reason="docker-compose (Debian package) is not installed")
def test_the_compose_file_is_valid_and_has_the_whole_stack():
    result = subprocess.run(["docker-compose", "-f", str(ROOT / "docker-compose.yml"), "config", "-q"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    services = subprocess.run(["docker-compose", "-f", str(ROOT / "docker-compose.yml"), "config", "--services"],
                              capture_output=True, text=True, timeout=60).stdout.split()
    assert set(services) == {"web", "worker", "beat", "db", "redis", "mail"}


def test_compose_gives_every_variable_the_settings_read():
    compose = (ROOT / "docker-compose.yml").read_text()
    for variable in ("DATABASE_URL", "REDIS_URL", "EMAIL_URL", "SECRET_KEY", "ALLOWED_HOSTS"):
        assert f"{variable}:" in compose
        assert variable in (ROOT / "config" / "settings" / "base.py").read_text() + (
            ROOT / "config" / "settings" / "production.py").read_text()


@pytest.mark.django_db
def test_seed_demo_makes_every_role_and_both_rounds_and_can_run_twice():
    from django.core.management import call_command

    from portal.models import Membership, Role, User
    from schemes.models import Round

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(settings, "DEBUG", True)
        call_command("seed_demo")
        counts = (User.objects.count(), Membership.objects.count(), Round.objects.count())
        call_command("seed_demo")
    assert (User.objects.count(), Membership.objects.count(), Round.objects.count()) == counts
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
    nordland = Membership.objects.filter(role__in=[Role.EDITOR, Role.SIGNATORY]).values_list(
        "organisation__name", "role")
    assert {("Bodø", Role.EDITOR), ("Bodø", Role.SIGNATORY), ("Narvik", Role.EDITOR), ("Narvik", Role.SIGNATORY)} <= set(nordland)
    historic = Round.objects.get(year=2020)
    assert historic.contact_email == "fmnopost@fylkesmannen.no"
    current = Round.objects.exclude(year=2020).get()
    assert current.is_open(), "the demo round of this year must be open so a newcomer can apply at once"


@pytest.mark.django_db(transaction=True)
def test_seed_demo_prints_the_logins_and_little_else(settings, capsys):
    """Under `make run` e-mails go to the console: the seed's receipts must not bury the logins. (A
    transactional test: the receipts' tasks run when the seed commits, as they do in `make run`.)"""
    import io

    from django.core.management import call_command

    from applications.models import Receipt
    from demo.seed import DEMO_PASSWORD, DEMO_USERS
    from portal.models import Delivery, SentEmail

    settings.DEBUG = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    printed = out.getvalue() + capsys.readouterr().out
    lines = printed.strip().splitlines()
    # a heading, a line per login, the password, and three lines on trying the OIDC login locally
    assert len(lines) <= len(DEMO_USERS) + 6, printed[:3000]
    assert "Subject:" not in printed
    for user in DEMO_USERS:
        assert user.email in printed
    assert DEMO_PASSWORD in printed
    assert "anne.admin@fylkesmannen.example" in printed and "Statsforvalteren i Nordland" in printed
    # what the seed makes is unchanged: the three applications' receipts, their e-mails recorded as sent
    assert Receipt.objects.count() == 3
    assert SentEmail.objects.filter(status=Delivery.SENT).count() == 3


@pytest.mark.django_db
def test_seed_demo_refuses_production_without_the_flag():
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("seed_demo")


@pytest.mark.redis
def test_a_real_task_goes_through_redis_to_a_worker_and_back(tmp_path):
    """Start a Celery worker process on its own queue, send a task through Redis, get the answer."""
    from config.celery import app

    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "CELERY_TASK_ALWAYS_EAGER": "false"}
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo", "--queues", queue,
         "--concurrency", "1", "--without-heartbeat", "--without-gossip", "--without-mingle", "--loglevel", "INFO",
         "-n", f"{queue}@%h"],
        cwd=ROOT, env=env, stdout=open(tmp_path / "worker.log", "w"), stderr=subprocess.STDOUT,
    )
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False  # the rest of the suite runs tasks eagerly; this test must not
    try:
        token = uuid.uuid4().hex
        result = app.send_task("portal.health_check", args=[token], queue=queue)
        answer = result.get(timeout=60)
        assert answer["token"] == token
        assert result.status == "SUCCESS"
    finally:
        app.conf.task_always_eager = eager
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
        print((tmp_path / "worker.log").read_text()[-3000:])


def _pytest_with(env_overrides, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "tests/portal/test_validators.py",
         "-k", "every_municipality", "--basetemp", str(tmp_path / "run")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )


def test_without_postgres_the_suite_says_so_loudly_and_falls_back_to_sqlite(tmp_path):
    result = _pytest_with({"DATABASE_URL": "postgres://postgres@127.0.0.1:1/none"}, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "PostgreSQL is NOT reachable" in result.stdout
    assert "1 passed" in result.stdout


def test_with_ci_an_unreachable_postgres_or_redis_fails_the_run(tmp_path):
    no_postgres = _pytest_with({"CI": "true", "DATABASE_URL": "postgres://postgres@127.0.0.1:1/none"}, tmp_path)
    assert no_postgres.returncode != 0
    assert "PostgreSQL is not reachable" in no_postgres.stdout + no_postgres.stderr
    no_redis = _pytest_with({"CI": "true", "REDIS_URL": "redis://127.0.0.1:1/0"}, tmp_path)
    assert no_redis.returncode != 0
    assert "Redis is not reachable" in no_redis.stdout + no_redis.stderr
