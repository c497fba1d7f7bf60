"""Deadline day's pages cost the same number of queries whatever the round's size (issue 13).

Two rounds of one office are built once for the module: a small one (5 applications) and a
national-sized one (52: the largest office's municipalities), each with applications submitted, in
assessment, scored, proposed and decided with their letter sent, every one with competence
measures and an innovation project. Each page is opened for both rounds (or for an application of
each) and must read the same number of queries, under a ceiling. A query that grows with the
round fails here, whatever the machine's speed: counts, never time.

Queries are counted with `connection.execute_wrapper`, which sees every query of the request
(CaptureQueriesContext loses them when a request resets the connection's log)."""

import contextlib

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.test import Client, override_settings
from django.urls import path

from applications.models import ApplicationStatus
from applications.selectors import _lines_key
from casework.services.board import board_accept_suggestion
from config.urls import urlpatterns as portal_urlpatterns
from portal.models import Role
from portal.selectors import request_user_get
from tests.applications.factories import InnovationProjectFactory, applying_for, member, staff
from tests.casework.factories import DecisionFactory, assess
from tests.helpers import in_english, url
from tests.portal.factories import MembershipFactory, OfficeFactory, reference_office
from tests.schemes.factories import RoundFactory

pytestmark = pytest.mark.django_db

SMALL, LARGE = 5, 52


@contextlib.contextmanager
def counted():
    """Every query run inside, as a list of SQL strings."""
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        yield queries


def queries_of(client, path: str) -> int:
    with counted() as queries:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(queries)


def round_of(office, size: int, caseworker):
    """A round of `size` applications in every state the office's pages show: one in five only
    submitted, one in five with a proposed decision, one in five decided and its letter sent, the
    rest in assessment (scored, awards proposed for half of them)."""
    round_ = RoundFactory(office=office, with_criteria=True, budget=size * 1_000_000)
    for i in range(size):
        application = applying_for(round_, 150_000, 100_000, mental_health=bool(i % 2))
        InnovationProjectFactory(application=application)
        state = i % 5
        if state == 1:
            DecisionFactory(application=application, caseworker=caseworker)
        elif state == 2:
            DecisionFactory(application=application, caseworker=caseworker, sent=True)
        elif state in (3, 4):
            assess(application, caseworker, level=1 + i % 5, awards="full" if state == 3 else None)
    return round_


@pytest.fixture(scope="module")
def rounds(django_db_setup, django_db_blocker):
    """{5: ..., 52: ...}: each size its own office (its caseworker, also an approver) and round, built
    once for the module inside a transaction rolled back at its end (each test's own transaction
    nests inside it); and a national admin."""
    with django_db_blocker.unblock(), transaction.atomic():
        data = {"national_admin": MembershipFactory(role=Role.NATIONAL_ADMIN).user}
        for size, office in ((SMALL, OfficeFactory()), (LARGE, reference_office())):
            caseworker = staff(office, Role.CASEWORKER)
            MembershipFactory(user=caseworker, office=office, role=Role.APPROVER)
            data[size] = {"office": office, "caseworker": caseworker, "round": round_of(office, size, caseworker)}
        yield data
        transaction.set_rollback(True)


def client_of(user) -> Client:
    """A client logged in as `user`, whose context (memberships, unread count) is in the cache as after
    their first page (`request_user_get`): the pages are counted as a user's every later request."""
    client = in_english(Client())
    client.force_login(user)
    request_user_get(pk=user.pk)
    return client


def one_in(round_, status):
    return round_.applications.filter(status=status).order_by("pk").first()


# The ceilings are today's counts (issue 13): a page that needs one more query must say why here.
# (One fewer each since the user's memberships and unread count come from the cache: `request_user_get`.)
OFFICE_PAGES = {  # page: (its url for a round, ceiling)
    "caseworker's list": (lambda r: url("office:round_applications", r), 6),
    "board": (lambda r: url("office:board", r), 8),
    "decisions of the round": (lambda r: url("office:round_decisions", r), 5),
    "application": (lambda r: url("office:application", one_in(r, ApplicationStatus.IN_ASSESSMENT)), 11),
    "assessment": (lambda r: url("office:assess", one_in(r, ApplicationStatus.IN_ASSESSMENT)), 11),
    "decision": (lambda r: url("office:decision", one_in(r, ApplicationStatus.DECIDED)), 13),
    "round's dashboard": (lambda r: url("statistics:round", r), 10),
}


