"""The notifications page as a user meets it: two pages of them, the unread count in the header,
marking all as read. axe on every page visited."""

import factory
import pytest

from portal.models import Notification, User
from tests.portal.factories import NotificationFactory

CASEWORKER = "sara.saksbehandler@fylkesmannen.example"
LIST = "/me/notifications/"


@pytest.mark.django_db(transaction=True)
def test_the_notifications_page_passes_axe_and_marks_read(page, demo_data, login, axe_check, visit, follow):
    user = User.objects.get(email=CASEWORKER)
    Notification.objects.filter(user=user).delete()
    NotificationFactory.create_batch(30, user=user, url="/office/rounds/", data=factory.Sequence(
        lambda n: {"organisation": f"Kommune {n}", "status": "submitted", "application": n}))
    login(CASEWORKER)
    for url in (LIST, f"{LIST}?page=2"):
        visit(url)
        assert page.locator("h1").count() == 1
    visit(LIST)
    assert "30" in page.locator("#notifications-link").inner_text()
    follow("main form button[type=submit] >> nth=0")  # mark all as read
    axe_check(page)
    assert page.locator("#notifications-link").inner_text().strip() == "Varsler"
    assert not Notification.objects.filter(user=user, read_at__isnull=True).exists()
