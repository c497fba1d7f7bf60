"""1b. The deadline rush, measured from outside: gunicorn with production settings on PostgreSQL and
Redis, a Celery worker, and the local OpenID Connect provider (oidc-provider-mock), all on loopback,
against `<db>_rush` (the data set copied while every application of this year was still a draft).

A bounded load generator (asyncio and aiohttp, one client per person, no connection shared between
people) plays every municipality's signatory, arriving evenly over `--rush-seconds`:

    log in through ID-porten (the portal's login → the provider's form, the subject posted → the
    callback → My page), open the task list, open the contact section and save it, open the check
    page and submit (then the task list it lands on)

while five caseworkers of the largest office, logged in through the state's provider, open the
round's list and board in turn with a second's pause. Requests carry `X-Forwarded-Proto: https`
(production trusts it from its proxy) and the cookies are kept per person by hand (they are
`Secure`, which an HTTP client keeps to itself otherwise).

Measured: per endpoint p50/p95/p99/max and errors (a status other than the one expected, or a
transport error); the CPU seconds of the gunicorn workers (utime + stime from /proc) over the rush
divided by the journeys; then, from the database, that every submission landed exactly once (status,
submission count, one submit event) and every receipt exists exactly once with its PDF, and the time
from the last submission to the last receipt (waiting at most `--receipt-wait` seconds).
"""

import asyncio
import datetime as dt
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp
import httpx
import redis
from django.db import connections
from django.db.models import Count, Max, Q
from multidict import CIMultiDictProxy

from applications.models import Application, ApplicationStatus, EventKind, Receipt
from portal.models import Office
from schemes.models import Round

