"""The local OpenID Connect provider of `make oidc-provider` (oidc-provider-mock on 127.0.0.1:9400),
and the demo users' identities at it: the subject each demo person types (or clicks) there."""

import json

from portal.models import Identity, IdentityProvider, User
from portal.services import identity_link

LOCAL_PROVIDER_URL = "http://127.0.0.1:9400"

# e-mail of the demo user (demo.seed.DEMO_USERS) -> provider and subject at the local provider
DEMO_SUBJECTS = {
    "per.radmann@bodo.kommune.example": (IdentityProvider.IDPORTEN, "demo-signatory"),
    "kari.redaktor@bodo.kommune.example": (IdentityProvider.IDPORTEN, "demo-editor"),
    "ola.radmann@narvik.kommune.example": (IdentityProvider.IDPORTEN, "demo-signatory-narvik"),
    "lise.redaktor@narvik.kommune.example": (IdentityProvider.IDPORTEN, "demo-editor-narvik"),
    "sara.saksbehandler@fylkesmannen.example": (IdentityProvider.OFFICE, "demo-caseworker"),
    "geir.godkjenner@fylkesmannen.example": (IdentityProvider.OFFICE, "demo-approver"),
    "anne.admin@fylkesmannen.example": (IdentityProvider.OFFICE, "demo-office-admin"),
    "rune.admin@fylkesmannen.example": (IdentityProvider.OFFICE, "demo-office-admin-rogaland"),
    "hilde.nasjonal@helsedirektoratet.example": (IdentityProvider.OFFICE, "demo-national-admin"),
}

LOCAL_ENVIRONMENT = {
    "OIDC_IDPORTEN_DISCOVERY_URL": LOCAL_PROVIDER_URL,
    "OIDC_IDPORTEN_CLIENT_ID": "tilskuddsportalen-local",
    "OIDC_IDPORTEN_CLIENT_SECRET": "local-secret",
    "OIDC_OFFICE_DISCOVERY_URL": LOCAL_PROVIDER_URL,
    "OIDC_OFFICE_CLIENT_ID": "tilskuddsportalen-office-local",
    "OIDC_OFFICE_CLIENT_SECRET": "local-secret",
}


def demo_identities_seed() -> list[Identity]:
    """Link each demo user to their subject at the local provider. Safe to run again."""
    users = {user.email: user for user in User.objects.filter(email__in=DEMO_SUBJECTS)}
    return [identity_link(user=users[email], provider=provider, subject=subject)
            for email, (provider, subject) in DEMO_SUBJECTS.items() if email in users]


def local_provider_help() -> str:
    """How to try the OpenID Connect login locally (printed by `seed_demo`, so by `make run`)."""
    variables = " ".join(f"{name}={value}" for name, value in LOCAL_ENVIRONMENT.items())
    subjects = ", ".join(subject for _provider, subject in DEMO_SUBJECTS.values())
    return (
        "To log in through OpenID Connect instead: run `make oidc-provider` in another terminal, then\n"
        f"  {variables} make run\n"
        f"and on the provider's page click (or type) a demo person's subject: {subjects}."
    )


def local_provider_users() -> list[str]:
    """The demo people as oidc-provider-mock's --user-claims (one-click buttons on its page)."""
    emails = {subject: email for email, (_provider, subject) in DEMO_SUBJECTS.items()}
    return [json.dumps({"sub": subject, "email": email}) for subject, email in emails.items()]
