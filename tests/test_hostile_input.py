"""Hostile input, property-based: every form of the site that POSTs, the admin's included, found by
walking every URL pattern (as the access matrix does) and reading the forms each page renders, so a new
form or a new field is covered without a line here. Hypothesis posts hostile values into a few of a
form's fields at a time (unicode that cannot be encoded, combining and invisible characters, RTL
override, NUL bytes, 100 000-character strings, negative, huge and non-numbers, a list where one value
is expected, broken formset management data, fields missing) and keeps the page's own values in the
rest, so the form gets past its first error and the hostile value reaches the code behind it.

Never a 500, and afterwards every row the forms can write still keeps the rules of its model (its
fields' validators, lengths, choices and limits) and the round's criteria still weigh 100 together.
Each post runs in a savepoint rolled back after it, so each example starts from the same world.

Bounded for CI: 6 generated examples per form and 3 explicit ones (every field "³", NUL, 10**30),
profile "hostile", derandomized, no deadline: about 40 s.
Run with HYPOTHESIS_PROFILE=hostile-deep (HOSTILE_EXAMPLES=200 per form) for a longer search, and
HOSTILE_REPORT=1 to print each form's answers and go on past a form's first failure.
"""

import html.parser
import os
import time
from urllib.parse import quote, urljoin, urlsplit

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.test import Client
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from schemes.models import AssessmentCriterion, Round
from schemes.rules import CRITERIA_WEIGHT_TOTAL
from tests.applications.factories import (
    ApplicationFactory,
    CompetenceMeasureFactory,
    InnovationProjectFactory,
    applying_for,
)
from tests.casework.factories import AssessmentFactory
from tests.portal.factories import OrganisationFactory
from tests.schemes.factories import RoundFactory
from tests.test_access_matrix import EXPECTED, World, url_kwargs, url_of, url_patterns, world_build
from tests.test_access_matrix import ROLES as MATRIX_ROLES

pytestmark = pytest.mark.postgres

