"""A municipality gets in, as real people do: the office admin invites its signatory by e-mail; the
signatory opens the link, logs in through ID-porten (a real provider process on loopback) and
accepts; invites an editor the same way; the editor starts the application. axe on every page."""

import re

import pytest
from django.core import mail

from applications.models import Application
from tests.portal.factories import reference_municipality

OFFICE_ADMIN = "anne.admin@fylkesmannen.example"


@pytest.fixture
def provider_page(page):
    """The local provider's page loads a stylesheet from a CDN; the tests have no internet."""
    page.route("**/cdn.jsdelivr.net/**", lambda route: route.abort())
    return page


def invitation_link(live_server) -> str:
    """The link in the newest e-mail (PORTAL_BASE_URL is the live server's)."""
    match = re.search(r"https?://\S+/people/join/[\w-]+/", mail.outbox[-1].body)
    assert match and match.group(0).startswith(live_server.url), mail.outbox[-1].body
    return match.group(0)


def accept_through_id_porten(page, visit, follow, axe_check, link, subject):
    visit(link)
    follow("#login-idporten")
    page.fill("input[name=sub]", subject)
    follow("form button[type=submit] >> text=Authorize")
    assert "/people/join/" in page.url, page.url  # back at the invitation, logged in
    axe_check(page)
    follow("main form button[type=submit]")
    assert page.url.endswith("/me/")
    axe_check(page)


@pytest.mark.django_db(transaction=True)
def test_an_office_admin_invites_a_signatory_who_invites_an_editor_who_starts_the_application(
        provider_page, demo_round, oidc, settings, live_server, login, visit, follow, axe_check, log_out):
    page = provider_page
    settings.PORTAL_BASE_URL = live_server.url
    municipality = reference_municipality("1827")  # Dønna, in Nordland (no demo application)

    login(OFFICE_ADMIN)
    visit("/people/")  # one office: its page
    assert page.locator("h1").inner_text().startswith("Personer:")
    follow(f"#organisations ~ table a[href='/people/organisations/{municipality.pk}/']")
    axe_check(page)
    page.fill("#id_email", "ny.signatar@donna.kommune.example")
    page.check("input[name=role][value=signatory]")
    follow("main form[action$='/invite/'] button[type=submit]")
    assert "ny.signatar@donna.kommune.example" in page.locator(".messages").inner_text()
    axe_check(page)
    link = invitation_link(live_server)
    log_out()

    accept_through_id_porten(page, visit, follow, axe_check, link, "donna-signatar-1")
    assert "Dønna" in page.locator("#affiliation").inner_text()

    follow("header a[href='/people/']")
    assert page.url.endswith(f"/people/organisations/{municipality.pk}/")
    axe_check(page)
    page.fill("#id_email", "ny.redaktor@donna.kommune.example")
    page.check("input[name=role][value=editor]")
    follow("main form[action$='/invite/'] button[type=submit]")
    axe_check(page)
    link = invitation_link(live_server)
    log_out()

    accept_through_id_porten(page, visit, follow, axe_check, link, "donna-redaktor-1")
    visit(demo_round.get_absolute_url())
    follow("form[action*='/applications/start/'] button[type=submit]")
    assert re.search(r"/applications/\d+/", page.url), page.url
    axe_check(page)
    application = Application.objects.get(round=demo_round, organisation=municipality)
    assert application.created_by.email == "ny.redaktor@donna.kommune.example"


@pytest.mark.django_db(transaction=True)
def test_the_national_admin_s_people_pages_read_well(demo_round, login, visit, follow, axe_check, page):
    """Every other people page, as Helsedirektoratet's admin walks them by keyboard-reachable links:
    the list of places, the national page, an office's page, its log, and removing a role."""
    login("hilde.nasjonal@helsedirektoratet.example")
    visit("/people/")
    follow("main a[href='/people/national/']")
    axe_check(page)
    visit("/people/")
    follow(f"main a[href='/people/offices/{demo_round.office_id}/']")
    axe_check(page)
    follow(f"main a[href='/people/offices/{demo_round.office_id}/log/']")
    axe_check(page)
    page.go_back()
    follow("main a[href$='/remove/'] >> nth=0")
    axe_check(page)
    follow("main form button[type=submit]")
    assert page.locator(".messages").count() == 1
    axe_check(page)