from . import environment
from .dataset import SMALL_OFFICE_SLUG, caseworker_subject, subject_of
from .targets import Target

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')
FORM_KEY = re.compile(r'name="form_key" value="([^"]+)"')  # portal.idempotency: a browser sends it back
# Which endpoint a request the server logged belongs to (its CPU, `benchmarks/gunicorn_cpu.py`), in order.
CPU_ENDPOINTS = [
    ("GET", re.compile(r"^/login/(idporten|office)/$"), "login: start"),
    ("GET", re.compile(r"^/login/(idporten|office)/callback/$"), "login: callback"),
    ("GET", re.compile(r"^/me/$"), "my page"),
    ("GET", re.compile(r"^/applications/\d+/$"), "task list"),
    ("GET", re.compile(r"^/applications/\d+/details/$"), "section: open"),
    ("POST", re.compile(r"^/applications/\d+/details/$"), "section: save"),
    ("GET", re.compile(r"^/applications/\d+/check/$"), "check"),
    ("POST", re.compile(r"^/applications/\d+/submit/$"), "submit"),
    ("GET", re.compile(r"^/office/rounds/\d+/board/$"), "caseworker: board"),
    ("GET", re.compile(r"^/office/rounds/\d+/$"), "caseworker: list"),
]
CASEWORKER_ENDPOINTS = {"caseworker: board", "caseworker: list"}
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _cpu_seconds(pid: int) -> float:
    """utime + stime of a process (what it has used so far, its exited children not counted)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
        except (FileNotFoundError, ProcessLookupError, ValueError, IndexError):
            continue
    return found


def _tree_cpu(pid: int) -> dict[int, float]:
    return {p: _cpu_seconds(p) for p in [pid, *_children(pid)]}


def _cpu_delta(before: dict[int, float], after: dict[int, float]) -> float:
    return sum(after[p] - before.get(p, 0.0) for p in after)


def _yield_session(pid: int, nice: int) -> None:
    """Give a process's session the weight of `nice` against the other sessions.

    With the kernel's autogroup scheduling (kernel.sched_autogroup_enabled=1, the default on this
    machine) each session is scheduled as one group and a process's own nice value only weighs it
    against the processes of its own session: the worker started with `nice -n 10` in a session of its
    own took the CPU like any other group and starved the web (277 CPU-s during the rush). The group's
    own nice value (/proc/<pid>/autogroup) is what yields it, as `cpu_shares` does for the container.
    """
    try:
        Path(f"/proc/{pid}/autogroup").write_text(str(nice))
    except OSError:  # no autogroup in this kernel: the process's nice value is all there is
        pass


class Stack:
    """The processes of the rush, started in order and stopped (by their own ids) in reverse."""

    def __init__(self, *, workers: int, threads: int, concurrency: int, log_dir: Path):
        self.oidc_port, self.web_port = _free_port(), _free_port()
        self.cpu_log = log_dir / "cpu"
        for old in log_dir.glob("cpu.*"):
            old.unlink()
        self.issuer = f"http://127.0.0.1:{self.oidc_port}"
        self.env = {**os.environ, **environment.environment(database=environment.RUSH_DATABASE, oidc_issuer=self.issuer),
                    "SECRET_KEY": os.environ["SECRET_KEY"], "BENCH_CPU_LOG": str(log_dir / "cpu")}
        self.workers, self.threads, self.concurrency, self.log_dir = workers, threads, concurrency, log_dir
        self.processes: dict[str, subprocess.Popen] = {}

    def _start(self, name, command):
        log = open(self.log_dir / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
        self.processes[name] = subprocess.Popen(command, env=self.env, cwd=environment.ROOT, stdout=log,
                                                stderr=subprocess.STDOUT, start_new_session=True)

    def start(self):
        python = sys.executable
        # oidc-provider-mock with its signing key imported once (benchmarks/oidc_provider.py): ID-porten is not
        # on the portal's machine, and the mock's own 40 ms per login would be taken from the portal here
        self._start("oidc", [python, "-m", "benchmarks.oidc_provider", "--host", "127.0.0.1", "--port", str(self.oidc_port)])
        gunicorn = [python, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{self.web_port}",
                    "--workers", str(self.workers), "--timeout", "120", "--graceful-timeout", "5",
                    "--max-requests", "0", "--backlog", "2048", "-c", str(Path(__file__).with_name("gunicorn_cpu.py"))]
        if self.threads > 1:
            gunicorn += ["--worker-class", "gthread", "--threads", str(self.threads)]
        self._start("gunicorn", gunicorn)
        # the worker yields the CPU to the web (nice 10), as deployed (docker-compose.yml): a page waits on
        # the CPU while someone waits on it; a receipt is e-mailed a minute later and nobody notices
        self._start("celery", ["nice", "-n", "10", python, "-m", "celery", "-A", "config", "worker", "--loglevel", "WARNING",
                               "--concurrency", str(self.concurrency), "--without-heartbeat", "--without-gossip",
                               "--without-mingle"])
        _yield_session(self.processes["celery"].pid, 10)
        self._wait(f"{self.issuer}/.well-known/openid-configuration")
        self._wait(f"http://127.0.0.1:{self.web_port}/", headers={"X-Forwarded-Proto": "https"})

    def _wait(self, url, seconds=60, headers=None):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    raise RuntimeError(f"{name} exited; see {self.log_dir / (name + '.log')}")
            try:
                if httpx.get(url, timeout=2, headers=headers).status_code < 500:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"{url} did not answer within {seconds} s")

    def pid(self, name) -> int:
        return self.processes[name].pid

    def stop(self):
        for name in reversed(list(self.processes)):
            process = self.processes[name]
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)  # its own session: gunicorn's or celery's workers too
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()


class Recorder:
    def __init__(self):
        self.times = defaultdict(list)
        self.errors = defaultdict(int)
        self.samples: dict[str, str] = {}

    def ok(self, endpoint, seconds):
        self.times[endpoint].append(seconds)

    def error(self, endpoint, seconds, what):
        self.times[endpoint].append(seconds)
        self.errors[endpoint] += 1
        self.samples.setdefault(f"{endpoint}: {what[:80]}", f"{endpoint}: {what[:300]}")

    def table(self) -> dict:
        def percentile(values, p):
            values = sorted(values)
            return round(values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] * 1000, 1)

        return {name: {"count": len(values), "errors": self.errors[name], "p50": percentile(values, 50),
                       "p95": percentile(values, 95), "p99": percentile(values, 99), "max": round(max(values) * 1000, 1)}
                for name, values in sorted(self.times.items())}


@dataclass
class Page:
    """What a person's browser got back: the status, the headers and the body as text."""

    status_code: int
    headers: CIMultiDictProxy
    text: str


