"""1a. Every page a user opens, in this process through Django's test client on production settings:
the queries of one request, and the median wall time and CPU time (time.process_time) of
`--repeat` requests after one warm-up, at "5" (the 5-application round of the extra office) and at
national size (the largest office's round, 52 applications), with the growth ratio national ÷ 5.

The query count comes from a separate request, counted by a database execute wrapper (so the timed
requests run without it). "Accept the suggestion" (a POST that writes)
runs inside a transaction that is rolled back after each request, so every request finds the same
board; its count includes the two queries of that savepoint.

The overhead of a logged-in page is the queries of the public front page for a logged-in
signatory less those for an anonymous visitor: the session, the user, the roles, the unread count.
"""

import logging
import statistics
import time
from dataclasses import asdict, dataclass

from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from applications.models import Application
from casework.models import Decision
from portal.models import Membership, Role
from schemes.models import Round

from .targets import Target


class _Rollback(Exception):
    pass


class QueryCounter:
    """Counts the queries this connection executes (Django's execute_wrapper), savepoints included."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


@dataclass
class Measured:
    page: str
    size: str
    status: int
    queries: int
    wall_ms: float
    cpu_ms: float

    def as_dict(self):
        return asdict(self)


def _client(user=None) -> Client:
    client = Client(secure=True, HTTP_X_FORWARDED_PROTO="https")
    if user is not None:
        client.force_login(user)
    return client


def _request(client, method, url, data, rollback):
    if not rollback:
        return getattr(client, method)(url, data or {})
    try:
        with transaction.atomic():
            response = getattr(client, method)(url, data or {})
            raise _Rollback
    except _Rollback:
        return response


def measure_alternately(entries: dict, *, repeat: int) -> dict[str, Measured]:
    """{size: (client, page, url, options)}: the same page at each size, its requests taken in turn
    (5, 52, 5, 52, …) so that the machine's own drift (other work, frequency) weighs on both sizes
    alike and their ratio stays the page's own; the median of `repeat` requests per size."""
    counted, timed = {}, {size: ([], []) for size in entries}
    for size, (client, _page, url, options) in entries.items():
        _request(client, options.get("method", "get"), url, options.get("data"), options.get("rollback", False))  # warm-up
        queries = QueryCounter()
        with connection.execute_wrapper(queries):
            response = _request(client, options.get("method", "get"), url, options.get("data"),
                                options.get("rollback", False))
        counted[size] = (response.status_code, queries.count)
    for _n in range(repeat):
        for size, (client, _page, url, options) in entries.items():
            wall, cpu = time.perf_counter(), time.process_time()
            _request(client, options.get("method", "get"), url, options.get("data"), options.get("rollback", False))
            timed[size][0].append(time.perf_counter() - wall)
            timed[size][1].append(time.process_time() - cpu)
    return {size: Measured(page, size, counted[size][0], counted[size][1],
                           round(statistics.median(timed[size][0]) * 1000, 1),
                           round(statistics.median(timed[size][1]) * 1000, 1))
            for size, (_client, page, _url, _options) in entries.items()}


def _user(role, **scope):
    return Membership.objects.filter(role=role, **scope).select_related("user").order_by("pk").first().user


def _national_admin():
    from tests.portal.factories import MembershipFactory

    membership = Membership.objects.filter(role=Role.NATIONAL_ADMIN).first() or MembershipFactory(role=Role.NATIONAL_ADMIN)
    return membership.user


def pages_of(round_: Round):
    """(page, client, url, options) of every page a user opens, for the applications of `round_`."""
    office = round_.office
    applications = round_.applications.order_by("pk")
    application = applications.first()
    decided = Decision.objects.filter(application__round=round_).order_by("pk").first()
    signatory = _user(Role.SIGNATORY, organisation=application.organisation)
    caseworker, approver = _user(Role.CASEWORKER, office=office), _user(Role.APPROVER, office=office)
    office_admin = _user(Role.OFFICE_ADMIN, office=office)
    last_year = Round.objects.get(office=office, year=round_.year - 1)
    municipal, office_client = _client(signatory), _client(caseworker)
    pk = {"pk": application.pk}
    return [
        ("front page (anonymous)", _client(), reverse("portal:home"), {}),
        ("front page (signatory)", municipal, reverse("portal:home"), {}),
        ("my page: signatory", municipal, reverse("portal:dashboard"), {}),
        ("my page: caseworker", office_client, reverse("portal:dashboard"), {}),
        ("my page: approver", _client(approver), reverse("portal:dashboard"), {}),
        ("my page: office admin", _client(office_admin), reverse("portal:dashboard"), {}),
        ("my applications", municipal, reverse("applications:mine"), {}),
        ("task list", municipal, reverse("applications:overview", kwargs=pk), {}),
        ("summary", municipal, reverse("applications:summary", kwargs=pk), {}),
        ("check", municipal, reverse("applications:check", kwargs=pk), {}),
        ("caseworker: rounds", office_client, reverse("office:rounds"), {}),
        ("caseworker: list", office_client, reverse("office:round_applications", kwargs={"round_pk": round_.pk}), {}),
        ("caseworker: board", office_client, reverse("office:board", kwargs={"round_pk": round_.pk}), {}),
        ("accept the suggestion", office_client, reverse("office:board_accept", kwargs={"round_pk": round_.pk}),
         {"method": "post", "data": {"scope": "all"}, "rollback": True}),
        ("application", office_client, reverse("office:application", kwargs=pk), {}),
        ("assessment", office_client, reverse("office:assess", kwargs=pk), {}),
        ("decision", office_client, reverse("office:decision", kwargs={"pk": decided.application_id}), {}),
        ("dashboard: round", office_client, reverse("statistics:round", kwargs={"round_pk": round_.pk}), {}),
        ("dashboard: national", _client(_national_admin()), reverse("statistics:national") + f"?office={office.pk}", {}),
        ("open data: rounds", _client(), reverse("opendata:rounds_json"), {}),
        ("open data: grants", _client(), reverse("opendata:grants_json", kwargs={"round_id": last_year.pk}), {}),
    ]


