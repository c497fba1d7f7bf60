"""Factories of the people app. An invitation's link token is kept on the made object as `token`
(only its hash is stored), so a test can open the link."""

import datetime as dt
import hashlib

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from people.models import AccessEvent, AccessEventKind, Invitation
from people.selectors import token_hash
from portal.models import Role
from tests.portal.factories import MembershipFactory, OrganisationFactory


def link_token(email: str) -> str:
    """The link token of a factory-made invitation (made from its address, so it is known)."""
    return "t" + hashlib.sha256(email.encode()).hexdigest()[:40]


class InvitationFactory(DjangoModelFactory):
    """An open invitation to be an organisation's signatory, sent by one of the office's admins.
    Traits: `expired`, `accepted`, `revoked`."""

    class Meta:
        model = Invitation
        skip_postgeneration_save = True

    class Params:
        expired = factory.Trait(expires_at=factory.LazyFunction(lambda: timezone.now() - dt.timedelta(minutes=1)))
        accepted = factory.Trait(accepted_at=factory.LazyFunction(timezone.now))
        revoked = factory.Trait(revoked_at=factory.LazyFunction(timezone.now))

    email = factory.Sequence(lambda n: f"invited{n}@kommune.example")
    role = Role.SIGNATORY
    organisation = factory.SubFactory(OrganisationFactory)
    office = None
    token_hash = factory.LazyAttribute(lambda o: token_hash(link_token(o.email)))
    invited_by = factory.LazyAttribute(lambda o: MembershipFactory(
        role=Role.OFFICE_ADMIN if o.organisation else Role.NATIONAL_ADMIN,
        office=o.organisation.office if o.organisation else None).user)
    expires_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))

    @factory.post_generation
    def token(obj, create, extracted, **kwargs):
        obj.token = link_token(obj.email)


class AccessEventFactory(DjangoModelFactory):
    class Meta:
        model = AccessEvent

    kind = AccessEventKind.INVITED
    email = factory.Sequence(lambda n: f"person{n}@example.org")
    role = Role.EDITOR
    organisation = factory.SubFactory(OrganisationFactory)
