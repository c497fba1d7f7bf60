"""PostgreSQL and Redis instances of the fault tests' own, on free loopback ports in temporary
folders, which the tests stop, restart and start again. The machine's PostgreSQL (5432) and Redis
(6379) are shared by the rest of the suite (and by other people's runs): they are never touched.

- `LocalPostgres(folder)`: `initdb` + `pg_ctl` of the installed PostgreSQL (run as the `postgres`
  user when we are root: PostgreSQL refuses to run as root, and CI runs as root);
- `LocalRedis(folder)`: `redis-server` without persistence, stopped with `shutdown nosave`;
- `PortalServer`: the portal served by gunicorn (one sync worker) against a `LocalPostgres`
  database, as production serves it, so a request meets a real restart of its database.

Every start waits until the service answers (with a deadline), and `ensure_running()` starts it
again whatever a test left it in; the fixtures call it after every test and `stop()` at the end.
"""

import glob
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def postgres_bin() -> Path | None:
    """The folder of the newest installed PostgreSQL server's programs (Debian's layout), or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def redis_bin() -> str | None:
    return shutil.which("redis-server")


def _wait(check, what: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise RuntimeError(f"{what} did not answer within {seconds} s")


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


class LocalPostgres:
    def __init__(self, folder: Path):
        self.bin = postgres_bin()
        self.folder = Path(folder)
        self.data = self.folder / "data"
        self.port = free_port()
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.folder, user="postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-N", "-E", "UTF8",
                  "--locale=C.UTF-8")
        self.start()

    def _run(self, program: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(self.bin / program), *args]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=check, capture_output=True, text=True, timeout=60)

    def _ctl(self, action: str, *extra: str, check: bool = True) -> subprocess.CompletedProcess:
        # fsync off: a test instance need not survive a power cut, and restarts are then quick
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        return self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.folder / "log"), "-w",
                         "-t", "30", action, *extra, check=check)

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def running(self) -> bool:
        return self._ctl("status", check=False).returncode == 0 and _port_open(self.port)

    def start(self) -> None:
        for attempt in range(3):
            if self._ctl("start", check=False).returncode == 0 or self.running():
                _wait(lambda: _port_open(self.port), "PostgreSQL")
                return
            time.sleep(0.5 * (attempt + 1))
        raise RuntimeError(f"PostgreSQL did not start: {(self.folder / 'log').read_text()[-2000:]}")

    def restart(self) -> None:
        """What an operator's restart (or a failover) does: every connection is cut, then it answers again."""
        self._ctl("restart", "-m", "fast")
        _wait(lambda: _port_open(self.port), "PostgreSQL")

    def ensure_running(self) -> None:
        if not self.running():
            self.start()

    def stop(self) -> None:
        self._ctl("stop", "-m", "immediate", check=False)

    def createdb(self, name: str) -> None:
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)

    def copy_database(self, source: dict, name: str) -> None:
        """Copy a database of another server (Django's settings_dict of it: the run's test database)
        into `name` here, schema, triggers and rows: pg_dump piped into psql, read-only on the source."""
        dump = subprocess.Popen(
            [str(self.bin / "pg_dump"), "--no-owner", "--no-privileges", "-h", source["HOST"] or "127.0.0.1",
             "-p", str(source["PORT"] or 5432), "-U", source["USER"] or "postgres", source["NAME"]],
            stdout=subprocess.PIPE, env={**os.environ, "PGPASSWORD": source.get("PASSWORD") or ""})
        restore = subprocess.run(
            [str(self.bin / "psql"), "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", str(self.port), "-U",
             "postgres", "-d", name], stdin=dump.stdout, capture_output=True, text=True, timeout=120)
        dump.stdout.close()
        if dump.wait(timeout=120) != 0 or restore.returncode != 0:
            raise RuntimeError(f"Copying the test database failed: {restore.stderr[-2000:]}")


class LocalRedis:
    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.start()

    def _cli(self, *args: str, check: bool = False) -> subprocess.CompletedProcess:
        return subprocess.run(["redis-cli", "-p", str(self.port), *args], capture_output=True, text=True,
                              timeout=10, check=check)

    def running(self) -> bool:
        return self._cli("ping").stdout.strip() == "PONG"

    def start(self) -> None:
        for attempt in range(3):
            subprocess.run([redis_bin(), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                            "--appendonly", "no", "--daemonize", "yes", "--dir", str(self.folder),
                            "--logfile", str(self.folder / "redis.log")], check=False, timeout=10)
            try:
                _wait(self.running, "Redis", seconds=5)
                return
            except RuntimeError:
                time.sleep(0.5 * (attempt + 1))
        raise RuntimeError("Redis did not start")

    def stop(self) -> None:
        self._cli("shutdown", "nosave")
        _wait(lambda: not _port_open(self.port), "Redis's shutdown")

    def ensure_running(self) -> None:
        if not self.running():
            self.start()


class PortalServer:
    """gunicorn serving the portal (config.settings.test: tasks eager, e-mail kept in memory) against
    `database_url`, with persistent connections (CONN_MAX_AGE), as production may run it."""

    def __init__(self, *, database_url: str, media_root: Path, log: Path):
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.env = portal_env(database_url=database_url, media_root=media_root)
        self.log = open(log, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
             "--workers", "1", "--timeout", "60", "--graceful-timeout", "2"],
            cwd=REPO, env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        _wait(self._answers, "gunicorn", seconds=30)

    def _answers(self) -> bool:
        if self.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {Path(self.log.name).read_text()[-3000:]}")
        try:
            httpx.get(self.base_url + "/", timeout=1)
            return True
        except httpx.HTTPError:
            return False

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.log.close()


def portal_env(*, database_url: str, media_root: Path) -> dict:
    return {**os.environ, "PYTHONPATH": str(REPO), "DJANGO_SETTINGS_MODULE": "tests.faults.server_settings",
            "DATABASE_URL": database_url, "CONN_MAX_AGE": "60", "FAULTS_MEDIA_ROOT": str(media_root),
            "LOG_LEVEL": "WARNING"}


def manage(*args: str, env: dict, timeout: float = 120) -> str:
    """Run `python -m <module>` or `manage.py <command>` in the portal's environment; its output."""
    done = subprocess.run([sys.executable, *args], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    return done.stdout
