"""The office's audit log: what lands in it, its filters and pages, and who reads it."""

import datetime as dt
import re
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import ApplicationEvent, EventKind
from casework.models import CaseworkEvent
from casework.services.appeals import appeal_register
from people.models import AccessEventKind
from people.services import membership_change_role
from portal.models import Role
from schemes.models import RoundChangeKind
from schemes.services import round_change_record
from tests.applications.factories import ApplicationFactory
from tests.casework.factories import DecisionFactory
from tests.helpers import in_english
from tests.people.factories import AccessEventFactory
from tests.portal.factories import MembershipFactory, OfficeFactory, UserFactory

pytestmark = pytest.mark.django_db


def audit_url(office, **query):
    return reverse("office:audit_log", args=[office.pk]) + ("?" + urlencode(query) if query else "")


def kinds_shown(response) -> list[str]:
    return re.findall(r'<tr data-kind="([^"]+)"', response.content.decode())


@pytest.fixture
def sent_decision(round_):
    return DecisionFactory(round=round_, sent=True)


def test_every_kind_of_change_is_in_the_office_log(office_admin_client, office, round_, sent_decision):
    caseworker = sent_decision.test_caseworker
    appeal_register(decision=sent_decision, user=caseworker, received_on=timezone.localdate(), text="Vi klager.")
    office_admin = MembershipFactory(role=Role.OFFICE_ADMIN, office=office).user
    membership = MembershipFactory(role=Role.CASEWORKER, office=office)
    membership_change_role(user=office_admin, membership=membership, role=Role.APPROVER)
    round_change_record(round=round_, user=office_admin, kind=RoundChangeKind.CHANGED,
                        data={"fields": {"budget": {"from": "10000000", "to": "12000000"}}})

    response = office_admin_client.get(audit_url(office))
    assert response.status_code == 200
    shown = set(kinds_shown(response))
    assert {EventKind.STATUS_CHANGED, CaseworkEvent.AWARDS_CHANGED, CaseworkEvent.DECISION_APPROVED,
            CaseworkEvent.DECISION_SENT, CaseworkEvent.APPEAL_REGISTERED, AccessEventKind.ROLE_CHANGED,
            RoundChangeKind.CHANGED} <= shown, shown


def test_the_log_filters_by_kind_round_application_person_and_dates(caseworker_client, office, round_, sent_decision):
    application = sent_decision.application
    other = DecisionFactory(round=round_)
    round_change_record(round=round_, user=None, kind=RoundChangeKind.CHANGED)

    by_kind = caseworker_client.get(audit_url(office, kind=CaseworkEvent.DECISION_SENT))
    assert kinds_shown(by_kind) == [CaseworkEvent.DECISION_SENT]

    by_application = kinds_shown(caseworker_client.get(audit_url(office, application=other.application_id)))
    assert by_application and CaseworkEvent.DECISION_SENT not in by_application  # the other was not sent
    assert RoundChangeKind.CHANGED not in by_application

    by_round = kinds_shown(caseworker_client.get(audit_url(office, round=round_.pk)))
    assert RoundChangeKind.CHANGED in by_round and CaseworkEvent.DECISION_SENT in by_round

    approver = sent_decision.test_approver
    by_person = kinds_shown(caseworker_client.get(audit_url(office, person=approver.email)))
    assert set(by_person) == {CaseworkEvent.DECISION_APPROVED, EventKind.STATUS_CHANGED}, by_person
    assert application.pk

    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert kinds_shown(caseworker_client.get(audit_url(office, since=tomorrow.strftime("%d.%m.%Y")))) == []
    assert kinds_shown(caseworker_client.get(audit_url(office, until=tomorrow.strftime("%d.%m.%Y"))))


def test_bad_filters_get_a_message_not_an_error(english, caseworker_client, office, sent_decision):
    in_english(caseworker_client)
    response = caseworker_client.get(audit_url(office, since="31.02.2026", application="not a number", kind="forged"))
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"since", "application", "kind"}
    assert kinds_shown(response)  # the invalid filters are ignored, not applied
    inverted = caseworker_client.get(audit_url(office, since="31.12.2030", until="01.01.2030"))
    assert "on or after the from date" in inverted.context["form"].errors["until"][0]


def many_events(count, application, actor):
    ApplicationEvent.objects.bulk_create(ApplicationEvent(application=application, actor=actor, kind=EventKind.SECTION_SAVED)
                                         for _ in range(count))


def test_the_log_is_paginated_in_constant_queries(caseworker_client, office, organisation, round_,
                                                  django_assert_max_num_queries):
    application = ApplicationFactory(round=round_, organisation=organisation)
    many_events(3, application, MembershipFactory(role=Role.EDITOR, organisation=organisation).user)
    round_change_record(round=round_, user=None, kind=RoundChangeKind.CHANGED)
    with django_assert_max_num_queries(20) as few:
        caseworker_client.get(audit_url(office))
    for _ in range(3):  # other people, other applications
        other = ApplicationFactory(round=round_)
        many_events(20, other, UserFactory())
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = caseworker_client.get(audit_url(office))
    page = response.context["page"]
    assert page.paginator.count > 50 and len(response.context["entries"]) == 50
    second = caseworker_client.get(audit_url(office, page=2))
    assert second.context["page"].number == 2 and second.context["entries"]


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.APPROVER, Role.OFFICE_ADMIN])
def test_the_office_staff_read_their_log(client, office, role):
    client.force_login(MembershipFactory(role=role, office=office).user)
    assert client.get(audit_url(office)).status_code == 200
    assert audit_url(office) in client.get(reverse("office:rounds")).content.decode()


def test_another_office_and_the_municipality_get_a_404(client, office, editor_client):
    client.force_login(MembershipFactory(role=Role.OFFICE_ADMIN, office=OfficeFactory()).user)
    assert client.get(audit_url(office)).status_code == 404
    assert editor_client.get(audit_url(office)).status_code == 404
    assert client.get(reverse("office:audit_log", args=[999_999])).status_code == 404


def test_the_log_page_only_reads(caseworker_client, office, sent_decision):
    assert caseworker_client.post(audit_url(office), {"kind": "forged"}).status_code == 405


def test_role_changes_in_the_offices_municipalities_are_in_its_log_and_no_other(caseworker_client, office,
                                                                                organisation):
    own = AccessEventFactory(organisation=organisation, kind=AccessEventKind.ROLE_CHANGED, email="own@kommune.example")
    AccessEventFactory(kind=AccessEventKind.ROLE_CHANGED, email="elsewhere@kommune.example")  # another county
    page = caseworker_client.get(audit_url(office, kind=AccessEventKind.ROLE_CHANGED)).content.decode()
    assert own.email in page and "elsewhere@kommune.example" not in page


def test_a_rounds_criteria_changes_are_shown_in_words(english, caseworker_client, office, round_):
    round_change_record(round=round_, user=None, kind=RoundChangeKind.CHANGED,
                        data={"criteria": [{"action": "removed", "item": "Innovasjon"}]})
    page = in_english(caseworker_client).get(audit_url(office, kind=RoundChangeKind.CHANGED)).content.decode()
    assert "Criterion removed: Innovasjon" in page
