"""The access matrix: every URL pattern of the site (the admin's too), requested by every kind of
user, GET and POST, against one declared table of what each must get.

The patterns are read from the URL resolver, so a new URL without a row in `EXPECTED` fails here,
naming it. The world is one of each party: municipality A's application in office X's round, its
decision sent, its report, an appeal, an attachment, a receipt, an archive copy, an invitation, a
notification; municipality B (in X's county too) and office Y are the other parties. Every free text
of A's case carries a unique marker: no body a wrong party gets (whatever its status) holds one, and
the office's internal notes reach nobody of A's either. A second application of A, decided but its
letter not sent, is asked for at every URL of an application: no refusal names a status its asker
may not know yet (`test_no_refusal_names_a_status_the_user_may_not_know`).

POST has an empty body but a fresh form key (every form sends one: `portal.idempotency`), with CSRF
checks off (as a forged or replayed form would be after a CSRF token leak): it must never be a 500,
and a refused one (403/404/405) writes nothing (the form key's own row aside). Each request
runs in a savepoint rolled back after it, so what one allowed POST does never changes the next row.
The whole matrix is one test that reports every failure at once.
"""

import copy
import os
import re
import time
import uuid
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from applications.models import ApplicationStatus
from archive.making import archive_copy_make
from casework.models import DecisionStatus, Outcome
from portal.models import Role
from tests.applications.factories import AttachmentFactory, ReceiptFactory, applying_for, member, staff
from tests.casework.factories import AppealFactory, AssessmentFactory, DecisionFactory, decided
from tests.people.factories import InvitationFactory
from tests.portal.factories import (
    IdentityFactory,
    MembershipFactory,
    NotificationFactory,
    OfficeFactory,
    OrganisationFactory,
)
from tests.reminders.factories import ReminderFactory
from tests.schemes.factories import RoundDocumentFactory, RoundFactory

pytestmark = pytest.mark.postgres

# Who asks, in the order of the columns of `EXPECTED`.
ROLES = ("anon", "b_sig", "a_ed", "a_sig", "y_cw", "y_ap", "y_adm", "x_cw", "x_ap", "x_adm", "nat")
# Who may know A's case at all (its data, its statuses): A itself, X's staff, the national admin.
PARTIES_OF_A = {"a_ed", "a_sig", "x_cw", "x_ap", "x_adm", "nat"}

# The marker in every free text of A's case; none is ever shown to anyone outside PARTIES_OF_A.
MARKER = "QX7MARK"
MARKERS = {
    "priorities": f"{MARKER}-priorities-Prosjekt 1 først",
    "notes": f"{MARKER}-internal-notes",  # the office's internal notes: not for A either
    "appeal": f"{MARKER}-appeal-text",
    "report": f"{MARKER}-report-account",
    "attachment": f"{MARKER}-plan.pdf",
    "contact": f"{MARKER}-contact",
}
INTERNAL_MARKERS = {"notes"}  # not for the municipality's own roles either


def _is_refusal(status: int) -> bool:
    return status in (403, 404, 405)


# --- the world ------------------------------------------------------------------------------------

@dataclass
class World:
    objects: dict  # what a URL's keyword argument stands for (see `url_kwargs`)
    users: dict  # role -> user (None: anonymous)


def ids_apart() -> None:
    """Every kind of object's ids far apart from every other's, so a URL that takes an application's id
    given a decision's (or a report's) finds nothing, instead of passing because the two happen to match."""
    with connection.cursor() as cursor:
        for step, model in enumerate(apps.get_models(), start=1):
            cursor.execute("SELECT setval(pg_get_serial_sequence(%s, %s), nextval(pg_get_serial_sequence(%s, %s))"
                           " + %s)", [model._meta.db_table, model._meta.pk.column] * 2 + [step * 100_000])


def world_build(*, archived: bool = False) -> World:
    """The world; `archived`: A's first archive copy made (its PDF, metadata and files exist, which
    a PDF rendering costs: only the half of the matrix that asks for them makes it)."""
    ids_apart()
    office_x, office_y = OfficeFactory(), OfficeFactory()
    county = office_x.counties.first()
    municipality_a = OrganisationFactory(county=county)  # its name is public (open data, invitations)
    municipality_b = OrganisationFactory(county=county)
    round_x = RoundFactory(office=office_x, with_criteria=True)
    users = {
        "anon": None,
        "b_sig": member(municipality_b, Role.SIGNATORY),
        "a_ed": member(municipality_a, Role.EDITOR), "a_sig": member(municipality_a, Role.SIGNATORY),
        "y_cw": staff(office_y, Role.CASEWORKER), "y_ap": staff(office_y, Role.APPROVER),
        "y_adm": staff(office_y, Role.OFFICE_ADMIN),
        "x_cw": staff(office_x, Role.CASEWORKER), "x_ap": staff(office_x, Role.APPROVER),
        "x_adm": staff(office_x, Role.OFFICE_ADMIN),
        "nat": MembershipFactory(role=Role.NATIONAL_ADMIN).user,
    }
    # A's case: submitted, assessed (internal notes), decided, its letter sent, appealed, reported on
    application = applying_for(round_x, 300_000, organisation=municipality_a, created_by=users["a_ed"],
                               project_priorities=MARKERS["priorities"], contact_name=MARKERS["contact"])
    receipt = ReceiptFactory(application=application, submission_number=application.submission_count)
    attachment = AttachmentFactory(application=application, original_name=MARKERS["attachment"])
    AssessmentFactory(application=application, started_by=users["x_cw"], scored=4, awarded="full",
                      notes=MARKERS["notes"])
    decision = DecisionFactory(application=application, caseworker=users["x_cw"], approver=users["x_ap"], sent=True)
    appeal = AppealFactory(decision=decision, text=MARKERS["appeal"], registered_by=users["x_cw"])
    report = application.report
    report.overall_account = MARKERS["report"]
    report.save(update_fields=["overall_account"])
    # a member of A who is neither requester (their role is changed, removed, deactivated)
    other_membership = MembershipFactory(role=Role.EDITOR, organisation=municipality_a)
    invitation = InvitationFactory(organisation=municipality_a, email=f"{MARKER.lower()}@kommune.example",
                                   invited_by=users["x_adm"])
    notification = NotificationFactory(user=users["a_sig"], data={
        "organisation": municipality_a.name, "status": "submitted", "application": application.pk})
    copy = decision.archive_copies.order_by("version").first()
    if archived and copy is not None:
        copy = archive_copy_make(copy_id=copy.pk)
    objects = {
        "application": application, "measure": application.measures.first(), "attachment": attachment,
        "receipt": receipt, "decision": decision, "appeal": appeal, "report": report, "round": round_x,
        "document": RoundDocumentFactory(round=round_x, stored=True), "scheme": round_x.scheme,
        "organisation": municipality_a, "office": office_x, "county": county,
        "membership": other_membership, "person": other_membership.user, "invitation": invitation,
        "notification": notification, "archive_copy": copy, "archive_file": copy.files.first() if copy else None,
        "user": other_membership.user, "identity": IdentityFactory(user=users["a_sig"]),
        "group": None,  # the portal has no auth groups
        "reminder": ReminderFactory(recipient=users["a_sig"], round=round_x, organisation=municipality_a),
    }
    return World(objects=objects, users=users)