class Person:
    """One browser: its own connections and its own cookies, talking HTTPS (as far as the portal
    knows) to gunicorn and plain HTTP to the provider. aiohttp rather than httpx: a third of the
    client's CPU per request (0.6–0.9 against 2.2–2.4 ms, measured on this machine), and the load
    generator shares the two cores with the portal it measures."""

    def __init__(self, portal: str, recorder: Recorder):
        self.portal, self.recorder = portal, recorder
        # cookies kept by hand (below): they are Secure, and aiohttp would keep them from plain http
        self.http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60),
                                          cookie_jar=aiohttp.DummyCookieJar())
        self.cookies: dict[str, str] = {}

    async def close(self):
        await self.http.close()

    def _to_portal(self, url: str) -> str:
        """The portal's own links are https (it is told so) or relative; the provider's are http."""
        parts = urlsplit(url)
        if parts.scheme == "https" or not parts.netloc:
            return self.portal + parts.path + (f"?{parts.query}" if parts.query else "")
        return url

    async def request(self, endpoint, method, url, *, expect=(200,), data=None) -> Page | None:
        url = self._to_portal(url)
        headers = {"X-Forwarded-Proto": "https", "Origin": "https://127.0.0.1"}
        if url.startswith(self.portal):
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            headers["Referer"] = "https://127.0.0.1/"
        started = time.perf_counter()
        try:
            async with self.http.request(method, url, headers=headers, data=data, allow_redirects=False) as answer:
                response = Page(answer.status, answer.headers, await answer.text())
        except (aiohttp.ClientError, TimeoutError) as error:
            self.recorder.error(endpoint, time.perf_counter() - started, f"{type(error).__name__}: {error}")
            return None
        elapsed = time.perf_counter() - started
        if url.startswith(self.portal):
            for header in response.headers.getall("set-cookie", []):
                name, _sep, rest = header.partition("=")
                value = rest.split(";", 1)[0]
                if value in ("", '""') or "max-age=0" in header.lower():
                    self.cookies.pop(name.strip(), None)
                else:
                    self.cookies[name.strip()] = value
        if response.status_code not in expect:
            where = response.headers.get("location", "")
            self.recorder.error(endpoint, elapsed, f"HTTP {response.status_code} {where} {response.text[:120]!r}")
            return None
        self.recorder.ok(endpoint, elapsed)
        return response

    async def log_in(self, provider_key: str, subject: str) -> bool:
        start = await self.request("login: start", "GET", f"/login/{provider_key}/", expect=(302,))
        if start is None:
            return False
        authorize = start.headers["location"]
        form = await self.request("login: provider form", "GET", authorize)
        if form is None:
            return False
        answer = await self.request("login: provider post", "POST", authorize, data={"sub": subject}, expect=(302,))
        if answer is None:
            return False
        callback = await self.request("login: callback", "GET", answer.headers["location"], expect=(302,))
        if callback is None or "/login/" in callback.headers["location"]:
            if callback is not None:
                self.recorder.error("login: callback", 0, f"refused: back to {callback.headers['location']}")
            return False
        landing = await self.request("my page", "GET", callback.headers["location"])
        return landing is not None


async def municipality(portal, recorder, subject, application_pk, done: list):
    person = Person(portal, recorder)
    try:
        if not await person.log_in("idporten", subject):
            return
        overview = f"/applications/{application_pk}/"
        if await person.request("task list", "GET", overview) is None:
            return
        form = await person.request("section: open", "GET", f"{overview}details/")
        if form is None:
            return
        token, version = CSRF.search(form.text), VERSION.search(form.text)
        saved = await person.request("section: save", "POST", f"{overview}details/", expect=(302,), data={
            "csrfmiddlewaretoken": token.group(1) if token else "", "version": version.group(1) if version else "",
            "contact_name": "Kari Nilsen", "contact_email": f"kontakt.{application_pk}@kommune.bench",
            "contact_phone": "12345678", "project_priorities": "Prosjekt 1 først; så prosjekt 2.",
            "competence_raising_plan": "Vi hever kompetansen i hjemmetjenesten og på sykehjemmene.",
            **_form_key(form)})
        if saved is None:
            return
        check = await person.request("check", "GET", f"{overview}check/")
        if check is None:
            return
        token = CSRF.search(check.text)
        submitted = await person.request("submit", "POST", f"{overview}submit/", expect=(302,),
                                         data={"csrfmiddlewaretoken": token.group(1) if token else "",
                                               **_form_key(check)})
        if submitted is None:
            return
        if await person.request("task list after submit", "GET", submitted.headers["location"]) is not None:
            done.append(time.monotonic())
    finally:
        await person.close()