@pytest.mark.parametrize("name", OFFICE_PAGES)
def test_the_office_pages_read_the_same_queries_for_5_and_52_applications(rounds, name):
    address, ceiling = OFFICE_PAGES[name]
    small, large = (queries_of(client_of(rounds[size]["caseworker"]), address(rounds[size]["round"]))
                    for size in (SMALL, LARGE))
    assert small == large, f"{name}: {small} queries at {SMALL} applications, {large} at {LARGE}"
    assert large <= ceiling


# My page: 16, and 3 counts for "What did not work" (receipts, letters, archive copies stuck)
@pytest.mark.parametrize(("name", "ceiling"), [("portal:dashboard", 19), ("office:rounds", 3)])
def test_the_caseworkers_my_page_and_rounds_read_the_same_queries_for_5_and_52_applications(rounds, name, ceiling):
    small, large = (queries_of(client_of(rounds[size]["caseworker"]), url(name)) for size in (SMALL, LARGE))
    assert small == large <= ceiling


def test_the_national_dashboard_reads_the_same_queries_for_an_office_of_5_and_of_52(rounds):
    client = client_of(rounds["national_admin"])
    small, large = (queries_of(client, url("statistics:national") + "?year={}&office={}".format(
        rounds[size]["round"].year, rounds[size]["office"].pk)) for size in (SMALL, LARGE))
    assert small == large <= 11


@pytest.mark.parametrize("document", ["opendata:grants_json", "opendata:grants_csv"])
def test_open_data_builds_a_round_of_5_and_of_52_in_the_same_queries(rounds, document):
    counts = []
    for size in (SMALL, LARGE):
        cache.clear()  # built, not read from the cache
        counts.append(queries_of(Client(), url(document, round_id=rounds[size]["round"].pk)))
    assert counts[0] == counts[1] <= 2
    assert queries_of(Client(), url(document, round_id=rounds[LARGE]["round"].pk)) == 0  # then from the cache


MUNICIPALITY_PAGES = {  # page: (its url for an application, ceiling, ceiling with its lines in the cache)
    "my applications": (lambda a: url("applications:mine"), 10, 10),
    "task list": (lambda a: url("applications:overview", a), 7, 2),
    "summary": (lambda a: url("applications:summary", a), 7, 2),
    "check": (lambda a: url("applications:check", a), 7, 2),
    "measures": (lambda a: url("applications:measures", a), 7, 2),
    # 13 while it read the applications twice, 9 while it read the lines of every application (now only of
    # those still to be sent: a draft's, from the cache; see the draft test below)
    "my page": (lambda a: url("portal:dashboard"), 4, 4),
}


@pytest.mark.parametrize("name", MUNICIPALITY_PAGES)
def test_the_municipality_pages_read_the_same_queries_in_a_round_of_5_and_of_52(rounds, name):
    """Opened first (the application's lines read: `application_get_full`) and again (the lines from the
    cache, under the application's lines version: the user's row and the application's, and the page's
    own)."""
    address, ceiling, warm_ceiling = MUNICIPALITY_PAGES[name]
    counts = []
    for size in (SMALL, LARGE):
        application = one_in(rounds[size]["round"], ApplicationStatus.IN_ASSESSMENT)
        client = client_of(member(application.organisation, Role.SIGNATORY))
        cache.delete(_lines_key(application))  # another test may have read it under this version
        counts.append((queries_of(client, address(application)), queries_of(client, address(application))))
    assert counts[0] == counts[1], f"{name}: {counts}"
    assert counts[1][0] <= ceiling and counts[1][1] <= warm_ceiling, f"{name}: {counts}"


