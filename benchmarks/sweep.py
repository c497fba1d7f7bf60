"""1d. The reminder sweep over every round at national size, at a moment when the application
reminders of 14 and 7 days before the deadline are due for every draft: its seconds (wall and CPU)
and queries, then those of the next sweep at the same moment (everything sent: the usual sweep).
Both run in a transaction rolled back afterwards, so the data set is left as it was."""

import datetime as dt
import time

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from applications.models import Application, ApplicationStatus
from reminders.sweep import reminders_sweep
from schemes.models import Round

from .targets import Target


class _Rollback(Exception):
    pass


def _sweep(now):
    with CaptureQueriesContext(connection) as queries:
        wall, cpu = time.perf_counter(), time.process_time()
        result = reminders_sweep(now=now)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {"seconds": round(wall, 2), "cpu_seconds": round(cpu, 2), "queries": len(queries),
            "due": result.due, "sent": result.sent, "failed": result.failed}


TARGETS: list[Target] = []  # the issue sets no target for the sweep: its figures are reported


def measure(*, args, built) -> dict:
    year = dt.date.today().year
    closes = min(Round.objects.filter(year=year).values_list("closes_at", flat=True))
    now = closes - dt.timedelta(days=7) + dt.timedelta(hours=1)  # 14 and 7 days before: both due
    drafts = Application.objects.filter(round__year=year, status=ApplicationStatus.DRAFT).count()
    results = {"now": now.isoformat(), "rounds": Round.objects.count(), "drafts": drafts}
    try:
        with transaction.atomic():
            results["first"] = _sweep(now)
            results["second"] = _sweep(now)
            raise _Rollback
    except _Rollback:
        pass
    first, second = results["first"], results["second"]
    results["summary"] = (
        f"At {now:%Y-%m-%d %H:%M} over {results['rounds']} rounds and {drafts} drafts: the first sweep "
        f"({first['due']} reminders due, {first['sent']} sent) took {first['seconds']} s "
        f"({first['cpu_seconds']} CPU-s) and {first['queries']} queries; the next one at the same moment "
        f"({second['due']} due, {second['sent']} sent) {second['seconds']} s and {second['queries']} queries.")
    print("  " + results["summary"], flush=True)
    results["targets"] = [t.judge(results) for t in TARGETS]
    return results