async def caseworker(portal, recorder, subject, round_pk, stop: asyncio.Event):
    person = Person(portal, recorder)
    try:
        if not await person.log_in("office", subject):
            return
        while not stop.is_set():
            await person.request("caseworker: list", "GET", f"/office/rounds/{round_pk}/")
            await person.request("caseworker: board", "GET", f"/office/rounds/{round_pk}/board/")
            try:
                await asyncio.wait_for(stop.wait(), timeout=1.0)
            except TimeoutError:
                pass
    finally:
        await person.close()


async def play(portal, journeys, caseworkers, round_pk, spread):
    recorder, done, stop = Recorder(), [], asyncio.Event()
    watchers = [asyncio.create_task(caseworker(portal, recorder, s, round_pk, stop)) for s in caseworkers]
    started = time.monotonic()

    async def arrive(n, subject, pk):
        await asyncio.sleep(n * spread / max(len(journeys), 1))
        await municipality(portal, recorder, subject, pk, done)

    await asyncio.gather(*(arrive(n, s, pk) for n, (s, pk) in enumerate(journeys)))
    finished = time.monotonic()
    stop.set()
    await asyncio.gather(*watchers)
    return recorder, started, finished, done


def _form_key(page) -> dict:
    found = FORM_KEY.search(page.text)
    return {"form_key": found.group(1)} if found else {}


def _server_cpu(log_prefix: Path) -> dict:
    """Each endpoint's CPU as the server logged it: {endpoint: [seconds, ...]} ("other": the rest)."""
    spent = defaultdict(list)
    for log in log_prefix.parent.glob(log_prefix.name + ".*"):
        for line in log.read_text().splitlines():
            method, path, seconds = line.rsplit(" ", 2)
            endpoint = next((name for m, pattern, name in CPU_ENDPOINTS if m == method and pattern.search(path)),
                            "other")
            spent[endpoint].append(float(seconds))
    return spent


def _journeys(limit):
    year = dt.date.today().year
    drafts = (Application.objects.filter(round__year=year, status=ApplicationStatus.DRAFT)
              .exclude(round__office__slug=SMALL_OFFICE_SLUG).select_related("organisation").order_by("organisation__name"))
    journeys = [(subject_of(a.organisation), a.pk) for a in drafts]
    return journeys[:limit] if limit else journeys


def _check(application_pks, wait_seconds):
    """From the database: every submission once, every receipt once; waits for the receipts."""
    deadline = time.monotonic() + wait_seconds
    while True:
        receipts = Receipt.objects.filter(application_id__in=application_pks)
        if receipts.count() >= len(application_pks) or time.monotonic() > deadline:
            break
        time.sleep(2)
    applications = Application.objects.filter(pk__in=application_pks).annotate(
        submit_events=Count("events", filter=Q(events__kind=EventKind.STATUS_CHANGED,
                                               events__to_status=ApplicationStatus.SUBMITTED)),
        receipt_rows=Count("receipts", distinct=True))
    rows = list(applications.values("pk", "status", "submission_count", "submit_events", "receipt_rows"))
    last_submitted = Application.objects.filter(pk__in=application_pks).aggregate(m=Max("submitted_at"))["m"]
    last_receipt = Receipt.objects.filter(application_id__in=application_pks).aggregate(m=Max("created_at"))["m"]
    empty_pdfs = sum(1 for r in Receipt.objects.filter(application_id__in=application_pks) if not r.pdf or r.pdf.size == 0)
    return {
        "applications": len(rows),
        "submitted exactly once": sum(1 for r in rows if r["status"] == ApplicationStatus.SUBMITTED
                                      and r["submission_count"] == 1 and r["submit_events"] == 1),
        "submitted more than once": sum(1 for r in rows if r["submission_count"] > 1 or r["submit_events"] > 1),
        "not submitted": sum(1 for r in rows if r["status"] != ApplicationStatus.SUBMITTED),
        "one receipt": sum(1 for r in rows if r["receipt_rows"] == 1),
        "no receipt": sum(1 for r in rows if r["receipt_rows"] == 0),
        "more than one receipt": sum(1 for r in rows if r["receipt_rows"] > 1),
        "receipts without a PDF": empty_pdfs,
        "last submission": last_submitted.isoformat() if last_submitted else None,
        "last receipt": last_receipt.isoformat() if last_receipt else None,
        "seconds from last submission to last receipt": round((last_receipt - last_submitted).total_seconds(), 1)
        if last_receipt and last_submitted else None,
    }