settings.register_profile("hostile", max_examples=6, deadline=None, derandomize=True, database=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
settings.register_profile("hostile-deep", max_examples=int(os.environ.get("HOSTILE_EXAMPLES", "200")), deadline=None, database=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
REPORT = os.environ.get("HOSTILE_REPORT") == "1"
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "hostile")
if not PROFILE.startswith("hostile"):
    PROFILE = "hostile"

# Who opens each page to find its forms: each of these the page answers 200 (the municipality's editor
# and signatory, the office's caseworker, approver and admin, Helsedirektoratet); a form one role sees
# with other fields than another (the office admin's organisation page, the national admin's) is its own.
ROLES = ("a_ed", "a_sig", "x_cw", "x_ap", "x_adm", "nat")
# Forms that end the session or change who is asking: posting them would log the client out.
SKIPPED_ACTIONS = ("/logout/", "/admin/logout/", "/i18n/setlang/")

# --- hostile values -------------------------------------------------------------------------------

LONG = "x" * 100_000
HOSTILE_TEXT = [
    "\x00", "a\x00b", "\ud800", "\udfff plan", "e\u0301" * 500, "\u202eevil\u202c", "\u200b\u200d\ufeff",
    "👩‍👩‍👧‍👦" * 50, LONG, "\U0010ffff", "\r\n\r\n", " ", "", "<script>alert(1)</script>", "' OR 1=1 --",
    "=HYPERLINK(\"http://x\")", "%s%n", "{{ 7*7 }}", "../../etc/passwd",
]
HOSTILE_NUMBERS = [
    "-1", "-0", "0", "1" + "0" * 30, "-" + "9" * 40, "9223372036854775808", "2147483648", "32768", "NaN",
    "Infinity", "-Infinity", "1e309", "1e-400", "0x10", "1,5", "1.5", "1 000", "١٢٣", "³", "+-1", "1" * 200,
]
HOSTILE_DATES = ["2024-02-30", "99999-01-01", "0000-00-00", "1-1-1", "2024-13-01T25:61", "-2024-01-01"]
HOSTILE_ANY = HOSTILE_TEXT + HOSTILE_NUMBERS + HOSTILE_DATES
MANAGEMENT = ["-1", "1000000", "abc", "", "1e3", "2147483648", "\x00"]


class FormFinder(html.parser.HTMLParser):
    """The POST forms of a page: (action, [(name, value)] in document order, checked boxes only)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self._current, self._select, self._textarea = [], None, None, None
        self._buttons = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "get").lower() == "post":
            self._current = (attrs.get("action") or "", [])
            self.forms.append(self._current)
        if self._current is None or not attrs.get("name"):
            if tag == "option" and self._select is not None and ("selected" in attrs or not self._select[2]):
                self._select[2].append(attrs.get("value", ""))
            return
        fields = self._current[1]
        kind = (attrs.get("type") or ("submit" if tag == "button" else "text")).lower()
        if tag in ("input", "button") and kind in ("submit", "image"):
            # the first named submit button is sent, as a browser sends the button pressed; others only
            # when hypothesis picks them
            first = not any(name in self._buttons for name, _value in fields)
            self._buttons.add(attrs["name"])
            fields.append((attrs["name"], attrs.get("value", "") if first else None))
            return
        if tag == "input":
            if kind in ("button", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                fields.append((attrs["name"], None))  # known, sent only when hypothesis picks it
                return
            fields.append((attrs["name"], "" if kind == "file" else attrs.get("value", "")))
        elif tag == "select":
            self._select = [attrs["name"], "multiple" in attrs, []]
        elif tag == "textarea":
            self._textarea = [attrs["name"], ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None
        elif tag == "select" and self._select is not None and self._current is not None:
            name, _multiple, chosen = self._select
            self._current[1].append((name, chosen[0] if chosen else ""))
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._current is not None:
            self._current[1].append(tuple(self._textarea))
            self._textarea = None


def encode(pairs) -> bytes:
    """application/x-www-form-urlencoded, as a hostile client may send it: lone surrogates become the
    bytes of invalid UTF-8, a key may come twice."""
    return "&".join(f"{quote(k, safe='', errors='surrogatepass')}={quote(v, safe='', errors='surrogatepass')}"
                    for k, v in pairs).encode()


MANAGEMENT_FIELDS = ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS")


def hostile_value(name: str):
    if name.endswith(MANAGEMENT_FIELDS):
        return st.sampled_from(MANAGEMENT)
    return st.one_of(st.sampled_from(HOSTILE_ANY), st.text(max_size=40))


@st.composite
def hostile_post(draw, fields):
    """The page's own values, with a few fields hostile, dropped or sent twice."""
    names = sorted({name for name, _value in fields if name != "csrfmiddlewaretoken"})
    chosen = draw(st.lists(st.sampled_from(names), min_size=1, max_size=min(4, len(names)), unique=True))
    management = [name for name in names if name.endswith(MANAGEMENT_FIELDS)]
    if management and draw(st.booleans()):  # a formset's management data, broken half the time
        chosen.append(draw(st.sampled_from(management)))
    plan = {name: draw(st.sampled_from(["hostile", "hostile", "hostile", "missing", "twice"])) for name in chosen}
    pairs, done = [], set()
    for name, value in fields:
        how = plan.get(name)
        if how is None:
            if value is not None:
                pairs.append((name, value))
            continue
        if name in done:
            continue
        done.add(name)
        if how == "hostile":
            pairs.append((name, draw(hostile_value(name))))
        elif how == "twice":
            pairs += [(name, draw(hostile_value(name))), (name, value or "1")]
    if draw(st.integers(0, 3)) == 0:  # the same post as the page's autosave sends it (a JSON answer)
        pairs.append(("_autosave", "1"))
    return pairs


def every_field(fields, value: str) -> list[tuple[str, str]]:
    """Every field of the form but the CSRF token given the same value: a view that reads a value
    itself, not through a form field, meets it whichever field it reads."""
    return [(name, old if name == "csrfmiddlewaretoken" else value) for name, old in fields if old is not None]


# --- the rules the database must keep -------------------------------------------------------------

FORM_WRITTEN_APPS = ("portal", "people", "schemes", "applications", "casework", "reporting", "reminders")


def writes() -> tuple[int, dict[str, int]]:
    """A mark to find the rows written after it: the snapshot's xmax (as the 32-bit xid a row's xmin
    holds; a savepoint opened after this call writes with a subtransaction id at least this), and the
    rows this transaction has inserted or updated so far, per table (only those tables are read)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT txid_snapshot_xmax(txid_current_snapshot()) % 4294967296")
        xid = cursor.fetchone()[0]
        cursor.execute("SELECT relname, n_tup_ins + n_tup_upd FROM pg_stat_xact_user_tables")
        return xid, dict(cursor.fetchall())


def checked_models() -> dict:
    """The models whose rows forms write, by table."""
    return {model._meta.db_table: model for model in apps.get_models()
            if model._meta.app_label in FORM_WRITTEN_APPS and not model._meta.proxy and model._meta.managed}


def broken_rows(before: tuple[int, dict[str, int]]) -> set[str]:
    """Every row written since `before` (see `writes`) in the apps whose data forms write, checked against
    its model's field rules (validators, lengths, choices, the limits of numbers), and each round's
    criteria against the weight rule."""
    since_xid, counts = before
    models_by_table = checked_models()
    broken = set()
    for table, count in writes()[1].items():
        model = models_by_table.get(table)
        if model is None or count == counts.get(table, 0):
            continue
        skip = [f.name for f in model._meta.fields if isinstance(f, models.FileField | models.ForeignKey)]
        written = model._base_manager.extra(where=[f'"{table}".xmin::text::bigint >= %s'], params=[since_xid])
        for row in written:
            try:
                row.clean_fields(exclude=skip)
            except ValidationError as error:
                broken.add(f"{model._meta.label} {row.pk}: {sorted(error.message_dict)}")
        if model is AssessmentCriterion:
            for round_ in Round.objects.filter(criteria__in=written).distinct().prefetch_related("criteria"):
                weights = [c.weight for c in round_.criteria.all()]
                if weights and sum(weights) != CRITERIA_WEIGHT_TOTAL:
                    broken.add(f"round {round_.pk}: criteria weigh {sum(weights)}")
    return broken


class _Undo(Exception):
    pass


# --- the test -------------------------------------------------------------------------------------

def variants(world) -> list[World]:
    """The world as the access matrix builds it (A's case decided, its letter sent, appealed, reported
    on), and the same with "the application" being A's draft in a second round (its sections open to
    the editor; a line's URL given its competence measure or its innovation project) or B's application
    in assessment (the office's assessment and decision open)."""
    office, a_ed, x_cw = world.objects["office"], world.users["a_ed"], world.users["x_cw"]
    draft = ApplicationFactory(round=RoundFactory(office=office, with_criteria=True),
                               organisation=world.objects["organisation"], created_by=a_ed)
    measure = CompetenceMeasureFactory(application=draft, amount_applied=50_000, total_cost=60_000, own_funding=10_000)
    project = InnovationProjectFactory(application=draft)
    municipality_b = OrganisationFactory(county=world.objects["county"])
    assessed = applying_for(world.objects["round"], 100_000, organisation=municipality_b)
    AssessmentFactory(application=assessed, started_by=x_cw, scored=3)
    return [world,
            World(objects={**world.objects, "application": draft, "measure": measure}, users=world.users),
            World(objects={**world.objects, "application": draft, "measure": project}, users=world.users),
            World(objects={**world.objects, "application": assessed, "measure": assessed.measures.first()},
                  users=world.users)]


def roles_to_ask(name: str) -> list[str]:
    """The roles the access matrix lets open the page (200), or that it refuses only for the state of A's
    case (403: the variants' draft or assessment may open it), in the order of ROLES."""
    if name not in EXPECTED:
        return list(ROLES)
    codes = dict(zip(MATRIX_ROLES, EXPECTED[name][0].split(), strict=True))
    return [role for role in ROLES if codes[role] in ("200", "403")]


def forms_of_the_site(worlds, clients):
    """(where, path, role, fields) of each distinct POST form of every page some party opens."""
    found, seen, opened = [], set(), set()
    for name, route, entry in url_patterns():
        for world in worlds:
            path = url_of(name, route, entry, url_kwargs(name, entry, world))
            if path in opened:
                continue
            opened.add(path)
            for role in roles_to_ask(name):
                response = clients[role].get(path)
                if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                    continue
                finder = FormFinder()
                finder.feed(response.content.decode())
                for action, fields in finder.forms:
                    target = urlsplit(urljoin(path, action or path)).path
                    key = (target, tuple(sorted({n for n, _v in fields})))
                    if target.startswith(SKIPPED_ACTIONS) or key in seen or len(key[1]) < 2:
                        continue
                    seen.add(key)
                    found.append((f"{name} as {role}", target, role, fields))
    return found


def test_no_form_of_the_site_gives_a_500_or_stores_a_row_that_breaks_a_rule(db):
    world = world_build()
    clients = {role: Client(raise_request_exception=True) for role in ROLES}
    for role, client in clients.items():
        client.force_login(world.users[role])
    started = time.monotonic()
    forms = forms_of_the_site(variants(world), clients)
    walked = time.monotonic()
    failures = []
    assert len(forms) > 30, [where for where, *_ in forms]  # the walk found the site's forms
    statuses = {}

    for where, path, role, fields in forms:
        @settings(settings.get_profile(PROFILE))
        @given(pairs=hostile_post(fields))
        @example(pairs=every_field(fields, "³"))  # a digit to str.isdigit(), not to int()
        @example(pairs=every_field(fields, "\x00"))
        @example(pairs=every_field(fields, "1" + "0" * 30))
        def post_hostile(pairs):
            try:
                with transaction.atomic():
                    before = writes()
                    response = clients[role].post(path, data=encode(pairs),
                                                  content_type="application/x-www-form-urlencoded")
                    statuses.setdefault(where, []).append(response.status_code)
                    assert response.status_code < 500, f"{where}: {path} {response.status_code}"
                    broken = broken_rows(before)
                    assert not broken, f"{where}: {path} stored rows that break a rule: {broken}"
                    raise _Undo
            except _Undo:
                pass

        if REPORT:  # explore: every form's first failure, then the next form
            try:
                post_hostile()
            except Exception as error:  # noqa: BLE001
                failures.append(f"{where}: {error}")
        else:
            post_hostile()
    if REPORT:
        print(f"walk {walked - started:.1f}s, posts {time.monotonic() - walked:.1f}s")
        print("\n".join(f"{where}: {codes}" for where, codes in statuses.items()))
        print("\n\n".join(failures))
        assert not failures


def test_the_rule_check_sees_a_row_that_breaks_a_rule(db):
    """The check above can fail: a row written against its field's validator, and criteria that no longer
    weigh 100, are both reported; a row written before is not."""
    municipality = OrganisationFactory()
    round_ = RoundFactory(with_criteria=True)
    before = writes()
    assert broken_rows(before) == set()

    with transaction.atomic():  # as each post is written: in its own savepoint
        type(municipality).objects.filter(pk=municipality.pk).update(organisation_number="123456789")
        criterion = round_.criteria.first()
        AssessmentCriterion.objects.filter(pk=criterion.pk).update(weight=criterion.weight + 1)

    broken = broken_rows(before)
    assert f"portal.Organisation {municipality.pk}: ['organisation_number']" in broken
    assert f"round {round_.pk}: criteria weigh {CRITERIA_WEIGHT_TOTAL + 1}" in broken