# --- the URLs -------------------------------------------------------------------------------------

def url_patterns(resolver=None, namespace="", prefix=""):
    """(name, route, URLPattern) of every pattern the resolver reaches, through every include; the
    name is namespaced ("office:decision"), or the route where a pattern has none."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from url_patterns(entry, inner, route)
        elif isinstance(entry, URLPattern):
            yield (f"{namespace}{entry.name}" if entry.name else route), route, entry


# The admin's model URLs take `object_id`: the object of each registered model in the world.
ADMIN_OBJECTS = {"user": "user", "county": "county", "office": "office", "organisation": "organisation",
                 "identity": "identity", "reminder": "reminder", "scheme": "scheme", "round": "round",
                 "group": "group"}

# What each keyword argument stands for, by the pattern's namespace (first match of the name's prefix).
KWARG_OBJECTS = {
    "pk": [("applications:", "application"), ("appeals:", "application"), ("office:", "application"),
           ("reporting:", "application"), ("archive:", "application"), ("schemes:", "round"),
           ("people:organisation", "organisation"), ("people:office", "office"),
           ("people:invitation", "invitation"), ("people:membership", "membership"), ("people:person", "person"),
           ("portal:notification", "notification"), ("portal:organisation", "organisation")],
    "round_pk": [("", "round")], "round_id": [("", "round")], "appeal_pk": [("", "appeal")],
    "line_pk": [("", "measure")], "attachment_pk": [("", "attachment")], "receipt_pk": [("", "receipt")],
    "document_pk": [("", "document")], "copy_pk": [("", "archive_copy")], "file_pk": [("", "archive_file")],
    "organisation_pk": [("", "organisation")], "office_pk": [("", "office")], "id": [("admin:", "user")],
}
LITERAL_KWARGS = {"uidb64": "MQ", "table": "statuses", "app_label": "portal", "url": "portal/organisation/"}


def url_kwargs(name: str, entry: URLPattern, world: World) -> dict:
    kwargs = {}
    for key in entry.pattern.regex.groupindex:
        if key in entry.default_args:
            continue
        if key == "slug":
            kwargs[key] = world.objects["scheme"].slug
        elif key == "token":
            kwargs[key] = world.objects["invitation"].token if name == "people:invitation" else "abc-def"
        elif key == "object_id":
            model = re.fullmatch(r"admin:[a-z]+_([a-z]+)_[a-z]+", name)
            kwargs[key] = _pk(world.objects[ADMIN_OBJECTS.get(model and model[1], "organisation")])
        elif key == "content_type_id":
            kwargs[key] = ContentType.objects.get_for_model(world.objects["organisation"]).pk
        elif key in LITERAL_KWARGS:
            kwargs[key] = LITERAL_KWARGS[key]
        else:
            kind = next(kind for prefix, kind in KWARG_OBJECTS[key] if name.startswith(prefix))
            kwargs[key] = _pk(world.objects[kind])
    return kwargs


def _pk(obj) -> int:
    return obj.pk if obj is not None else 999_999


def url_of(name: str, route: str, entry: URLPattern, kwargs: dict) -> str:
    """The pattern's path with `kwargs` put in: reversed by name, or (a pattern without one) its route."""
    if entry.name:
        return reverse(name, kwargs=kwargs or None)
    path = route
    for key, value in kwargs.items():
        path = re.sub(rf"<(?:\w+:)?{key}>", str(value), path)
    path = re.sub(r"^\^|\$$", "", path).replace("\\Z", "").replace("\\", "")
    return "/" + path


# --- asking ---------------------------------------------------------------------------------------

class _Undo(Exception):
    """Raised to roll a request's savepoint back."""