TARGETS = [
    Target("rush: every journey within 60 s", "≤ 60 s", lambda r: r["duration"] <= 60 and r["completed"] == r["journeys"],
           lambda r: f'{r["completed"]}/{r["journeys"]} journeys in {r["duration"]} s'),
    Target("rush: errors", "0", lambda r: r["errors"] == 0, lambda r: str(r["errors"])),
    Target("rush: p99 of every endpoint", "≤ 2 s", lambda r: r["worst_p99_ms"] <= 2000,
           lambda r: f'{r["worst_p99_ms"]} ms ({r["worst_p99_endpoint"]})'),
    Target("rush: web CPU per journey", "≤ 0.1 CPU-s", lambda r: r["cpu_per_journey"] <= 0.1,
           lambda r: f'{r["cpu_per_journey"]} CPU-s'),
    Target("rush: each submission landed once", "all", lambda r: r["check"]["submitted exactly once"] == r["journeys"]
           and r["check"]["submitted more than once"] == 0,
           lambda r: f'{r["check"]["submitted exactly once"]}/{r["journeys"]}'),
    Target("rush: each receipt exists once", "all", lambda r: r["check"]["one receipt"] == r["journeys"]
           and r["check"]["more than one receipt"] == 0 and r["check"]["receipts without a PDF"] == 0,
           lambda r: f'{r["check"]["one receipt"]}/{r["journeys"]}'),
    Target("rush: last receipt after the last submission", "≤ 180 s",
           lambda r: r["check"]["no receipt"] == 0 and r["check"]["seconds from last submission to last receipt"] <= 180,
           lambda r: f'{r["check"]["seconds from last submission to last receipt"]} s'
                     f'{", " + str(r["check"]["no receipt"]) + " missing" if r["check"]["no receipt"] else ""}'),
]


