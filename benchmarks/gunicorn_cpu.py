"""Gunicorn's settings for the rush (`-c benchmarks/gunicorn_cpu.py`): the portal's own
(config/gunicorn.py: its garbage collector tuning included), and hooks that log each request's CPU seconds, as its
worker thread spent them (`time.thread_time()`, from before the application is called to after the
response is written), appended as `METHOD path seconds` to `$BENCH_CPU_LOG.<pid>`. So the CPU of
the municipalities' journeys is told apart from the caseworkers' (whose requests run beside them),
and each endpoint's CPU is known. Sync workers only: one request at a time per process."""

import os
import time

from config.gunicorn import post_worker_init  # noqa: F401 - the production worker, as deployed

LOG = os.environ.get("BENCH_CPU_LOG", "")


def pre_request(worker, req):
    worker.bench_cpu_started = time.thread_time()


def post_request(worker, req, environ, resp):
    if not LOG:
        return
    spent = time.thread_time() - getattr(worker, "bench_cpu_started", time.thread_time())
    with open(f"{LOG}.{os.getpid()}", "a") as log:
        log.write(f"{req.method} {req.path} {spent:.6f}\n")
