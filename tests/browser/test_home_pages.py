"""'My page' for each of the demo's roles, with axe on every page: one h1, a heading per section,
and each task a link that leads where it says."""

import pytest

from tests.applications.factories import ApplicationFactory

HOME = "/me/"
LOGINS = {
    "signatory": "per.radmann@bodo.kommune.example",
    "editor": "kari.redaktor@bodo.kommune.example",
    "caseworker": "sara.saksbehandler@fylkesmannen.example",
    "approver": "geir.godkjenner@fylkesmannen.example",
    "office_admin": "anne.admin@fylkesmannen.example",
    "national_admin": "hilde.nasjonal@helsedirektoratet.example",
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", LOGINS)
def test_each_roles_home_page_passes_axe(page, demo_round, login, visit, role):
    login(LOGINS[role])
    visit(HOME)
    assert page.locator("h1").count() == 1
    assert page.locator("main h2").count() >= 2  # its own section(s) and the roles


@pytest.mark.django_db(transaction=True)
def test_the_caseworker_follows_a_task_to_the_application(page, demo_round, login, visit, follow, axe_check):
    application = ApplicationFactory(round=demo_round, submitted=True)
    login(LOGINS["caseworker"])
    visit(HOME)
    follow(f"section[aria-labelledby=caseworker] a[href='/office/applications/{application.pk}/']")
    axe_check(page)
    assert page.url.endswith(f"/office/applications/{application.pk}/")
