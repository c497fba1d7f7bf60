"""The office admin's reminder calendar: what will go (the sweep's own computation) and what went;
only the round's office admins see it."""

import datetime as dt
from pathlib import Path

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal.models import Role
from reminders.models import Reminder, ReminderKind
from reminders.occasions import reminders_planned
from reminders.sweep import reminders_sweep
from tests.applications.factories import ApplicationFactory, applying_for, staff

# the browser journeys' fixtures (chromium, axe, logging in) for the one browser test below
from tests.browser.conftest import (  # noqa: F401
    _axe,
    axe_check,
    browser_context_args,
    browser_type_launch_args,
    csp_violations,
    login,
)
from tests.helpers import url, warm_user_context
from tests.portal.factories import MembershipFactory, OfficeFactory, OrganisationFactory, UserFactory
from tests.reminders.factories import granted, letter_sent, members, nordland, reminders_sent
from tests.schemes.factories import oslo

NOW = oslo(2020, 2, 8, 12)  # the 14-day reminders went yesterday; 7 and 1 are to come


def _client_of(client_class, user):
    client = client_class()
    client.force_login(user)
    return client


@pytest.fixture
def world(office):
    """`nordland` for the shared `office` (whose role clients are the conftest's): Bodø has submitted (an
    application of 150 000 kr), Narvik has a draft, and the 14-day reminders went at 01:00 on 07.02.2020."""
    round_, orgs = nordland(office=office)
    applying_for(round_, 150_000, organisation=orgs["bodo"])
    ApplicationFactory(round=round_, organisation=orgs["narvik"])
    with time_machine.travel(oslo(2020, 2, 7, 1), tick=False):
        reminders_sweep(now=oslo(2020, 2, 7, 1))
    return round_, orgs


def _page(client, round_):
    with time_machine.travel(NOW, tick=False):
        return client.get(url("reminders:round", round_))


def test_the_office_admin_sees_what_will_go_and_what_went(world, office_admin_client):
    round_, _orgs = world
    response = _page(office_admin_client, round_)
    assert response.status_code == 200
    page = response.content.decode()
    planned, went = page.split('id="went-title"')
    # to come: the 7- and 1-day reminders to the three that have not submitted, with their addresses
    assert "13.02.2020 kl. 23:59" in planned and "19.02.2020 kl. 23:59" in planned
    for slug in ("narvik", "vefsn", "rana"):
        assert f"editor@{slug}.example, signatory@{slug}.example" in planned or \
            f"signatory@{slug}.example, editor@{slug}.example" in planned
    assert "bodo.example" not in planned and "state.example" not in planned and "stavanger" not in planned
    assert planned.count("7 dager før fristen") == 3 and planned.count("1 dag før fristen") == 3
    assert "14 dager før fristen" not in planned
    # went: the 14-day reminders, one row per recipient
    assert went.count("14 dager før fristen") == 6
    assert "07.02.2020 kl. 01:00" in went
    assert "signatory@rana.example" in went and "Rana" in went


@pytest.mark.django_db
def test_what_is_planned_is_what_the_sweep_sends_at_each_time():
    """One source of truth: each planned reminder goes at its time, to the recipients listed."""
    round_, orgs = nordland()
    ApplicationFactory(round=round_, organisation=orgs["narvik"])
    ApplicationFactory(round=round_, organisation=orgs["rana"], withdrawn=True)
    granted(applying_for(round_, 150_000, organisation=orgs["bodo"]))
    # granted, but its decision letter never goes: the municipality is not reminded of the report
    granted(applying_for(round_, 150_000, organisation=orgs["vefsn"]), sent=False)
    planned = reminders_planned(round_=round_, now=oslo(2020, 1, 10))
    assert {occasion.organisation.name for occasion in planned if occasion.organisation} == {"Narvik", "Bodø"}
    overdue = [occasion for occasion in planned if occasion.kind == ReminderKind.REPORT_OVERDUE]
    assert [occasion.due_at for occasion in overdue] == [oslo(2021, 3, 2, 7)]  # the day after the deadline
    expected = {(user.email, occasion.kind, occasion.offset): occasion.due_at
                for occasion in planned for user in occasion.recipients}
    for moment in sorted({occasion.due_at for occasion in planned}):
        before = len(mail.outbox)
        reminders_sweep(now=moment)
        for sent in reminders_sent(mail.outbox[before:]):
            assert expected.pop(sent) == moment, sent
    assert expected == {}


def test_the_calendar_of_a_round_with_overdue_reports_shows_the_next_daily_summary(world, office_admin_client):
    round_, orgs = world
    granted(round_.applications.get(organisation=orgs["bodo"]))
    with time_machine.travel(oslo(2021, 3, 2, 7, 30), tick=False):
        reminders_sweep(now=oslo(2021, 3, 2, 7, 30))
    with time_machine.travel(oslo(2021, 3, 2, 12), tick=False):
        page = office_admin_client.get(url("reminders:round", round_)).content.decode()
    planned, went = page.split('id="went-title"')
    assert "03.03.2021 kl. 07:00" in planned and "saksbehandler@fm.example" in planned
    assert "saksbehandler@fm.example" in went and "editor@bodo.example" in went


def _planned_rows(client, round_, moment) -> list[str]:
    with time_machine.travel(moment, tick=False):
        page = client.get(url("reminders:round", round_)).content.decode()
    return page.split('id="went-title"')[0].split("<tr>")[2:]  # past the table's head


