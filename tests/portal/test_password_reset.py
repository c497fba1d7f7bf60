"""Password reset by e-mail, where password login is offered: the same answer for every address, a
link that expires and works once, the password rules, no e-mail for people without a password, and
every session of the person ended."""

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from tests.helpers import in_english, page_text, visible_text
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db

EMAIL = "kari@bodo.kommune.example"
NEW_PASSWORD = "Lang-og-sikker-2026!"


@pytest.fixture
def kari(db):
    return UserFactory(email=EMAIL)


def ask(client, email=EMAIL):
    return client.post(reverse("password_reset"), {"email": email})


def link_in(message) -> str:
    return re.search(r"https?://\S+/password-reset/\S+/", message.body).group(0)


def path_of(link: str) -> str:
    return "/" + link.split("/", 3)[3]


def choose(client, link, password=NEW_PASSWORD, again=None):
    form = client.get(path_of(link), follow=True)
    return client.post(form.request["PATH_INFO"], {"new_password1": password, "new_password2": again or password})


def test_the_login_page_offers_a_reset_when_password_login_is_on(client):
    assert reverse("password_reset") in client.get(reverse("login")).content.decode()


def test_without_password_login_there_is_no_reset_link_and_its_pages_are_404(client, kari, settings):
    settings.PASSWORD_LOGIN_ENABLED = False
    assert reverse("password_reset") not in client.get(reverse("login")).content.decode()
    assert client.get(reverse("password_reset")).status_code == 404
    assert ask(client).status_code == 404
    assert client.get(reverse("password_reset_done")).status_code == 404
    assert client.get(reverse("password_reset_confirm", args=["MQ", "set-password"])).status_code == 404
    assert mail.outbox == []


def test_a_user_gets_a_link_and_chooses_a_new_password_with_it(client, kari):
    in_english(client)
    response = ask(client, "KARI@bodo.kommune.example")
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert "Check your e-mail" in page_text(client.get(response["Location"]))
    [message] = mail.outbox
    assert message.to == [EMAIL]
    assert message.subject == "Choose a new password for Tilskuddsportalen"
    link = link_in(message)
    assert link.startswith("http://127.0.0.1:8000/password-reset/")  # PORTAL_BASE_URL, never the Host header
    assert "24 hours" in message.body

    done = choose(client, link)
    assert done.status_code == 302 and done["Location"] == reverse("password_reset_complete")
    kari.refresh_from_db()
    assert kari.check_password(NEW_PASSWORD)
    assert client.post(reverse("login"), {"username": EMAIL, "password": NEW_PASSWORD}).status_code == 302


def test_the_e_mail_is_in_the_language_the_person_asked_in(client, kari):
    ask(client)  # bokmål, the portal's default
    ask(in_english(client))
    norwegian, english = mail.outbox
    assert english.subject == "Choose a new password for Tilskuddsportalen"
    assert link_in(norwegian) and link_in(english)


def test_the_answer_is_the_same_whether_the_address_is_anyones_or_not(client, kari):
    known, unknown = ask(client), ask(client, "nobody@example.org")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert len(mail.outbox) == 1


def test_people_without_a_usable_password_get_no_e_mail(client):
    """People who log in through OpenID Connect have no password here to reset."""
    oidc_person = UserFactory(email="ola@bodo.kommune.example")
    oidc_person.set_unusable_password()
    oidc_person.save()
    inactive = UserFactory(email="per@bodo.kommune.example", is_active=False)
    for person in (oidc_person, inactive):
        assert ask(client, person.email).status_code == 302
    assert mail.outbox == []


def test_a_bad_address_gets_a_clear_message_not_an_error(client, kari):
    response = ask(in_english(client), "not an address")
    assert response.status_code == 200
    assert "Enter a valid email address." in visible_text(response)


def test_the_link_works_once(client, client_class, kari):
    ask(client)
    link = link_in(mail.outbox[0])
    assert choose(client, link).status_code == 302
    second = client_class()
    in_english(second)
    page = second.get(path_of(link), follow=True)
    assert "The link no longer works" in page_text(page)


def test_the_link_expires_after_the_reset_timeout(client, kari, settings):
    start = dt.datetime(2026, 3, 10, 10, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        ask(client)
        link = link_in(mail.outbox[0])
        clock.shift(dt.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 1))
        page = in_english(client).get(path_of(link), follow=True)
    assert "The link no longer works" in page_text(page)
    kari.refresh_from_db()
    assert not kari.check_password(NEW_PASSWORD)


def test_the_password_rules_apply(client, kari, settings):
    settings.AUTH_PASSWORD_VALIDATORS = [
        {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    ]
    ask(client)
    response = choose(in_english(client), link_in(mail.outbox[0]), password="kort")
    assert response.status_code == 200
    assert "This password is too short." in visible_text(response)
    kari.refresh_from_db()
    assert kari.check_password("passord-for-test")


def test_a_new_password_logs_the_person_out_everywhere(client, client_class, kari):
    elsewhere = client_class()
    elsewhere.force_login(kari)
    ask(client)
    choose(client, link_in(mail.outbox[0]))
    kari.refresh_from_db()
    assert kari.session_epoch == 1
    assert elsewhere.get("/me/notifications/").status_code == 302


def test_a_broker_outage_gives_the_same_answer_and_no_error(client, kari, monkeypatch):
    from portal import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(tasks.password_reset_email_task, "delay", broker_down)
    response = ask(client)
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
