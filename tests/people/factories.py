"""Factories of the people app. An invitation's link token is kept on the made object as `token`
(made from its nonce as the portal makes it), so a test can open the link."""

import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from people.links import link_token, token_hash
from people.models import AccessEvent, AccessEventKind, Invitation
from portal.models import Role
from tests.portal.factories import MembershipFactory, OrganisationFactory


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
    link_nonce = factory.Sequence(lambda n: f"{n:032x}")
    token_hash = factory.LazyAttribute(lambda o: token_hash(link_token(o.link_nonce)))
    invited_by = factory.LazyAttribute(lambda o: MembershipFactory(
        role=Role.OFFICE_ADMIN if o.organisation else Role.NATIONAL_ADMIN,
        office=o.organisation.office if o.organisation else None).user)
    expires_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))

    @factory.post_generation
    def token(obj, create, extracted, **kwargs):
        obj.token = link_token(obj.link_nonce)


class AccessEventFactory(DjangoModelFactory):
    class Meta:
        model = AccessEvent

    kind = AccessEventKind.INVITED
    email = factory.Sequence(lambda n: f"person{n}@example.org")
    role = Role.EDITOR
    organisation = factory.SubFactory(OrganisationFactory)