def test_the_calendar_plans_report_reminders_once_the_decision_letter_has_gone(world, office_admin_client):
    round_, orgs = world
    vefsn = granted(applying_for(round_, 150_000, organisation=orgs["vefsn"]), sent=False)
    moment = oslo(2021, 2, 1, 12)
    assert _planned_rows(office_admin_client, round_, moment) == []  # approved, but the municipality does not know yet

    letter_sent(vefsn)
    rows = _planned_rows(office_admin_client, round_, moment)
    when = [(row.split("</td>")[0].rsplit(">", 1)[1], "vefsn.example" in row) for row in rows]
    # the 60-day reminder caught up with the next check, the 14- and 1-day ones, then the morning
    # after the deadline the caseworkers' summary and the overdue notice
    assert when == [("Ved neste gjennomgang", True), ("15.02.2021 kl. 23:59", True), ("28.02.2021 kl. 23:59", True),
                    ("02.03.2021 kl. 07:00", False), ("02.03.2021 kl. 07:00", True)]
    assert "saksbehandler@fm.example" in rows[-2]


@pytest.mark.parametrize("client_of_role", ["caseworker_client", "approver_client"])
def test_office_staff_who_are_not_its_admins_are_refused(world, request, client_of_role):
    """Their own office's round: 403 with the reason (one rule for "a round of my office")."""
    round_, _orgs = world
    client = request.getfixturevalue(client_of_role)
    assert _page(client, round_).status_code == 403
    assert client.get(url("reminders:rounds")).status_code == 404


def test_another_offices_admin_gets_404_and_does_not_see_the_round(world, client_class):
    round_, _orgs = world
    client = _client_of(client_class, staff(OfficeFactory(), Role.OFFICE_ADMIN))
    assert _page(client, round_).status_code == 404
    listing = client.get(url("reminders:rounds"))
    assert listing.status_code == 200
    assert url("reminders:round", round_) not in listing.content.decode()


def test_municipal_users_get_404_and_anonymous_visitors_are_asked_to_log_in(world, client_class):
    round_, orgs = world
    editor = _client_of(client_class, orgs["narvik"].memberships.get(role=Role.EDITOR).user)
    assert _page(editor, round_).status_code == 404
    anonymous = _page(client_class(), round_)
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]


def test_the_rounds_page_links_to_each_calendar_of_the_admins_office(world, office_admin_client):
    round_, _orgs = world
    response = office_admin_client.get(url("reminders:rounds"))
    assert response.status_code == 200
    page = response.content.decode()
    assert url("reminders:round", round_) in page
    assert page.count("<h1") == 1 and "<caption>" in page and 'scope="col"' in page


def test_the_calendar_page_has_one_heading_and_captioned_tables(world, office_admin_client):
    round_, _orgs = world
    page = _page(office_admin_client, round_).content.decode()
    assert page.count("<h1") == 1
    assert page.count("<caption>") == 2 and 'scope="row"' in page


def test_the_calendar_queries_do_not_grow_with_the_organisations(world, office_admin_client):
    round_, _orgs = world
    county = round_.office.counties.first()

    def count():
        warm_user_context(office_admin_client)
        with CaptureQueriesContext(connection) as captured:
            assert _page(office_admin_client, round_).status_code == 200
        return len(captured.captured_queries)

    small = count()
    for n in range(40):
        members(OrganisationFactory(county=county), f"kommune{n}")
    reminders_sweep(now=oslo(2020, 2, 7, 2))  # their 14-day reminders go: more rows in both tables
    assert Reminder.objects.count() == 6 + 80
    assert count() == small


def test_the_admin_lists_the_offices_reminders_read_only_with_a_link_to_the_calendar(world, office_admin_client,
                                                                                     client_class):
    round_, _orgs = world
    client = office_admin_client
    changelist = client.get(url("admin:reminders_reminder_changelist"))
    assert changelist.status_code == 200
    page = changelist.content.decode()
    assert "signatory@rana.example" in page
    assert url("reminders:round", round_) in page
    reminder = Reminder.objects.first()
    assert client.get(url("admin:reminders_reminder_add")).status_code == 403
    detail = client.post(url("admin:reminders_reminder_change", object_id=reminder.pk), {"offset": 99})
    assert detail.status_code in (200, 403)
    reminder.refresh_from_db()
    assert reminder.offset == 14

    other = _client_of(client_class, staff(OfficeFactory(), Role.OFFICE_ADMIN))
    other_page = other.get(url("admin:reminders_reminder_changelist")).content.decode()
    assert "signatory@rana.example" not in other_page
    assert other.get(url("admin:reminders_reminder_change", object_id=reminder.pk)).status_code in (302, 403, 404)


@pytest.mark.browser
@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="Debian's chromium is not installed")
def test_the_calendar_pages_pass_axe(page, live_server, transactional_db, axe_check, login):  # noqa: F811
    from demo.seed import DEMO_PASSWORD

    now = timezone.now()
    round_, orgs = nordland(opens=now - dt.timedelta(days=20), closes=now + dt.timedelta(days=5),
                            reporting_deadline=now + dt.timedelta(days=365))
    ApplicationFactory(round=round_, organisation=orgs["narvik"])
    reminders_sweep(now=now)  # the 7-day reminders go; the 1-day ones are to come
    admin = UserFactory(email="admin.kalender@fm.example")
    admin.set_password(DEMO_PASSWORD)
    admin.save()
    MembershipFactory(role=Role.OFFICE_ADMIN, office=round_.office, user=admin)

    login(admin.email)
    page.goto(f"{live_server.url}/reminders/")
    axe_check(page)
    page.locator(f"main a[href='/reminders/rounds/{round_.pk}/']").click()
    page.wait_for_url(f"{live_server.url}/reminders/rounds/{round_.pk}/")
    assert page.locator("h1").count() == 1
    assert page.locator("main table").count() == 2
    axe_check(page)
