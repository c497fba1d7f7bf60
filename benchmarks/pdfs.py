"""1c. PDFs: the seconds (wall and CPU) one receipt and one decision letter take to render in this
process, over the applications with the most lines of the largest round and last year's decisions;
then a whole office's letters through a Celery worker (production settings, the bench database):
the largest office's letters of last year made again, queued at once, timed until the last is stored."""

import os
import signal
import statistics
import subprocess
import sys
import time

from django.db.models import Count

from applications.models import Application
from applications.receipts import application_for_receipt, receipt_render_pdf
from casework.letters import decision_for_letter, decision_letter_render_pdf
from casework.models import Decision
from schemes.models import Round

from . import environment
from .targets import Target

SAMPLES = 8


def _timed(function, items):
    walls, cpus = [], []
    for item in items:
        wall, cpu = time.perf_counter(), time.process_time()
        function(item)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return walls, cpus


def _row(walls):
    return {"count": len(walls), "median": round(statistics.median(walls), 3), "max": round(max(walls), 3),
            "total": round(sum(walls), 1)}


def _office_letters(round_: Round, wait: float) -> dict:
    import config.celery  # noqa: F401 - the Celery app of the portal, configured from Django's settings
    from casework.tasks import decision_letter_task

    decisions = Decision.objects.filter(application__round=round_, letter_pdf__isnull=False).exclude(letter_pdf="")
    ids = list(decisions.values_list("pk", flat=True))
    # the letters are made again: the stored ones are forgotten (the files stay; this is bench data)
    Decision.objects.filter(pk__in=ids).update(letter_pdf="", letter_created_at=None)
    log = open(environment.VAR / "pdfs-celery.log", "w")  # noqa: SIM115 - closed below
    worker = subprocess.Popen([sys.executable, "-m", "celery", "-A", "config", "worker", "--loglevel", "WARNING",
                               "--concurrency", str(os.cpu_count() or 1), "--without-heartbeat", "--without-gossip",
                               "--without-mingle"], env=os.environ.copy(), cwd=environment.ROOT, stdout=log,
                              stderr=subprocess.STDOUT, start_new_session=True)
    try:
        time.sleep(5)  # the worker is up before the clock starts
        started = time.monotonic()
        for pk in ids:
            decision_letter_task.delay(pk)
        deadline = started + wait
        made = 0
        while time.monotonic() < deadline:
            made = Decision.objects.filter(pk__in=ids).exclude(letter_pdf="").count()
            if made == len(ids):
                break
            time.sleep(0.5)
        seconds = time.monotonic() - started
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
        log.close()
    return {"office": round_.office.name, "letters": len(ids), "made": made, "seconds": round(seconds, 1),
            "per_letter": round(seconds / max(made, 1), 3)}


TARGETS = [
    Target("a receipt (median)", "≤ 0.5 s", lambda r: r["rows"]["receipt"]["median"] <= 0.5,
           lambda r: f'{r["rows"]["receipt"]["median"]} s ({r["rows"]["receipt (CPU)"]["median"]} CPU-s)'),
    Target("a letter (median)", "≤ 0.25 s", lambda r: r["rows"]["decision letter"]["median"] <= 0.25,
           lambda r: f'{r["rows"]["decision letter"]["median"]} s ({r["rows"]["decision letter (CPU)"]["median"]} CPU-s)'),
]


def measure(*, args, built) -> dict:
    largest = Round.objects.get(pk=built["large_rounds"][0])
    applications = list(Application.objects.filter(round=largest).annotate(lines=Count("measures") + Count("projects"))
                        .order_by("-lines", "pk").values_list("pk", flat=True)[:SAMPLES])
    receipt_walls, receipt_cpus = _timed(lambda pk: receipt_render_pdf(application=application_for_receipt(pk)),
                                         applications)
    last_year = Round.objects.get(office=largest.office, year=largest.year - 1)
    decisions = list(Decision.objects.filter(application__round=last_year).order_by("pk").values_list("pk", flat=True)
                     [:SAMPLES])
    letter_walls, letter_cpus = _timed(lambda pk: decision_letter_render_pdf(decision=decision_for_letter(pk)),
                                       decisions)
    rows = {"receipt": _row(receipt_walls), "receipt (CPU)": _row(receipt_cpus),
            "decision letter": _row(letter_walls), "decision letter (CPU)": _row(letter_cpus)}
    for name in ("receipt", "decision letter"):
        print(f"  {name}: median {rows[name]['median']} s, max {rows[name]['max']} s", flush=True)
    office = _office_letters(last_year, wait=args.receipt_wait)
    rows["an office's letters through the worker"] = {"count": office["made"], "median": office["per_letter"],
                                                      "max": None, "total": office["seconds"]}
    results = {"rows": rows, "office": office,
               "summary": f"{office['office']}: {office['made']} of {office['letters']} letters made by a Celery worker "
                          f"(concurrency {os.cpu_count()}) in {office['seconds']} s, {office['per_letter']} s per letter."}
    print("  " + results["summary"], flush=True)
    results["targets"] = [t.judge(results) for t in TARGETS]
    return results