def test_a_draft_task_list_reads_the_same_queries_with_5_and_52_lines(rounds):
    """The municipality's own size: its lines; read afresh after each change (a new lines version),
    from the cache after that."""
    from tests.applications.factories import ApplicationFactory, CompetenceMeasureFactory

    draft = ApplicationFactory(round=rounds[SMALL]["round"], complete=True)
    client = client_of(member(draft.organisation, Role.SIGNATORY))
    pages = ("applications:overview", "applications:summary", "applications:check", "portal:dashboard")
    counts, warm = [], []
    for lines in (SMALL, LARGE - SMALL):
        CompetenceMeasureFactory.create_batch(lines, application=draft)
        counts.append([queries_of(client, url(name) if name == "portal:dashboard" else url(name, draft)) for name in pages])
        warm.append([queries_of(client, url(name) if name == "portal:dashboard" else url(name, draft)) for name in pages])
    assert counts[0] == counts[1] and warm[0] == warm[1]
    # task list, summary, check (the check page read 13 while its guard read the lines again), My page: the
    # task list reads the new lines (4 queries: no project), the pages after it and the next time find them
    assert all(count <= ceiling for count, ceiling in zip(counts[1], [6, 2, 4, 4], strict=True)), counts
    assert all(count <= ceiling for count, ceiling in zip(warm[1], [2, 2, 4, 4], strict=True)), warm


@pytest.mark.parametrize("size", [SMALL, LARGE])
def test_accepting_the_suggestion_costs_at_most_30_queries(rounds, size):
    with counted() as queries:
        result = board_accept_suggestion(round_=rounds[size]["round"], user=rounds[size]["caseworker"])
    assert len(result.accepted) == size // 5  # the scored ones whose awards are not set by hand
    assert len(queries) <= 30


def test_accepting_the_suggestion_costs_the_same_queries_for_5_and_52_applications(rounds):
    counts = []
    for size in (SMALL, LARGE):
        with counted() as queries:
            board_accept_suggestion(round_=rounds[size]["round"], user=rounds[size]["caseworker"])
        counts.append(len(queries))
    assert counts[0] == counts[1]


# --- what every logged-in page costs before its view -------------------------------------------------

def header_only(request):
    """A logged-in page with nothing of its own: the base template, its header and menu."""
    return HttpResponse(render_to_string("base.html", request=request))


urlpatterns = [path("__header-only__/", header_only), *portal_urlpatterns]  # this module is the test's urlconf


@override_settings(ROOT_URLCONF=__name__)
def test_a_logged_in_page_costs_one_query_besides_its_view(rounds):
    """The session is read from the cache (Redis in production); then the user's row, and nothing
    else: their memberships (for permissions, header and menu) and unread count are in the cache
    under the user's context version (`portal.selectors.request_user_get`)."""
    signatory = member(rounds[SMALL]["round"].applications.first().organisation, Role.SIGNATORY)
    for user in (rounds[SMALL]["caseworker"], rounds["national_admin"], signatory):
        client = client_of(user)
        client.get("/__header-only__/")  # the session and the user's context are in the cache after it
        with counted() as queries:
            response = client.get("/__header-only__/")
        assert response.status_code == 200
        assert len(queries) <= 1, queries


def test_saving_a_section_and_submitting_cost_the_same_with_1_and_6_projects(rounds):
    """The municipality's deadline-day writes: the view reads what it checks, the service locks and
    reads again; neither grows with the application's lines."""
    from tests.applications.factories import ready_to_submit

    counts = []
    for extra in (0, 5):
        draft = ready_to_submit(round=rounds[SMALL]["round"])
        InnovationProjectFactory.create_batch(extra, application=draft)
        client = client_of(member(draft.organisation, Role.SIGNATORY))
        details = {"contact_name": "Kari Nilsen", "contact_email": "kari@kommune.example", "contact_phone": "",
                   "project_priorities": "Prosjekt 1 først.", "competence_raising_plan": "Vi skal heve kompetansen.",
                   "version": draft.details_version}
        with counted() as saving:
            assert client.post(url("applications:details", draft), details).status_code == 302
        with counted() as submitting:
            assert client.post(url("applications:submit", draft)).status_code == 302
        draft.refresh_from_db()
        assert draft.status == ApplicationStatus.SUBMITTED
        counts.append((len(saving), len(submitting)))
    assert counts[0] == counts[1]
    # saving read 13 while the section page read every line it does not show; submitting read 21 while its
    # view read the lines too
    assert counts[1][0] <= 7 and counts[1][1] <= 15, counts
