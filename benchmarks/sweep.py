"""1d. The reminder sweep over every round at national size, at a moment when the application
reminders of 14 and 7 days before the deadline are due for every draft (every municipality's, as
before the two largest offices' were submitted): its seconds (wall and CPU)
and queries, then those of the next sweep at the same moment (everything sent: the usual sweep).
Both run on a copy of the data set (`<db>_sweep`, dropped afterwards): the sweep claims each reminder in
a durable transaction of its own, so it cannot be rolled back from outside."""

import datetime as dt
import time

from django.db import connection, connections

from applications.models import Application, ApplicationStatus
from reminders.sweep import reminders_sweep
from schemes.models import Round

from . import environment
from .pages import QueryCounter
from .targets import Target


def _sweep(now):
    queries = QueryCounter()
    with connection.execute_wrapper(queries):
        wall, cpu = time.perf_counter(), time.process_time()
        result = reminders_sweep(now=now)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {"seconds": round(wall, 2), "cpu_seconds": round(cpu, 2), "queries": queries.count,
            "due": result.due, "sent": result.sent, "failed": result.failed}


TARGETS: list[Target] = []  # the issue sets no target for the sweep: its figures are reported


def measure(*, args, built) -> dict:
    year = dt.date.today().year
    copy = f"{environment.DATABASE}_sweep"
    connections.close_all()
    # the copy taken before the two largest offices' applications were submitted: every municipality's draft
    template = f"{built['rush_database']}_fresh" if built.get("rush_database") else environment.DATABASE
    environment.database_recreate(copy, template=template)
    settings_db = connections["default"].settings_dict
    settings_db["NAME"] = copy
    try:
        closes = min(Round.objects.filter(year=year).values_list("closes_at", flat=True))
        now = closes - dt.timedelta(days=7) + dt.timedelta(hours=1)  # 14 and 7 days before: both due
        drafts = Application.objects.filter(round__year=year, status=ApplicationStatus.DRAFT).count()
        results = {"now": now.isoformat(), "rounds": Round.objects.count(), "drafts": drafts}
        results["first"] = _sweep(now)
        results["second"] = _sweep(now)
    finally:
        connections.close_all()
        settings_db["NAME"] = environment.DATABASE
        environment.database_drop(copy)
    first, second = results["first"], results["second"]
    results["summary"] = (
        f"At {now:%Y-%m-%d %H:%M} over {results['rounds']} rounds and {drafts} drafts: the first sweep "
        f"({first['due']} reminders due, {first['sent']} sent) took {first['seconds']} s "
        f"({first['cpu_seconds']} CPU-s) and {first['queries']} queries; the next one at the same moment "
        f"({second['due']} due, {second['sent']} sent) {second['seconds']} s and {second['queries']} queries.")
    print("  " + results["summary"], flush=True)
    results["targets"] = [t.judge(results) for t in TARGETS]
    return results
