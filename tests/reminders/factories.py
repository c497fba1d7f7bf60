"""Factories of the reminder log: one Reminder row per recipient, round, kind and offset, with
traits for how its e-mail went (see portal.mail's policy):

    ReminderFactory()                   claimed and sent
    ReminderFactory(failed=True)        certainly not sent: waits for the next sweep
    ReminderFactory(uncertain=True)     perhaps sent: never tried again
    ReminderFactory(claimed=True)       claimed by a sweep that never finished

and `nordland()`, the world of a round the sweep's and the calendar's tests remind (see below).
"""

import factory
from django.core import mail
from django.utils import timezone
from factory.django import DjangoModelFactory

from casework.workflow import DECISION
from portal.models import Delivery, LanguageForm, OrganisationKind, Role, User
from reminders.models import Reminder, ReminderKind
from reporting.models import GrantReport
from tests.casework.factories import DecisionFactory, letter_stored
from tests.portal.factories import CountyFactory, MembershipFactory, OfficeFactory, OrganisationFactory, UserFactory
from tests.schemes.factories import RoundFactory, SchemeFactory, oslo


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


# --- a world to remind: the sweep's and the calendar's tests share it ----------------------------------------

OPENS = oslo(2020, 1, 6, 9, 0)
CLOSES = oslo(2020, 2, 20, 23, 59)
REPORT_DUE = oslo(2021, 3, 1, 23, 59)
CASEWORKER_EMAIL = "saksbehandler@fm.example"
APPROVER_EMAIL = "godkjenner@fm.example"
ADMIN_EMAIL = "admin@fm.example"
OFFICE_NAME = "Fylkesmannen i Testnordland"


def members(organisation, slug):
    """An editor and a signatory with readable addresses: editor@<slug>.example, signatory@<slug>.example."""
    for role in (Role.EDITOR, Role.SIGNATORY):
        MembershipFactory(role=role, organisation=organisation, user=UserFactory(email=f"{role}@{slug}.example"))


def nordland(*, office=None, opens=OPENS, closes=CLOSES, reporting_deadline=REPORT_DUE, language_forms=None):
    """The round "Kompetansetilskudd 2020" of an office (`office`, or "Fylkesmannen i Testnordland") for a
    test-only county with four municipalities, Bodø, Narvik, Vefsn and Rana (slugs bodo, narvik, vefsn, rana),
    a state body that is not net-budgeted ("state": never reminded), and Stavanger ("stavanger") in a county
    of another office (never reminded). Each has an editor and a signatory (`members`); the office has a
    caseworker (saksbehandler@fm.example), an approver (godkjenner@fm.example) and an admin
    (admin@fm.example). Returns (round, {slug: organisation})."""
    language_forms = language_forms or {}
    if office is None:
        office = OfficeFactory(name=OFFICE_NAME, counties=[CountyFactory(name="Testnordland")])
    county = office.counties.first()
    rogaland = CountyFactory(name="Testrogaland")
    OfficeFactory(name="Fylkesmannen i Testrogaland", counties=[rogaland])
    round_ = RoundFactory(office=office, year=2020, opens_at=opens, closes_at=closes,
                          reporting_deadline=reporting_deadline, scheme=SchemeFactory(name="Kompetansetilskudd"),
                          contact_email="fmnopost@fylkesmannen.example")
    orgs = {}
    for slug, name in [("bodo", "Bodø"), ("narvik", "Narvik"), ("vefsn", "Vefsn"), ("rana", "Rana")]:
        orgs[slug] = OrganisationFactory(name=name, county=county,
                                         language_form=language_forms.get(slug, LanguageForm.BOKMAL))
        members(orgs[slug], slug)
    orgs["state"] = OrganisationFactory(name="Statlig etat", kind=OrganisationKind.STATE_BODY, county=county,
                                        municipality_number="", net_budgeted=False)
    members(orgs["state"], "state")
    orgs["stavanger"] = OrganisationFactory(name="Stavanger", county=rogaland)
    members(orgs["stavanger"], "stavanger")
    for role, email in ((Role.CASEWORKER, CASEWORKER_EMAIL), (Role.APPROVER, APPROVER_EMAIL),
                        (Role.OFFICE_ADMIN, ADMIN_EMAIL)):
        MembershipFactory(role=role, office=office, user=UserFactory(email=email))
    return round_, orgs


def granted(application, *, due=None, sent=True, caseworker=None, approver=None):
    """Grant `application` all it applied for through the office's services and return its report: due at
    the round's reporting deadline unless the decision sets `due`. With `sent` (default) the decision letter
    has gone, so the municipality knows of the report. Proposed and approved by `caseworker` and `approver`,
    by default those of `nordland` (so no new recipient of summaries appears). The decision is
    `report.test_decision`."""
    decision = DecisionFactory(round=application.round, application=application, approved=True, sent=sent,
                               caseworker=caseworker or User.objects.get(email=CASEWORKER_EMAIL),
                               approver=approver or User.objects.get(email=APPROVER_EMAIL), reporting_deadline=due)
    report = GrantReport.objects.get(application=application)
    report.test_decision = decision
    return report


def letter_sent(report):
    """The decision letter of `report`'s decision (approved, not sent) goes to the municipality."""
    decision = report.test_decision
    return DECISION.perform(letter_stored(decision), "send", user=decision.test_caseworker).object


def reminders_sent(outbox=None) -> list[tuple[str, str, int]]:
    """(recipient, kind, offset) of each e-mail of `outbox` (default: all), read from the header the sweep sets."""
    result = []
    for message in mail.outbox if outbox is None else outbox:
        kind, offset = message.extra_headers["X-Tilskudd-Reminder"].split("; offset=")
        result += [(address, kind, int(offset)) for address in message.to]
    return result


def to_both(slug, kind, offset):
    """What `reminders_sent` reads when the organisation `slug`'s editor and signatory got that reminder."""
    return [(f"editor@{slug}.example", kind, offset), (f"signatory@{slug}.example", kind, offset)]
