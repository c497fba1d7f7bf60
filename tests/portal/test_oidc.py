"""Login through OpenID Connect, against a real provider process on loopback (tests/oidc.py): the
whole code flow, and every way a login is refused (each with its message, never a 400 or 500)."""

import logging

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from portal.models import Identity, IdentityProvider
from portal.oidc import (
    LoginRefused,
    Refusal,
    discovery_document_url,
    endpoints_for,
    id_token_verify,
    provider_get,
)
from tests.helpers import messages_of
from tests.oidc import OidcProvider, Person, local_part, oidc_login, oidc_start, query_of
from tests.portal.factories import IdentityFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

NOT_LINKED = "The login through ID-porten is not linked to any user of the portal."


def logged_in_user_id(client):
    return client.session.get(SESSION_KEY)


def message_texts(response) -> str:
    return " ".join(messages_of(response))


def refused_on_login_page(response, expected: str):
    """The person is back on the login page, not logged in, with `expected` in the message."""
    assert response.status_code == 200
    assert response.request["PATH_INFO"] == reverse("login")
    assert expected in message_texts(response), messages_of(response)
    assert logged_in_user_id(response.wsgi_request and response.client) is None


# --- the whole code flow ------------------------------------------------------------------------------

def test_a_known_subject_logs_in_its_user_through_the_whole_code_flow(client, oidc):
    identity = IdentityFactory(subject="kari-9001")
    authorize_url = oidc_start(client, "idporten")
    assert authorize_url.startswith(f"{oidc.issuer}/oauth2/authorize?")
    sent = query_of(authorize_url)
    assert sent["client_id"] == "tilskuddsportalen" and sent["response_type"] == "code"
    assert sent["redirect_uri"] == "http://testserver" + reverse("oidc_callback_idporten")
    assert sent["state"] and sent["nonce"]

    callback = Person().log_in(authorize_url, "kari-9001")
    assert query_of(callback)["state"] == sent["state"] and query_of(callback)["code"]
    response = client.get(local_part(callback))

    assert response.status_code == 302 and response["Location"] == reverse("portal:dashboard")
    assert int(logged_in_user_id(client)) == identity.user.pk
    identity.refresh_from_db()
    assert identity.last_used_at is not None
