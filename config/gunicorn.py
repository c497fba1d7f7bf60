"""Gunicorn's settings for the portal (`gunicorn -c config/gunicorn.py config.wsgi:application`, as the
Dockerfile and docker-compose.yml run it): sync workers, and Python's cyclic garbage collector tuned
for a web worker.

A Django request makes tens of thousands of short-lived objects. With Python's default thresholds
(700, 10, 10) the collector runs every few hundred allocations and, every hundred of those, walks
every object the worker has (Django, the portal, their modules and caches: hundreds of thousands of
objects that live as long as the process). Measured on the deadline-day journey (log in, task list,
save, check, submit: benchmarks/): 267 collections and 5.9 ms of CPU per journey with the defaults.

So each worker, once it has loaded the application, moves everything it holds to the permanent
generation (`gc.freeze()`: never walked again, as it never becomes garbage) and collects the young
generation only after 50 000 new objects: a few collections per journey, over what the requests made.
Memory is not affected beyond a request's own garbage; a request's cycles are still collected.
"""

import gc
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None

GC_THRESHOLDS = (50_000, 20, 100)


def post_worker_init(worker):
    """After the worker has imported the application, before its first request."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