def measure(*, args, built) -> dict:
    for name in ("httpx", "httpcore"):  # not a log line per request of the load generator
        logging.getLogger(name).setLevel(logging.WARNING)
    if not built.get("rush_database"):
        return {"summary": "no rush database was built", "targets": []}
    # a fresh copy of the drafts for every rush (the one before may have submitted them)
    connections.close_all()
    fresh = f"{environment.RUSH_DATABASE}_fresh"
    environment.database_recreate(environment.RUSH_DATABASE, template=fresh)
    redis.Redis.from_url(environment.REDIS_URL).flushdb()  # no session, cache entry or task of a run before

    settings_db = connections["default"].settings_dict
    settings_db["NAME"] = environment.RUSH_DATABASE
    connections.close_all()
    journeys = _journeys(args.rush_users)
    round_ = Round.objects.get(pk=built["large_rounds"][0])
    office = Office.objects.get(pk=round_.office_id)
    caseworkers = [caseworker_subject(office, n) for n in range(5)]
    log_dir = environment.VAR / "rush-logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    workers = args.workers or 2 * (os.cpu_count() or 1) + 1
    stack = Stack(workers=workers, threads=args.threads, concurrency=os.cpu_count() or 1, log_dir=log_dir)
    print(f"  {len(journeys)} municipalities over {args.rush_seconds} s, 5 caseworkers; gunicorn {workers} workers × "
          f"{args.threads} threads, celery × {stack.concurrency}; logs in {log_dir}", flush=True)
    try:
        stack.start()
        portal = f"http://127.0.0.1:{stack.web_port}"
        # warm up every worker (imports, templates, the provider's discovery document) before counting CPU
        asyncio.run(_warm_up(portal, caseworker_subject(office, 0), round_.pk, workers))
        for warm in log_dir.glob("cpu.*"):  # the warm-up's requests are not the rush's
            warm.unlink()
        web_before, worker_before = _tree_cpu(stack.pid("gunicorn")), _tree_cpu(stack.pid("celery"))
        oidc_before = _tree_cpu(stack.pid("oidc"))
        load_before = time.process_time()
        recorder, started, finished, done = asyncio.run(
            play(portal, journeys, caseworkers, round_.pk, args.rush_seconds))
        web_cpu = _cpu_delta(web_before, _tree_cpu(stack.pid("gunicorn")))
        server_cpu = _server_cpu(stack.cpu_log)
        oidc_cpu = _cpu_delta(oidc_before, _tree_cpu(stack.pid("oidc")))
        load_cpu = time.process_time() - load_before
        check = _check([pk for _s, pk in journeys], args.receipt_wait)
        worker_cpu = _cpu_delta(worker_before, _tree_cpu(stack.pid("celery")))
    finally:
        stack.stop()
        settings_db["NAME"] = environment.DATABASE
        connections.close_all()
    endpoints = recorder.table()
    for name, values in server_cpu.items():  # each endpoint's median CPU in the server, beside its times
        if name in endpoints:
            endpoints[name]["cpu_ms"] = round(sorted(values)[len(values) // 2] * 1000, 1)
    municipal_cpu = sum(sum(v) for name, v in server_cpu.items() if name not in CASEWORKER_ENDPOINTS)
    caseworker_cpu = sum(sum(v) for name, v in server_cpu.items() if name in CASEWORKER_ENDPOINTS)
    worst = max(endpoints.items(), key=lambda item: item[1]["p99"]) if endpoints else ("", {"p99": float("inf")})
    results = {
        "journeys": len(journeys), "completed": len(done), "duration": round((max(done) if done else finished) - started, 1),
        "errors": sum(e["errors"] for e in endpoints.values()), "endpoints": endpoints,
        "error_samples": list(recorder.samples.values())[:15],
        "worst_p99_ms": worst[1]["p99"], "worst_p99_endpoint": worst[0],
        "web_cpu_seconds": round(web_cpu, 1), "cpu_per_journey": round(municipal_cpu / max(len(done), 1), 3),
        "web_cpu_per_journey_all_included": round(web_cpu / max(len(done), 1), 3),
        "municipal_request_cpu_seconds": round(municipal_cpu, 1), "caseworker_request_cpu_seconds": round(caseworker_cpu, 1),
        "worker_cpu_seconds": round(worker_cpu, 1), "oidc_provider_cpu_seconds": round(oidc_cpu, 1),
        "load_generator_cpu_seconds": round(load_cpu, 1), "workers": workers, "threads": args.threads,
        "check": check,
    }
    results["summary"] = (
        f"{results['completed']}/{results['journeys']} municipal journeys completed in {results['duration']} s "
        f"(arrivals spread over {args.rush_seconds} s), 5 caseworkers on the list and board meanwhile; "
        f"gunicorn {workers} workers × {args.threads} threads. CPU: web {results['web_cpu_seconds']} s in all "
        f"({results['web_cpu_per_journey_all_included']} s per journey with the caseworkers' requests and gunicorn's own "
        f"work); the municipalities' requests {results['municipal_request_cpu_seconds']} s "
        f"({results['cpu_per_journey']} s per journey, as the server measured each request), the caseworkers' "
        f"{results['caseworker_request_cpu_seconds']} s. Celery worker (nice 10) "
        f"{results['worker_cpu_seconds']} s, OIDC provider {results['oidc_provider_cpu_seconds']} s, load generator "
        f"{results['load_generator_cpu_seconds']} s (all on the same machine).")
    results["targets"] = [t.judge(results) for t in TARGETS]
    return results


async def _warm_up(portal, subject, round_pk, workers):
    recorder = Recorder()
    person = Person(portal, recorder)
    try:
        await person.log_in("office", subject)
        await asyncio.gather(*(person.request("warm", "GET", f"/office/rounds/{round_pk}/board/")
                               for _n in range(workers * 3)))
    finally:
        await person.close()
