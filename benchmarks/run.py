"""`make bench`: build the national data set, measure, print the table with each target beside its
figure, and write it with the date, commit and machine to benchmarks/results/ (and LATEST.md).

    python -m benchmarks.run                          everything at national size (~15 min)
    python -m benchmarks.run --only pages --size small   one part, on a small data set
    python -m benchmarks.run --reuse                  measure the data set built last time

Each part is a module of this package: dataset, pages (1a), rush (1b), pdfs (1c), sweep (1d).
"""

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path

from benchmarks import environment

PARTS = ["pages", "rush", "pdfs", "sweep"]
RESULTS = Path(__file__).resolve().parent / "results"
BUILT_FILE = environment.VAR / "built.json"


def parse(argv=None):
    parser = argparse.ArgumentParser(prog="make bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", action="append", choices=PARTS, help="measure only this part (repeatable)")
    parser.add_argument("--size", choices=["national", "small"], default="national",
                        help="small: the 5-application office and the two largest offices only")
    parser.add_argument("--reuse", action="store_true", help="do not build the data set again (measure the last one)")
    parser.add_argument("--repeat", type=int, default=15, help="requests per page (the median is reported; fewer are swayed by the machine)")
    parser.add_argument("--last-year", type=int, default=None,
                        help="decided applications per office last year (default: every municipality)")
    parser.add_argument("--rush-seconds", type=float, default=45.0, help="the rush's arrivals are spread over this long")
    parser.add_argument("--rush-users", type=int, default=None, help="municipalities in the rush (default: all)")
    parser.add_argument("--receipt-wait", type=float, default=300.0,
                        help="seconds to wait for the last receipt after the last submission")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default 2 × cores + 1)")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker (gthread when > 1)")
    parser.add_argument("--no-write", action="store_true", help="print only; write nothing to benchmarks/results/")
    return parser.parse_args(argv)


def setup_django(database: str = environment.DATABASE):
    environment.apply(database=database)
    import django

    django.setup()


def build_dataset(args) -> dict:
    """A fresh, migrated database filled by benchmarks.dataset, and the static files collected."""
    from django.core.management import call_command
    from django.db import connections

    started = time.monotonic()
    print(f"Building the {args.size} data set in {environment.DATABASE} …", flush=True)
    connections.close_all()
    environment.database_recreate(environment.DATABASE)
    call_command("migrate", verbosity=0, interactive=False)
    print(f"  migrated in {time.monotonic() - started:.1f} s", flush=True)
    # whitenoise's manifest (production): collected every time, so a changed script or stylesheet is in it
    call_command("collectstatic", verbosity=0, interactive=False, clear=True)
    from benchmarks import dataset

    built = dataset.build(size=args.size, last_year_per_office=args.last_year, rush_database=environment.RUSH_DATABASE,
                          database=environment.DATABASE).as_dict()
    built["size"] = args.size
    built["seconds_total"] = round(time.monotonic() - started, 1)
    BUILT_FILE.parent.mkdir(parents=True, exist_ok=True)
    BUILT_FILE.write_text(json.dumps(built, indent=2))
    return built


def main(argv=None) -> int:
    args = parse(argv)
    parts = args.only or PARTS
    setup_django()
    if args.reuse and BUILT_FILE.exists():
        built = json.loads(BUILT_FILE.read_text())
        print(f"Reusing the {built['size']} data set built before ({environment.DATABASE}).")
    else:
        built = build_dataset(args)
    from benchmarks import report

    results = {"date": dt.datetime.now().astimezone().isoformat(timespec="seconds"), "machine": environment.machine(),
               "dataset": built, "args": {k: v for k, v in vars(args).items()}, "parts": {}}
    for part in parts:
        module = __import__(f"benchmarks.{part}", fromlist=["measure"])
        print(f"\n== {part} ==", flush=True)
        started = time.monotonic()
        results["parts"][part] = module.measure(args=args, built=built)
        results["parts"][part]["seconds"] = round(time.monotonic() - started, 1)
    text = report.render(results)
    print("\n" + text)
    if not args.no_write:
        print("written:", *report.write(results, text, RESULTS))
    return 0 if report.all_passed(results) else 1


if __name__ == "__main__":
    sys.exit(main())
