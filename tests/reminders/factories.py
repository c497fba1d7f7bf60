"""Factories of the reminder log: one Reminder row per recipient, round, kind and offset, with
traits for how its e-mail went (see portal.mail's policy):

    ReminderFactory()                   claimed and sent
    ReminderFactory(failed=True)        certainly not sent: waits for the next sweep
    ReminderFactory(uncertain=True)     perhaps sent: never tried again
    ReminderFactory(claimed=True)       claimed by a sweep that never finished
"""

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from portal.models import Delivery
from reminders.models import Reminder, ReminderKind
from tests.portal.factories import OrganisationFactory, UserFactory
from tests.schemes.factories import RoundFactory


class ReminderFactory(DjangoModelFactory):
    class Meta:
        model = Reminder

    recipient = factory.SubFactory(UserFactory)
    round = factory.SubFactory(RoundFactory)
    kind = ReminderKind.APPLICATION_DEADLINE
    offset = 7
    organisation = factory.LazyAttribute(lambda o: OrganisationFactory(county=o.round.office.counties.first()))
    sent_at = factory.LazyFunction(timezone.now)
    delivery = Delivery.SENT

    class Params:
        failed = factory.Trait(sent_at=None, delivery=Delivery.FAILED, error="SMTPRecipientsRefused: 450 busy")
        uncertain = factory.Trait(delivery=Delivery.UNCERTAIN, error="SMTPServerDisconnected: Connection closed")
        claimed = factory.Trait(delivery=Delivery.CLAIMED)
