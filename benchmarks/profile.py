"""CPU per page of the deadline-day journey and the caseworker's list and board, in this process on
production settings, against a copy of the benchmark's data set (never tp_bench itself: the writes
run in a transaction that is rolled back, but a copy keeps the benchmark's figures comparable).

    createdb -h 127.0.0.1 -U postgres -T tp_bench tp_cpu_bench
    createdb -h 127.0.0.1 -U postgres -T tp_bench_rush tp_cpu_rush   # its drafts, for the journey
    BENCH_DATABASE=tp_cpu_rush python -m benchmarks.profile                 # median CPU ms per page
    BENCH_DATABASE=tp_cpu_bench python -m benchmarks.profile --profile "caseworker: list"   # cProfile of one page

The numbers are time.process_time() per request (median of --repeat after a warm-up), as in
benchmarks/pages.py, so they compare with part 1a of `make bench`.
"""

import argparse
import cProfile
import os
import pstats
import statistics
import time

from . import environment


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--profile", help="a page's name: print its cProfile (cumulative) instead of the table")
    parser.add_argument("--lines", type=int, default=45)
    parser.add_argument("--sort", default="cumulative")
    args = parser.parse_args()
    environment.apply(database=os.environ.get("BENCH_DATABASE", "tp_cpu_bench"))
    import django
    from django.db.models import Count

    django.setup()
    import logging

    logging.getLogger("axes").setLevel(logging.WARNING)
    from django.urls import reverse

    from applications.models import Application, ApplicationStatus
    from portal.models import Membership, Role
    from schemes.models import Round

    from .pages import _client, _request, _user

    national = Round.objects.annotate(n=Count("applications")).order_by("-n").first()
    draft = Application.objects.filter(status=ApplicationStatus.DRAFT).order_by("pk").first()
    if draft is None:  # tp_bench's drafts were submitted: the journey runs on a copy of tp_bench_rush
        draft = Application.objects.order_by("pk").first()
    signatory = _user(Role.SIGNATORY, organisation=draft.organisation)
    caseworker = _user(Role.CASEWORKER, office=national.office)
    assert Membership.objects.filter(user=signatory, role=Role.SIGNATORY).exists()
    municipal, office = _client(signatory), _client(caseworker)
    pk = {"pk": draft.pk}
    details = reverse("applications:details", kwargs=pk)
    form = municipal.get(details)
    version = form.context["form"]["version"].value() if form.context and "form" in form.context else ""
    save = {"version": version, "contact_name": "Kari Nilsen", "contact_email": "kontakt@kommune.bench",
            "contact_phone": "12345678", "project_priorities": "Prosjekt 1 først; så prosjekt 2.",
            "competence_raising_plan": "Vi hever kompetansen i hjemmetjenesten og på sykehjemmene."}
    pages = [
        ("front page (anonymous)", _client(), "get", reverse("portal:home"), None, False),
        ("my page: signatory", municipal, "get", reverse("portal:dashboard"), None, False),
        ("task list", municipal, "get", reverse("applications:overview", kwargs=pk), None, False),
        ("section: open", municipal, "get", details, None, False),
        ("section: save", municipal, "post", details, save, True),
        ("check", municipal, "get", reverse("applications:check", kwargs=pk), None, False),
        ("submit", municipal, "post", reverse("applications:submit", kwargs=pk), {}, True),
        ("caseworker: list", office, "get", reverse("office:round_applications", kwargs={"round_pk": national.pk}),
         None, False),
        ("caseworker: board", office, "get", reverse("office:board", kwargs={"round_pk": national.pk}), None, False),
    ]
    print(f"round {national.pk} ({national.n} applications), draft {draft.pk}; load {os.getloadavg()[0]:.2f}")
    total = 0.0
    for name, client, method, url, data, rollback in pages:
        if args.profile and name != args.profile:
            continue
        response = _request(client, method, url, data, rollback)
        if args.profile:
            profiler = cProfile.Profile(time.process_time)  # CPU, not the wait for PostgreSQL
            profiler.enable()
            for _n in range(args.repeat):
                _request(client, method, url, data, rollback)
            profiler.disable()
            pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.lines)
            return
        cpus = []
        for _n in range(args.repeat):
            cpu = time.process_time()
            _request(client, method, url, data, rollback)
            cpus.append(time.process_time() - cpu)
        median = statistics.median(cpus) * 1000
        total += median
        print(f"  {name:28} {response.status_code}  {median:6.1f} ms CPU  (min {min(cpus) * 1000:.1f})", flush=True)
    print(f"  {'sum':28}      {total:6.1f} ms CPU")


if __name__ == "__main__":
    main()