TARGETS = [
    Target("caseworker: list CPU at 52", "≤ 25 ms", lambda r: r["national"]["caseworker: list"]["cpu_ms"] <= 25,
           lambda r: f'{r["national"]["caseworker: list"]["cpu_ms"]} ms'),
    Target("caseworker: board CPU at 52", "≤ 25 ms", lambda r: r["national"]["caseworker: board"]["cpu_ms"] <= 25,
           lambda r: f'{r["national"]["caseworker: board"]["cpu_ms"]} ms'),
    Target("caseworker: list flat 5→52 (CPU ratio)", "≤ 1.5×", lambda r: r["growth"]["caseworker: list"]["cpu"] <= 1.5,
           lambda r: f'{r["growth"]["caseworker: list"]["cpu"]}×, queries {r["growth"]["caseworker: list"]["queries"]}×'),
    Target("caseworker: board flat 5→52 (CPU ratio)", "≤ 1.5×", lambda r: r["growth"]["caseworker: board"]["cpu"] <= 1.5,
           lambda r: f'{r["growth"]["caseworker: board"]["cpu"]}×, queries {r["growth"]["caseworker: board"]["queries"]}×'),
    Target("accept the suggestion, queries at 5", "≤ 30", lambda r: r["small"]["accept the suggestion"]["queries"] <= 30,
           lambda r: str(r["small"]["accept the suggestion"]["queries"])),
    Target("accept the suggestion, queries at 52", "≤ 30", lambda r: r["national"]["accept the suggestion"]["queries"] <= 30,
           lambda r: str(r["national"]["accept the suggestion"]["queries"])),
    Target("overhead of a logged-in page (queries)", "≤ 2", lambda r: r["overhead_queries"] <= 2,
           lambda r: str(r["overhead_queries"])),
]


def measure(*, args, built) -> dict:
    logging.getLogger("axes").setLevel(logging.WARNING)  # not a line per force_login
    rounds = {"small": Round.objects.get(pk=built["small_round"]), "national": Round.objects.get(pk=built["large_rounds"][0])}
    results = {"rounds": {size: {"pk": r.pk, "office": r.office.name, "applications": r.applications.count()}
                          for size, r in rounds.items()}}
    pages = {size: pages_of(round_) for size, round_ in rounds.items()}
    for size in rounds:
        results[size] = {}
    for index, (page, *_rest) in enumerate(pages["small"]):
        entries = {}
        for size in rounds:
            name, client, url, options = pages[size][index]
            assert name == page
            entries[size] = (client, page, url, options)
        for size, measured in measure_alternately(entries, repeat=args.repeat).items():
            results[size][page] = measured.as_dict()
            print(f"  {size:8} {page:40} {measured.status} {measured.queries:4d} q  {measured.wall_ms:8.1f} ms  "
                  f"{measured.cpu_ms:8.1f} ms CPU", flush=True)
    results["growth"] = {
        page: {key: round(results["national"][page][field] / results["small"][page][field], 2)
               if results["small"][page][field] else None
               for key, field in (("queries", "queries"), ("wall", "wall_ms"), ("cpu", "cpu_ms"))}
        for page in results["small"]}
    results["overhead_queries"] = (results["small"]["front page (signatory)"]["queries"]
                                   - results["small"]["front page (anonymous)"]["queries"])
    results["applications_in_round"] = Application.objects.filter(round=rounds["national"]).count()
    results["targets"] = [t.judge(results) for t in TARGETS]
    return results
