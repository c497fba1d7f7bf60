"""The notifications page as a user meets it: two pages of them, the unread count in the header,
marking all as read. axe on every page visited."""

import pytest

from portal.models import Notification, User

CASEWORKER = "sara.saksbehandler@fylkesmannen.example"
LIST = "/me/notifications/"


@pytest.mark.django_db(transaction=True)
def test_the_notifications_page_passes_axe_and_marks_read(page, live_server, demo_data, login, axe_check):
    user = User.objects.get(email=CASEWORKER)
    Notification.objects.filter(user=user).delete()
    Notification.objects.bulk_create(
        Notification(user=user, kind="status_changed", url="/office/rounds/",
                     data={"organisation": f"Kommune {n}", "status": "submitted", "application": n})
        for n in range(30))
    login(CASEWORKER)
    for url in (LIST, f"{LIST}?page=2"):
        page.goto(f"{live_server.url}{url}")
        assert page.locator("h1").count() == 1
        axe_check(page)
    page.goto(f"{live_server.url}{LIST}")
    assert "30" in page.locator("#notifications-link").inner_text()
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()  # mark all as read
    axe_check(page)
    assert page.locator("#notifications-link").inner_text().strip() == "Varsler"
    assert not Notification.objects.filter(user=user, read_at__isnull=True).exists()
