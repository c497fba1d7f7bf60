"""Each factory's traits reach the state they name, through the services and the state machines,
with the history they would have in real use."""

import pytest

from applications.models import ApplicationEvent, ApplicationStatus, EventKind
from casework.models import DecisionStatus
from portal.models import Delivery
from reporting.models import ReportStatus
from tests.applications.factories import ApplicationFactory
from tests.casework.factories import AppealFactory, AssessmentFactory, DecisionFactory, decided
from tests.portal.factories import NotificationFactory, SentEmailFactory
from tests.reminders.factories import ReminderFactory
from tests.reporting.factories import GrantReportFactory

pytestmark = pytest.mark.django_db


def transitions(application) -> list[str]:
    return [event.data.get("transition") for event in ApplicationEvent.objects.filter(
        application=application, kind=EventKind.STATUS_CHANGED).order_by("id")]


@pytest.mark.parametrize("trait, status, path", [
    ({}, ApplicationStatus.DRAFT, []),
    ({"submitted": True}, ApplicationStatus.SUBMITTED, ["submit"]),
    ({"in_assessment": True}, ApplicationStatus.IN_ASSESSMENT, ["submit", "start_assessment"]),
    ({"returned": True}, ApplicationStatus.RETURNED, ["submit", "start_assessment", "return"]),
    ({"withdrawn": True}, ApplicationStatus.WITHDRAWN, ["submit", "withdraw"]),
])
def test_an_applications_traits(trait, status, path):
    application = ApplicationFactory(**trait)
    assert application.status == status and transitions(application) == path


def test_the_casework_traits():
    assert AssessmentFactory(scored=4).score == 80
    assert DecisionFactory().status == DecisionStatus.PROPOSED
    approved = DecisionFactory(approved=True)
    assert approved.application.status == ApplicationStatus.DECIDED
    assert transitions(approved.application)[-1] == "decide"
    sent = DecisionFactory(sent=True, awarded=[100_000])
    assert sent.status == DecisionStatus.SENT and sent.total_awarded == 100_000 and sent.letter_pdf
    assert sent.application.report.total_awarded == 100_000  # made by the approval
    assert AppealFactory().decision.status == DecisionStatus.SENT
    assert decided(None, 300_000).decision.total_awarded == 300_000


def test_the_report_traits():
    assert GrantReportFactory().status == ReportStatus.DRAFT
    assert GrantReportFactory(letter_sent=False).test_decision.status == DecisionStatus.APPROVED
    assert GrantReportFactory(submitted=True).application.status == ApplicationStatus.REPORTED
    assert GrantReportFactory(returned=True).status == ReportStatus.RETURNED
    approved = GrantReportFactory(approved=True)
    approved.application.refresh_from_db()
    assert approved.application.status == ApplicationStatus.CLOSED


def test_the_delivery_traits():
    assert ReminderFactory(failed=True).sent_at is None
    assert ReminderFactory(uncertain=True).delivery == Delivery.UNCERTAIN
    assert SentEmailFactory(sent=True).status == Delivery.SENT
    assert NotificationFactory(read=True).read_at is not None
