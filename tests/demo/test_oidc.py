"""The demo's OpenID Connect login: every demo user has a subject at the local provider, and one of
them logs in through the whole code flow with it (the local provider is the test's real one)."""

import json

import pytest
from django.contrib.auth import SESSION_KEY

from demo.oidc import DEMO_SUBJECTS, LOCAL_ENVIRONMENT, demo_identities_seed, local_provider_help, local_provider_users
from demo.seed import DEMO_USERS
from portal.models import Identity, IdentityProvider, Role, User
from tests.oidc import oidc_login

pytestmark = pytest.mark.django_db


def test_every_demo_user_has_a_subject_at_the_local_provider_once(demo):
    assert set(DEMO_SUBJECTS) == {user.email for user in DEMO_USERS}
    demo_identities_seed()  # again: nothing new
    assert Identity.objects.count() == len(DEMO_USERS)
    office_roles = {Role.CASEWORKER, Role.APPROVER, Role.OFFICE_ADMIN, Role.NATIONAL_ADMIN}
    for user in DEMO_USERS:
        identity = Identity.objects.get(user__email=user.email)
        expected = IdentityProvider.OFFICE if user.role in office_roles else IdentityProvider.IDPORTEN
        assert identity.provider == expected, user.email


def test_the_demo_signatory_logs_in_through_the_local_provider(client, demo, oidc):
    oidc_login(client, "idporten", "demo-signatory")
    assert User.objects.get(pk=client.session[SESSION_KEY]).email == "per.radmann@bodo.kommune.example"


def test_the_help_names_every_variable_the_settings_read_and_the_subjects(settings):
    base = (settings.BASE_DIR / "config" / "settings" / "base.py").read_text()
    help_text = local_provider_help()
    for name, value in LOCAL_ENVIRONMENT.items():
        assert f"{name}={value}" in help_text
        suffix = name.split("_", 2)[2]  # OIDC_IDPORTEN_CLIENT_ID: CLIENT_ID
        assert f'f"OIDC_{{key.upper()}}_{suffix}"' in base, name
    assert "make oidc-provider" in help_text and "demo-signatory" in help_text


def test_the_local_provider_knows_every_demo_person():
    subjects = [json.loads(claims)["sub"] for claims in local_provider_users()]
    assert sorted(subjects) == sorted(subject for _provider, subject in DEMO_SUBJECTS.values())