def rows_written() -> int:
    """Rows this transaction has inserted, updated or deleted so far (PostgreSQL counts them per
    transaction, a rolled-back savepoint's too), the session and login-attempt tables left out."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_xact_user_tables"
                       " WHERE relname NOT IN ('django_session', 'portal_submittedform') AND relname NOT LIKE 'axes%%'")
        return cursor.fetchone()[0]


def status_class(status: int) -> int:
    return {2: 200, 3: 302}.get(status // 100, status)


def ask(client: Client, method: str, path: str) -> tuple[int, bytes, int]:
    """(status, body, rows written) of one request, everything it wrote undone."""
    cookies = copy.deepcopy(client.cookies)
    response = None
    try:
        with transaction.atomic():
            before = rows_written()
            # a POST carries a fresh form key, as every form of the site does (portal.idempotency), so
            # `@idempotent_post` is on the path of every refusal and every allowed POST here; the
            # admin's forms have none (and its delete page takes any non-empty POST as "yes")
            site_form = method == "POST" and not path.startswith(reverse("admin:index"))
            body = f"form_key={uuid.uuid4()}".encode() if site_form else b""
            response = client.generic(method, path, data=body, content_type="application/x-www-form-urlencoded")
            written = rows_written() - before
            raise _Undo
    except _Undo:
        pass
    client.cookies = cookies  # a logout, a login or a language chosen does not carry over to the next
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, body, written


def clients_for(world: World) -> dict[str, Client]:
    clients = {}
    for role, user in world.users.items():
        clients[role] = Client(raise_request_exception=False)
        if user is not None:
            clients[role].force_login(user)
    return clients


# --- the test -------------------------------------------------------------------------------------

def _row(codes: str) -> dict[str, int]:
    values = codes.split()
    assert len(values) == len(ROLES), f"{codes!r}: one code per role of {ROLES}"
    return dict(zip(ROLES, map(int, values), strict=True))


@pytest.mark.parametrize("part", ["site", "admin"])  # two halves, so two workers share the time
def test_every_url_answers_every_role_as_declared(db, part):
    world = world_build(archived=part == "site")
    clients = clients_for(world)
    failures, recorded, timings = [], {}, {}
    for name, route, entry in url_patterns():
        if route.startswith("admin/") != (part == "admin"):
            continue
        if name not in EXPECTED and not RECORD:
            failures.append(f"{name} ({route}): a URL pattern with no row in EXPECTED: declare who gets what")
            continue
        path = url_of(name, route, entry, url_kwargs(name, entry, world))
        started = time.monotonic()
        for method, expected in zip(("GET", "POST"), EXPECTED.get(name, ("", "")), strict=True):
            got = {}
            for role in ROLES:
                status, body, written = ask(clients[role], method, path)
                got[role] = status_class(status)
                where = f"{method} {path} ({name}) as {role}"
                if status >= 500:
                    failures.append(f"{where}: {status}")
                if _is_refusal(status) and written:
                    failures.append(f"{where}: refused ({status}) but wrote {written} rows")
                leaked = [key for key, marker in MARKERS.items() if marker.encode() in body
                          and (role not in PARTIES_OF_A or (key in INTERNAL_MARKERS and role in {"a_ed", "a_sig"}))]
                if leaked:
                    failures.append(f"{where}: {status} shows A's {', '.join(leaked)}")
            recorded.setdefault(name, []).append(" ".join(f"{got[role]:>3}" for role in ROLES))
            if expected and got != _row(expected):
                failures.append(f"{method} {path} ({name}): expected\n    {expected}\n got {recorded[name][-1]}")
        timings[name] = time.monotonic() - started
    if RECORD:
        print(sorted(timings.items(), key=lambda item: -item[1])[:10])
        print("\n".join(f'    "{name}": ("{get}",\n{" " * (len(name) + 8)}"{post}"),'
                        for name, (get, post) in recorded.items()))
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures)


RECORD = os.environ.get("ACCESS_MATRIX_RECORD") == "1"  # print the table as it is (to review, never to paste blindly)

# The columns:  anon b_sig a_ed a_sig y_cw y_ap y_adm x_cw x_ap x_adm nat   (see ROLES)
EXPECTED: dict[str, tuple[str, str]] = {
    "portal:home": ("200 200 200 200 200 200 200 200 200 200 200",
                   "200 200 200 200 200 200 200 200 200 200 200"),
    "portal:dashboard": ("302 200 200 200 200 200 200 200 200 200 200",
                        "302 200 200 200 200 200 200 200 200 200 200"),
    "portal:notifications": ("302 200 200 200 200 200 200 200 200 200 200",
                            "302 200 200 200 200 200 200 200 200 200 200"),
    "portal:notifications_read": ("302 405 405 405 405 405 405 405 405 405 405",
                                 "302 302 302 302 302 302 302 302 302 302 302"),
    "portal:notification_open": ("302 404 404 302 404 404 404 404 404 404 404",
                                "302 404 404 302 404 404 404 404 404 404 404"),
    "portal:organisation_settings": ("302 404 403 200 404 404 404 404 404 404 404",
                                    "302 404 403 200 404 404 404 404 404 404 404"),
    "schemes:scheme_detail": ("200 200 200 200 200 200 200 200 200 200 200",
                             "200 200 200 200 200 200 200 200 200 200 200"),
    "schemes:round_list": ("200 200 200 200 200 200 200 200 200 200 200",
                          "200 200 200 200 200 200 200 200 200 200 200"),
    "schemes:round_detail": ("200 200 200 200 200 200 200 200 200 200 200",
                            "200 200 200 200 200 200 200 200 200 200 200"),
    "schemes:round_document": ("200 200 200 200 200 200 200 200 200 200 200",
                              "405 405 405 405 405 405 405 405 405 405 405"),
    "applications:mine": ("302 200 200 200 200 200 200 200 200 200 200",
                         "302 200 200 200 200 200 200 200 200 200 200"),
    "applications:start": ("302 405 405 405 405 405 405 405 405 405 405",
                          "302 404 404 404 404 404 404 404 404 404 404"),
    "applications:overview": ("302 404 200 200 404 404 404 200 200 200 404",
                             "302 404 200 200 404 404 404 200 200 200 404"),
    "applications:details": ("302 404 403 403 404 404 404 403 403 403 404",
                            "302 404 409 409 404 404 404 403 403 403 404"),
    "applications:plan": ("302 404 403 403 404 404 404 403 403 403 404",
                         "302 404 409 409 404 404 404 403 403 403 404"),
    "applications:measures": ("302 404 200 200 404 404 404 200 200 200 404",
                             "302 404 200 200 404 404 404 200 200 200 404"),
    "applications:measure_add": ("302 404 403 403 404 404 404 403 403 403 404",
                                "302 404 409 409 404 404 404 403 403 403 404"),
    "applications:measure_edit": ("302 404 403 403 404 404 404 403 403 403 404",
                                 "302 404 409 409 404 404 404 403 403 403 404"),
    "applications:measure_delete": ("302 404 403 403 404 404 404 403 403 403 404",
                                   "302 404 403 403 404 404 404 403 403 403 404"),
    "applications:projects": ("302 404 200 200 404 404 404 200 200 200 404",
                             "302 404 200 200 404 404 404 200 200 200 404"),
    "applications:project_add": ("302 404 403 403 404 404 404 403 403 403 404",
                                "302 404 409 409 404 404 404 403 403 403 404"),
    "applications:project_edit": ("302 404 403 403 404 404 404 403 403 403 404",
                                 "302 404 409 409 404 404 404 403 403 403 404"),
    "applications:project_delete": ("302 404 403 403 404 404 404 403 403 403 404",
                                   "302 404 403 403 404 404 404 403 403 403 404"),
    "applications:summary": ("302 404 200 200 404 404 404 200 200 200 404",
                            "302 404 200 200 404 404 404 200 200 200 404"),
    "applications:history": ("302 404 200 200 404 404 404 200 200 200 404",
                            "302 404 200 200 404 404 404 200 200 200 404"),
    "applications:check": ("302 404 200 200 404 404 404 200 200 200 404",
                          "302 404 200 200 404 404 404 200 200 200 404"),
    "applications:submit": ("302 405 405 405 405 405 405 405 405 405 405",
                           "302 404 302 302 404 404 404 302 302 302 404"),
    "applications:mark_ready": ("302 405 405 405 405 405 405 405 405 405 405",
                               "302 404 302 302 404 404 404 302 302 302 404"),
    "applications:withdraw": ("302 404 200 200 404 404 404 200 200 200 404",
                             "302 404 200 200 404 404 404 200 200 200 404"),
    "applications:reopen": ("302 405 405 405 405 405 405 405 405 405 405",
                           "302 404 302 302 404 404 404 302 302 302 404"),
    "applications:copy_previous": ("302 405 405 405 405 405 405 405 405 405 405",
                                  "302 404 302 302 404 404 404 302 302 302 404"),
    "applications:attachment": ("302 404 200 200 404 404 404 200 200 200 404",
                               "302 404 200 200 404 404 404 200 200 200 404"),
    "applications:receipt": ("302 404 200 200 404 404 404 200 200 200 404",
                            "302 404 200 200 404 404 404 200 200 200 404"),
    "appeals:lodge": ("302 404 403 200 404 404 404 404 404 404 404",
                     "302 404 403 200 404 404 404 404 404 404 404"),
    "appeals:attachment": ("302 404 404 404 404 404 404 404 404 404 404",
                          "302 404 404 404 404 404 404 404 404 404 404"),
    "office:audit_log": ("302 404 404 404 404 404 404 200 200 200 404",
                         "405 405 405 405 405 405 405 405 405 405 405"),
    "office:rounds": ("302 404 404 404 200 200 200 200 200 200 404",
                     "302 404 404 404 200 200 200 200 200 200 404"),
    "office:round_applications": ("302 404 404 404 404 404 404 200 200 403 404",
                                 "302 404 404 404 404 404 404 200 200 403 404"),
    "office:board": ("302 404 404 404 404 404 404 200 200 403 404",
                    "302 404 404 404 404 404 404 200 200 403 404"),
    "office:board_accept": ("302 405 405 405 405 405 405 405 405 405 405",
                           "302 404 404 404 404 404 404 302 302 403 404"),
    "office:send_letters": ("302 405 405 405 405 405 405 405 405 405 405",
                           "302 404 404 404 404 404 404 302 302 403 404"),
    "office:round_decisions": ("302 404 404 404 404 404 404 200 200 403 404",
                              "302 404 404 404 404 404 404 200 200 403 404"),
    "office:round_decisions_approve": ("302 405 405 405 405 405 405 405 405 405 405",
                                      "302 404 404 404 404 404 404 403 302 403 404"),
    "office:export_csv": ("302 404 404 404 404 404 404 200 200 403 404",
                         "302 404 404 404 404 404 404 200 200 403 404"),
    "office:export_xlsx": ("302 404 404 404 404 404 404 200 200 403 404",
                          "302 404 404 404 404 404 404 200 200 403 404"),
    "office:application": ("302 404 404 404 404 404 404 200 200 403 404",
                          "302 404 404 404 404 404 404 200 200 403 404"),
    "office:assess": ("302 404 404 404 404 404 404 200 403 403 404",
                     "302 404 404 404 404 404 404 200 403 403 404"),
    "office:start_assessment": ("302 405 405 405 405 405 405 405 405 405 405",
                               "302 404 404 404 404 404 404 302 403 403 404"),
    "office:request_information": ("302 404 404 404 404 404 404 200 403 403 404",
                                  "302 404 404 404 404 404 404 200 403 403 404"),
    "office:decision": ("302 404 404 404 404 404 404 200 200 403 404",
                       "302 404 404 404 404 404 404 200 403 403 404"),
    "office:decision_approve": ("302 405 405 405 405 405 405 405 405 405 405",
                               "302 404 404 404 404 404 404 403 302 403 404"),
    "office:decision_send": ("302 405 405 405 405 405 405 405 405 405 405",
                            "302 404 404 404 404 404 404 302 302 403 404"),
    "office:decision_return": ("302 405 405 405 405 405 405 405 405 405 405",
                              "302 404 404 404 404 404 404 403 302 403 404"),
    "office:decision_letter": ("302 404 200 200 404 404 404 200 200 200 404",
                              "302 404 200 200 404 404 404 200 200 200 404"),
    "office:decision_letter_preview": ("302 404 404 404 404 404 404 200 200 403 404",
                                      "302 404 404 404 404 404 404 200 200 403 404"),
    "office:appeal_new": ("302 404 404 404 404 404 404 200 200 403 404",
                         "302 404 404 404 404 404 404 200 200 403 404"),
    "office:appeal_handle": ("302 404 404 404 404 404 404 200 200 403 404",
                            "302 404 404 404 404 404 404 200 200 403 404"),
    "reminders:rounds": ("302 404 404 404 404 404 200 404 404 200 404",
                        "302 404 404 404 404 404 200 404 404 200 404"),
    "reminders:round": ("302 404 404 404 404 404 404 403 403 200 404",
                       "302 404 404 404 404 404 404 403 403 200 404"),
    "reminders:outbox": ("302 404 404 404 404 404 200 404 404 200 404",
                        "302 404 404 404 404 404 200 404 404 200 404"),
    "reporting:report": ("302 404 200 200 404 404 404 302 302 302 404",
                        "302 404 302 302 404 404 404 302 302 302 404"),
    "reporting:submit": ("302 405 405 405 405 405 405 405 405 405 405",
                        "302 404 302 302 404 404 404 404 404 404 404"),
    "reporting:mark_ready": ("302 405 405 405 405 405 405 405 405 405 405",
                            "302 404 302 302 404 404 404 404 404 404 404"),
    "reporting:auditor_statement": ("302 404 404 404 404 404 404 404 404 403 404",
                                   "302 404 404 404 404 404 404 404 404 403 404"),
    "reporting:review": ("302 404 404 404 404 404 404 200 200 403 404",
                        "302 404 404 404 404 404 404 200 200 403 404"),
    "reporting:approve": ("302 405 405 405 405 405 405 405 405 405 405",
                         "302 404 404 404 404 404 404 302 403 403 404"),
    "reporting:return": ("302 405 405 405 405 405 405 405 405 405 405",
                        "302 404 404 404 404 404 404 200 403 403 404"),
    "reporting:round_reports": ("302 404 404 404 404 404 404 200 200 403 404",
                               "302 404 404 404 404 404 404 200 200 403 404"),
    "people:index": ("302 302 404 302 404 404 302 404 404 302 200",
                    "302 302 404 302 404 404 302 404 404 302 200"),
    "people:organisation": ("302 404 404 200 404 404 404 404 404 200 200",
                           "302 404 404 200 404 404 404 404 404 200 200"),
    "people:organisation_invite": ("302 405 405 405 405 405 405 405 405 405 405",
                                  "302 404 404 200 404 404 404 404 404 200 200"),
    "people:office": ("302 404 404 404 404 404 404 404 404 200 200",
                     "302 404 404 404 404 404 404 404 404 200 200"),
    "people:office_invite": ("302 405 405 405 405 405 405 405 405 405 405",
                            "302 404 404 404 404 404 404 404 404 200 200"),
    "people:office_log": ("302 404 404 404 404 404 404 404 404 200 200",
                         "302 404 404 404 404 404 404 404 404 200 200"),
    "people:national": ("302 404 404 404 404 404 404 404 404 404 200",
                       "302 404 404 404 404 404 404 404 404 404 200"),
    "people:national_invite": ("302 405 405 405 405 405 405 405 405 405 405",
                              "302 404 404 404 404 404 404 404 404 404 200"),
    "people:invitation_again": ("302 405 405 405 405 405 405 405 405 405 405",
                               "302 404 404 302 404 404 404 404 404 302 302"),
    "people:invitation_withdraw": ("302 405 405 405 405 405 405 405 405 405 405",
                                  "302 404 404 302 404 404 404 404 404 302 302"),
    "people:membership_role": ("302 405 405 405 405 405 405 405 405 405 405",
                              "302 404 404 302 404 404 404 404 404 302 302"),
    "people:membership_remove": ("302 404 404 200 404 404 404 404 404 200 200",
                                "302 404 404 302 404 404 404 404 404 302 302"),
    "people:person_active": ("302 405 405 405 405 405 405 405 405 405 405",
                            "302 404 404 302 404 404 404 404 404 302 302"),
    "people:invitation": ("200 410 410 410 410 410 410 410 410 410 410",
                         "200 410 410 410 410 410 410 410 410 410 410"),
    "archive:round": ("302 404 404 404 404 404 404 200 200 200 404",
                     "302 404 404 404 404 404 404 200 200 200 404"),
    "archive:case": ("302 404 404 404 404 404 404 200 200 200 404",
                    "302 404 404 404 404 404 404 200 200 200 404"),
    "archive:new_version": ("302 405 405 405 405 405 405 405 405 405 405",
                           "302 404 404 404 404 404 404 400 400 400 404"),
    "archive:pdf": ("404 404 404 404 404 404 404 200 200 200 404",
                   "405 405 405 405 405 405 405 405 405 405 405"),
    "archive:metadata": ("404 404 404 404 404 404 404 200 200 200 404",
                        "405 405 405 405 405 405 405 405 405 405 405"),
    "archive:file": ("404 404 404 404 404 404 404 200 200 200 404",
                    "405 405 405 405 405 405 405 405 405 405 405"),
    "statistics:index": ("302 404 404 404 200 200 200 200 200 200 200",
                        "302 404 404 404 200 200 200 200 200 200 200"),
    "statistics:round": ("302 404 404 404 404 404 404 200 200 200 200",
                        "302 404 404 404 404 404 404 200 200 200 200"),
    "statistics:round_csv": ("302 404 404 404 404 404 404 200 200 200 200",
                            "302 404 404 404 404 404 404 200 200 200 200"),
    "statistics:round_xlsx": ("302 404 404 404 404 404 404 200 200 200 200",
                             "302 404 404 404 404 404 404 200 200 200 200"),
    "statistics:national": ("302 404 404 404 404 404 404 404 404 404 200",
                           "302 404 404 404 404 404 404 404 404 404 200"),
    "statistics:national_csv": ("302 404 404 404 404 404 404 404 404 404 200",
                               "302 404 404 404 404 404 404 404 404 404 200"),
    "statistics:national_xlsx": ("302 404 404 404 404 404 404 404 404 404 200",
                                "302 404 404 404 404 404 404 404 404 404 200"),
    "opendata:documentation": ("200 200 200 200 200 200 200 200 200 200 200",
                              "200 200 200 200 200 200 200 200 200 200 200"),
    "opendata:openapi": ("200 200 200 200 200 200 200 200 200 200 200",
                        "405 405 405 405 405 405 405 405 405 405 405"),
    "opendata:rounds_json": ("200 200 200 200 200 200 200 200 200 200 200",
                            "405 405 405 405 405 405 405 405 405 405 405"),
    "opendata:rounds_csv": ("200 200 200 200 200 200 200 200 200 200 200",
                           "405 405 405 405 405 405 405 405 405 405 405"),
    "opendata:grants_json": ("200 200 200 200 200 200 200 200 200 200 200",
                            "405 405 405 405 405 405 405 405 405 405 405"),
    "opendata:grants_csv": ("200 200 200 200 200 200 200 200 200 200 200",
                           "405 405 405 405 405 405 405 405 405 405 405"),
    "login": ("200 302 302 302 302 302 302 302 302 302 302",
             "200 302 302 302 302 302 302 302 302 302 302"),
    "oidc_login_idporten": ("302 302 302 302 302 302 302 302 302 302 302",
                           "405 405 405 405 405 405 405 405 405 405 405"),
    "oidc_login_office": ("302 302 302 302 302 302 302 302 302 302 302",
                         "405 405 405 405 405 405 405 405 405 405 405"),
    "oidc_callback_idporten": ("302 302 302 302 302 302 302 302 302 302 302",
                              "405 405 405 405 405 405 405 405 405 405 405"),
    "oidc_callback_office": ("302 302 302 302 302 302 302 302 302 302 302",
                            "405 405 405 405 405 405 405 405 405 405 405"),
    "logout": ("405 405 405 405 405 405 405 405 405 405 405",
              "302 302 302 302 302 302 302 302 302 302 302"),
    "password_reset": ("200 200 200 200 200 200 200 200 200 200 200",
                      "200 200 200 200 200 200 200 200 200 200 200"),
    "password_reset_done": ("200 200 200 200 200 200 200 200 200 200 200",
                           "405 405 405 405 405 405 405 405 405 405 405"),
    "password_reset_confirm": ("200 200 200 200 200 200 200 200 200 200 200",
                              "200 200 200 200 200 200 200 200 200 200 200"),
    "password_reset_complete": ("200 200 200 200 200 200 200 200 200 200 200",
                               "405 405 405 405 405 405 405 405 405 405 405"),
    "set_language": ("302 302 302 302 302 302 302 302 302 302 302",
                    "302 302 302 302 302 302 302 302 302 302 302"),
    "admin:index": ("302 302 302 302 302 302 200 302 302 200 200",
                   "302 302 302 302 302 302 200 302 302 200 200"),
    "admin:login": ("200 403 403 403 403 403 302 403 403 302 302",
                   "200 403 403 403 403 403 200 403 403 200 200"),
    "admin:logout": ("302 302 302 302 302 302 405 302 302 405 405",
                    "302 302 302 302 302 302 302 302 302 302 302"),
    "admin:password_change": ("302 302 302 302 302 302 200 302 302 200 200",
                             "302 302 302 302 302 302 200 302 302 200 200"),
    "admin:password_change_done": ("302 302 302 302 302 302 200 302 302 200 200",
                                  "302 302 302 302 302 302 405 302 302 405 405"),
    "admin:autocomplete": ("302 302 302 302 302 302 403 302 302 403 403",
                          "302 302 302 302 302 302 405 302 302 405 405"),
    "admin:jsi18n": ("302 302 302 302 302 302 200 302 302 200 200",
                    "302 302 302 302 302 302 405 302 302 405 405"),
    "admin:view_on_site": ("302 302 302 302 302 302 404 302 302 404 404",
                          "302 302 302 302 302 302 404 302 302 404 404"),
    "admin:auth_group_changelist": ("302 302 302 302 302 302 403 302 302 403 403",
                                   "302 302 302 302 302 302 403 302 302 403 403"),
    "admin:auth_group_add": ("302 302 302 302 302 302 403 302 302 403 403",
                            "302 302 302 302 302 302 403 302 302 403 403"),
    "admin:auth_group_history": ("302 302 302 302 302 302 302 302 302 302 302",
                                "302 302 302 302 302 302 302 302 302 302 302"),
    "admin:auth_group_delete": ("302 302 302 302 302 302 403 302 302 403 403",
                               "302 302 302 302 302 302 403 302 302 403 403"),
    "admin:auth_group_change": ("302 302 302 302 302 302 403 302 302 403 403",
                               "302 302 302 302 302 302 403 302 302 403 403"),
    "admin/auth/group/<path:object_id>/": ("302 302 302 302 302 302 302 302 302 302 302",
                                          "302 302 302 302 302 302 302 302 302 302 302"),
    "admin:axes_accessattempt_changelist": ("302 302 302 302 302 302 403 302 302 403 403",
                                           "302 302 302 302 302 302 403 302 302 403 403"),
    "admin:axes_accessattempt_add": ("302 302 302 302 302 302 403 302 302 403 403",
                                    "302 302 302 302 302 302 403 302 302 403 403"),
    "admin:axes_accessattempt_history": ("302 302 302 302 302 302 302 302 302 302 302",
                                        "302 302 302 302 302 302 302 302 302 302 302"),
    "admin:axes_accessattempt_delete": ("302 302 302 302 302 302 403 302 302 403 403",
                                       "302 302 302 302 302 302 403 302 302 403 403"),
    "admin:axes_accessattempt_change": ("302 302 302 302 302 302 403 302 302 403 403",
                                       "302 302 302 302 302 302 403 302 302 403 403"),
    "admin/axes/accessattempt/<path:object_id>/": ("302 302 302 302 302 302 302 302 302 302 302",
                                                  "302 302 302 302 302 302 302 302 302 302 302"),
    "admin:axes_accesslog_changelist": ("302 302 302 302 302 302 403 302 302 403 403",
                                       "302 302 302 302 302 302 403 302 302 403 403"),
    "admin:axes_accesslog_add": ("302 302 302 302 302 302 403 302 302 403 403",
                                "302 302 302 302 302 302 403 302 302 403 403"),
    "admin:axes_accesslog_history": ("302 302 302 302 302 302 302 302 302 302 302",
                                    "302 302 302 302 302 302 302 302 302 302 302"),
    "admin:axes_accesslog_delete": ("302 302 302 302 302 302 403 302 302 403 403",
                                   "302 302 302 302 302 302 403 302 302 403 403"),
    "admin:axes_accesslog_change": ("302 302 302 302 302 302 403 302 302 403 403",
                                   "302 302 302 302 302 302 403 302 302 403 403"),
    "admin/axes/accesslog/<path:object_id>/": ("302 302 302 302 302 302 302 302 302 302 302",
                                              "302 302 302 302 302 302 302 302 302 302 302"),
    "admin:axes_accessfailurelog_changelist": ("302 302 302 302 302 302 403 302 302 403 403",
                                              "302 302 302 302 302 302 403 302 302 403 403"),
    "admin:axes_accessfailurelog_add": ("302 302 302 302 302 302 403 302 302 403 403",
                                       "302 302 302 302 302 302 403 302 302 403 403"),
    "admin:axes_accessfailurelog_history": ("302 302 302 302 302 302 302 302 302 302 302",
                                           "302 302 302 302 302 302 302 302 302 302 302"),
    "admin:axes_accessfailurelog_delete": ("302 302 302 302 302 302 403 302 302 403 403",
                                          "302 302 302 302 302 302 403 302 302 403 403"),
    "admin:axes_accessfailurelog_change": ("302 302 302 302 302 302 403 302 302 403 403",
                                          "302 302 302 302 302 302 403 302 302 403 403"),
    "admin/axes/accessfailurelog/<path:object_id>/": ("302 302 302 302 302 302 302 302 302 302 302",
                                                     "302 302 302 302 302 302 302 302 302 302 302"),
    "admin:auth_user_password_change": ("302 302 302 302 302 302 403 302 302 403 200",
                                       "302 302 302 302 302 302 403 302 302 403 200"),
    "admin:portal_user_changelist": ("302 302 302 302 302 302 200 302 302 200 200",
                                    "302 302 302 302 302 302 200 302 302 200 200"),
    "admin:portal_user_add": ("302 302 302 302 302 302 403 302 302 403 200",
                             "302 302 302 302 302 302 403 302 302 403 200"),
    "admin:portal_user_history": ("302 302 302 302 302 302 302 302 302 302 200",
                                 "302 302 302 302 302 302 302 302 302 302 200"),
    "admin:portal_user_delete": ("302 302 302 302 302 302 403 302 302 403 200",
                                "302 302 302 302 302 302 403 302 302 403 200"),
    "admin:portal_user_change": ("302 302 302 302 302 302 302 302 302 302 200",
                                "302 302 302 302 302 302 403 302 302 403 200"),
    "admin/portal/user/<path:object_id>/": ("302 302 302 302 302 302 302 302 302 302 302",
                                           "302 302 302 302 302 302 302 302 302 302 302"),
    "admin:portal_county_changelist": ("302 302 302 302 302 302 200 302 302 200 200",
                                      "302 302 302 302 302 302 200 302 302 200 200"),
    "admin:portal_county_add": ("302 302 302 302 302 302 403 302 302 403 200",
                               "302 302 302 302 302 302 403 302 302 403 200"),
    "admin:portal_county_history": ("302 302 302 302 302 302 200 302 302 200 200",
                                   "302 302 302 302 302 302 200 302 302 200 200"),
    "admin:portal_county_delete": ("302 302 302 302 302 302 403 302 302 403 200",
                                  "302 302 302 302 302 302 403 302 302 403 200"),
    "admin:portal_county_change": ("302 302 302 302 302 302 200 302 302 200 200",
                                  "302 302 302 302 302 302 403 302 302 403 200"),
    "admin/portal/county/<path:object_id>/": ("302 302 302 302 302 302 302 302 302 302 302",
                                             "302 302 302 302 302 302 302 302 302 302 302"),
    "admin:portal_office_changelist": ("302 302 302 302 302 302 200 302 302 200 200",
                                      "302 302 302 302 302 302 200 302 302 200 200"),
    "admin:portal_office_add": ("302 302 302 302 302 302 403 302 302 403 200",
                               "302 302 302 302 302 302 403 302 302 403 200"),
    "admin:portal_office_history": ("302 302 302 302 302 302 200 302 302 200 200",
                                   "302 302 302 302 302 302 200 302 302 200 200"),
    "admin:portal_office_delete": ("302 302 302 302 302 302 403 302 302 403 200",
                                  "302 302 302 302 302 302 403 302 302 403 200"),
    "admin:portal_office_change": ("302 302 302 302 302 302 200 302 302 200 200",
                                  "302 302 302 302 302 302 403 302 302 200 200"),
    "admin/portal/office/<path:object_id>/": ("302 302 302 302 302 302 302 302 302 302 302",
                                             "302 302 302 302 302 302 302 302 302 302 302"),
    "admin:portal_organisation_changelist": ("302 302 302 302 302 302 200 302 302 200 200",
                                            "302 302 302 302 302 302 200 302 302 200 200"),
    "admin:portal_organisation_add": ("302 302 302 302 302 302 403 302 302 403 200",
                                     "302 302 302 302 302 302 403 302 302 403 200"),
    "admin:portal_organisation_history": ("302 302 302 302 302 302 302 302 302 200 200",
                                         "302 302 302 302 302 302 302 302 302 200 200"),
    "admin:portal_organisation_delete": ("302 302 302 302 302 302 403 302 302 403 200",
                                        "302 302 302 302 302 302 403 302 302 403 200"),
    "admin:portal_organisation_change": ("302 302 302 302 302 302 302 302 302 200 200",
                                        "302 302 302 302 302 302 302 302 302 200 200"),
    "admin/portal/organisation/<path:object_id>/": ("302 302 302 302 302 302 302 302 302 302 302",
                                                   "302 302 302 302 302 302 302 302 302 302 302"),
    "admin:portal_identity_changelist": ("302 302 302 302 302 302 403 302 302 403 200",
                                        "302 302 302 302 302 302 403 302 302 403 200"),
    "admin:portal_identity_add": ("302 302 302 302 302 302 403 302 302 403 403",
                                 "302 302 302 302 302 302 403 302 302 403 403"),
    "admin:portal_identity_history": ("302 302 302 302 302 302 403 302 302 403 200",
                                     "302 302 302 302 302 302 403 302 302 403 200"),
    "admin:portal_identity_delete": ("302 302 302 302 302 302 403 302 302 403 403",
                                    "302 302 302 302 302 302 403 302 302 403 403"),
    "admin:portal_identity_change": ("302 302 302 302 302 302 403 302 302 403 200",
                                    "302 302 302 302 302 302 403 302 302 403 403"),
    "admin/portal/identity/<path:object_id>/": ("302 302 302 302 302 302 302 302 302 302 302",
                                               "302 302 302 302 302 302 302 302 302 302 302"),
    "admin:schemes_scheme_changelist": ("302 302 302 302 302 302 200 302 302 200 200",
                                       "302 302 302 302 302 302 200 302 302 200 200"),
    "admin:schemes_scheme_add": ("302 302 302 302 302 302 403 302 302 403 200",
                                "302 302 302 302 302 302 403 302 302 403 200"),
    "admin:schemes_scheme_history": ("302 302 302 302 302 302 200 302 302 200 200",
                                    "302 302 302 302 302 302 200 302 302 200 200"),
    "admin:schemes_scheme_delete": ("302 302 302 302 302 302 403 302 302 403 403",
                                   "302 302 302 302 302 302 403 302 302 403 403"),
    "admin:schemes_scheme_change": ("302 302 302 302 302 302 200 302 302 200 200",
                                   "302 302 302 302 302 302 403 302 302 403 200"),
    "admin/schemes/scheme/<path:object_id>/": ("302 302 302 302 302 302 302 302 302 302 302",
                                              "302 302 302 302 302 302 302 302 302 302 302"),
    "admin:schemes_round_changelist": ("302 302 302 302 302 302 200 302 302 200 200",
                                      "302 302 302 302 302 302 200 302 302 200 200"),
    "admin:schemes_round_add": ("302 302 302 302 302 302 200 302 302 200 403",
                               "302 302 302 302 302 302 200 302 302 200 403"),
    "admin:schemes_round_history": ("302 302 302 302 302 302 302 302 302 200 200",
                                   "302 302 302 302 302 302 302 302 302 200 200"),
    "admin:schemes_round_delete": ("302 302 302 302 302 302 302 302 302 403 403",
                                  "302 302 302 302 302 302 302 302 302 403 403"),
    "admin:schemes_round_change": ("302 302 302 302 302 302 302 302 302 200 200",
                                  "302 302 302 302 302 302 302 302 302 200 403"),
    "admin/schemes/round/<path:object_id>/": ("302 302 302 302 302 302 302 302 302 302 302",
                                             "302 302 302 302 302 302 302 302 302 302 302"),
    "admin:reminders_reminder_changelist": ("302 302 302 302 302 302 200 302 302 200 200",
                                           "302 302 302 302 302 302 200 302 302 200 200"),
    "admin:reminders_reminder_add": ("302 302 302 302 302 302 403 302 302 403 403",
                                    "302 302 302 302 302 302 403 302 302 403 403"),
    "admin:reminders_reminder_history": ("302 302 302 302 302 302 302 302 302 200 200",
                                        "302 302 302 302 302 302 302 302 302 200 200"),
    "admin:reminders_reminder_delete": ("302 302 302 302 302 302 403 302 302 403 403",
                                       "302 302 302 302 302 302 403 302 302 403 403"),
    "admin:reminders_reminder_change": ("302 302 302 302 302 302 302 302 302 200 200",
                                       "302 302 302 302 302 302 403 302 302 403 403"),
    "admin/reminders/reminder/<path:object_id>/": ("302 302 302 302 302 302 302 302 302 302 302",
                                                  "302 302 302 302 302 302 302 302 302 302 302"),
    "admin:app_list": ("302 302 302 302 302 302 200 302 302 200 200",
                      "302 302 302 302 302 302 200 302 302 200 200"),
    "admin/(?P<url>.*)$": ("302 302 302 302 302 302 404 302 302 404 404",
                          "302 302 302 302 302 302 404 302 302 404 404"),
}


# --- what the municipality may not know yet -------------------------------------------------------

HIDDEN_REASONS = f"{MARKER}-reasons-not-sent-yet"
# Who may not know that A's second application is decided: A itself until the letter is sent, and
# everyone outside A and office X.
NOT_TOLD = ("anon", "b_sig", "a_ed", "a_sig", "y_cw", "y_ap", "y_adm")
# The URL patterns that take an application (or what hangs from it): asked for the hidden one.
APPLICATION_NAMESPACES = ("applications:", "appeals:", "reporting:", "office:decision_letter")


def words_that_tell_decided(language: str) -> list[str]:
    """The words a page would use to tell that an application is decided, in `language`: the
    application's statuses after a decision, the decision's and its outcomes."""
    with translation.override(language):
        labels = [ApplicationStatus.DECIDED.label, ApplicationStatus.REPORTED.label,
                  DecisionStatus.APPROVED.label, *Outcome.labels]
        return sorted({str(label) for label in labels})


def test_no_refusal_names_a_status_the_user_may_not_know(db):
    """A's second application is decided (approved) but its letter is not sent: to A it is still in
    assessment. Every URL of an application, asked for it by everyone not yet told, GET and POST, in
    each language: a refusal (403, 404, 405, 409) names none of the words that tell it is decided,
    and no body at all holds the decision's reasons."""
    world = world_build()
    round_2 = RoundFactory(office=world.objects["office"], with_criteria=True)
    hidden = applying_for(round_2, 150_000, organisation=world.objects["organisation"],
                          created_by=world.users["a_ed"])
    decided(round_2, application=hidden, reasons=HIDDEN_REASONS, approved=True)
    hidden.refresh_from_db()
    assert hidden.status == "decided" and hidden.decision.status == "approved"
    objects = {**world.objects, "application": hidden, "decision": hidden.decision,
               "measure": hidden.measures.first(), "round": round_2}
    world_hidden = World(objects=objects, users=world.users)
    clients = clients_for(world)
    failures, asked = [], 0
    for language in ("nb", "nn", "en"):
        words = words_that_tell_decided(language)
        pattern = re.compile(r"\b(" + "|".join(map(re.escape, words)) + r")\b", re.IGNORECASE)
        for role in NOT_TOLD:
            clients[role].cookies["tilskudd_language"] = language
        for name, route, entry in url_patterns():
            if not name.startswith(APPLICATION_NAMESPACES):
                continue
            path = url_of(name, route, entry, url_kwargs(name, entry, world_hidden))
            for method in ("GET", "POST"):
                for role in NOT_TOLD:
                    status, body, _written = ask(clients[role], method, path)
                    asked += 1
                    where = f"{method} {path} ({name}) as {role} in {language}"
                    text = body.decode("utf-8", "replace")
                    if HIDDEN_REASONS in text:
                        failures.append(f"{where}: {status} shows the decision's reasons")
                    if (_is_refusal(status) or status == 409) and (found := pattern.search(text)):
                        failures.append(f"{where}: refused ({status}) with {found[0]!r}")
    assert asked > 200, asked  # the hidden application was asked for at every URL of an application
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures)


def test_the_check_for_a_status_named_would_see_it(db):
    """The instrument: the words it looks for are in a page that does tell (the office's own)."""
    world = world_build()
    client = clients_for(world)["x_cw"]
    client.cookies["tilskudd_language"] = "en"
    body = client.get(reverse("office:application", kwargs={"pk": world.objects["application"].pk})).content.decode()
    assert re.search(r"\b(" + "|".join(map(re.escape, words_that_tell_decided("en"))) + r")\b", body, re.IGNORECASE)


def test_the_count_of_rows_written_sees_a_write(db):
    """The instrument of "a refusal writes nothing": it counts a write made inside a request."""
    world = world_build()
    client = clients_for(world)["a_sig"]
    status, _body, written = ask(client, "POST", reverse("portal:notifications_read"))
    assert status_class(status) == 302 and written >= 1
    assert world.objects["notification"].__class__.objects.get(pk=world.objects["notification"].pk).read_at is None
