import pytest

from applications.models import ApplicationStatus
from casework.models import DecisionStatus
from tests.casework.factories import AppealFactory, AssessmentFactory, DecisionFactory, decided

pytestmark = pytest.mark.django_db


def test_smoke():
    assert AssessmentFactory(scored=4).score == 80
    assert DecisionFactory().status == DecisionStatus.PROPOSED
    assert DecisionFactory(approved=True).application.status == ApplicationStatus.DECIDED
    sent = DecisionFactory(sent=True, awarded=[100_000])
    assert sent.status == DecisionStatus.SENT and sent.total_awarded == 100_000
    assert sent.application.report.total_awarded == 100_000
    assert AppealFactory().decision.status == DecisionStatus.SENT
    assert decided(None, 300_000).decision.total_awarded == 300_000


def test_smoke_reporting():
    from applications.models import ApplicationStatus
    from reporting.models import ReportStatus
    from tests.reminders.factories import ReminderFactory
    from tests.reporting.factories import GrantReportFactory

    assert GrantReportFactory().status == ReportStatus.DRAFT
    assert GrantReportFactory(letter_sent=False).test_decision.status == DecisionStatus.APPROVED
    assert GrantReportFactory(submitted=True).application.status == ApplicationStatus.REPORTED
    assert GrantReportFactory(returned=True).status == ReportStatus.RETURNED
    approved = GrantReportFactory(approved=True)
    approved.application.refresh_from_db()
    assert approved.application.status == ApplicationStatus.CLOSED
    assert ReminderFactory(failed=True).sent_at is None
