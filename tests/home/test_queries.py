"""'My page' reads a constant number of queries, whatever the number of applications, decisions,
reports and organisations: asserted for a person who holds every role, at a small size and at a
national one (a reference office with its real municipalities, 60+ applications over several
rounds and organisations)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal.models import Organisation, Role
from tests.applications.factories import ApplicationFactory, CompetenceMeasureFactory, applying_for, ready_to_submit
from tests.casework.factories import DecisionFactory, letter_stored
from tests.helpers import in_english, url
from tests.portal.factories import MembershipFactory, SentEmailFactory, UserFactory, reference_office
from tests.reporting.factories import GrantReportFactory
from tests.schemes.factories import RoundFactory

pytestmark = pytest.mark.django_db

MAX_QUERIES = 55  # the whole page for a person with every role; the point is that it does not grow


def everyone(office):
    """A person who is caseworker, approver and office admin of `office`, and national admin."""
    user = UserFactory()
    for role in (Role.CASEWORKER, Role.APPROVER, Role.OFFICE_ADMIN):
        MembershipFactory(user=user, office=office, role=role)
    MembershipFactory(user=user, role=Role.NATIONAL_ADMIN)
    return user


def populate(office, user, *, rounds: int, members_of: list, others: list, per_round: int):
    """Applications in every state the page lists, `per_round` submitted ones per round (by the real
    municipalities `others`), and the user editor or signatory of `members_of`, each with a draft
    missing things, a complete draft, a returned application and a report due."""
    for organisation in members_of:
        MembershipFactory(user=user, organisation=organisation, role=Role.SIGNATORY)
        MembershipFactory(user=user, organisation=organisation, role=Role.EDITOR)
    for _ in range(rounds):
        round_ = RoundFactory(office=office, with_criteria=True)
        firsts, rest = others[:per_round], others[per_round:]
        for organisation in firsts:
            ApplicationFactory(round=round_, submitted=True, organisation=organisation)
        ApplicationFactory(round=round_, returned=True, organisation=rest[0])
        DecisionFactory(application=applying_for(round_, 100_000, organisation=rest[1]))
        letter_stored(DecisionFactory(application=applying_for(round_, 100_000, organisation=rest[2]), approved=True))
        GrantReportFactory(decision__application=applying_for(round_, 100_000, organisation=rest[3]), submitted=True)
        overdue = GrantReportFactory(decision__application=applying_for(round_, 100_000, organisation=rest[4]))
        overdue.due_at = timezone.now() - dt.timedelta(days=1)
        overdue.save(update_fields=["due_at"])
        SentEmailFactory(office=office, failed=True)
        for organisation in members_of:
            CompetenceMeasureFactory(application=ApplicationFactory(round=round_, organisation=organisation,
                                                                    contact_name=""))
            ready_to_submit(round=RoundFactory(office=office, with_criteria=True), organisation=organisation)
            ApplicationFactory(round=RoundFactory(office=office, with_criteria=True), organisation=organisation,
                               returned=True)
            GrantReportFactory(decision__application=applying_for(
                RoundFactory(office=office, with_criteria=True), 100_000, organisation=organisation))
    RoundFactory(office=office, published=False, budget=None, year=2099 - rounds)


def queries_of_home(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url("portal:dashboard"))
    assert response.status_code == 200
    return len(queries)


def test_the_home_page_reads_the_same_queries_at_small_and_national_size(client, django_assert_max_num_queries):
    office = reference_office()  # Nordland: its real municipalities are those the reminders consider
    user = everyone(office)
    client = in_english(client)
    client.force_login(user)

    municipalities = list(Organisation.objects.filter(county__in=office.counties.all()).order_by("pk"))
    assert len(municipalities) >= 40  # Nordland's real municipalities of 2020

    populate(office, user, rounds=1, members_of=municipalities[-1:], others=municipalities[:10], per_round=2)
    with django_assert_max_num_queries(MAX_QUERIES):
        small = queries_of_home(client)

    populate(office, user, rounds=3, members_of=municipalities[-4:-1], others=municipalities[:30], per_round=22)
    with django_assert_max_num_queries(MAX_QUERIES):
        national = queries_of_home(client)

    assert national == small
