"""Factories of reports on the use of funds, with traits for their states. A report is made by the
decision's approval (reporting's receiver of `decision_approved`), so the factory makes a granted,
sent decision and takes its report; every later state goes through `reporting.workflow.REPORT`:

    GrantReportFactory()                 a draft, the letter sent (the municipality knows of it)
    GrantReportFactory(letter_sent=False) a draft of a decision whose letter has not gone yet
    GrantReportFactory(filled=True)      every line and the overall account written
    GrantReportFactory(submitted=True)   filled and submitted by the signatory
    GrantReportFactory(returned=True)    submitted and returned by a caseworker with a message
    GrantReportFactory(approved=True)    submitted and approved: the application is closed
    GrantReportFactory(submitted=True, used=30_000)   each line filled in with 30 000 kr used

`report_in(round_, 250_000, 100_000)` is the report of an application granted those amounts in `round_`;
`submit(report)` fills and submits a report that exists already (made by a decision's approval).
"""

import factory
from factory.django import DjangoModelFactory

from portal.models import Role
from reporting.models import GrantReport, ReportLine
from reporting.services import report_save
from reporting.workflow import REPORT
from tests.applications.factories import member
from tests.casework.factories import DecisionFactory


def complete_lines(report, *, used=None, explanation="") -> dict[int, dict]:
    """What report_save takes for every line filled in: `used` kroner each (default: all it was granted)."""
    return {line.pk: {"amount_used": line.awarded if used is None else used, "participants_planned": 10,
                      "participants_completed": 8, "achievements": "Åtte fullførte videreutdanningen.",
                      "overspend_explanation": explanation}
            for line in report.lines.all()}


def fill(report, user, *, used=None, explanation="", overall="Midlene ble brukt som planlagt.", upload=None):
    """Fill the whole report through report_save, as the page would."""
    report.refresh_from_db()
    return report_save(report=report, user=user, data={"overall_account": overall},
                       lines=complete_lines(report, used=used, explanation=explanation),
                       base_version=report.version, upload=upload)


class GrantReportFactory(DjangoModelFactory):
    """See the module's docstring. `decision__…` passes on to DecisionFactory (applied=, awarded=)."""

    class Meta:
        model = GrantReport

    letter_sent = True
    filled = False
    submitted = False
    returned = False
    approved = False
    used = None  # kroner used on each line when filled (None: all it was granted)
    decision = factory.SubFactory(DecisionFactory, approved=True, sent=factory.SelfAttribute("..letter_sent"))

    @classmethod
    def _create(cls, model_class, decision, letter_sent, filled, submitted, returned, approved, used, **kwargs):
        report = decision.application.report
        if filled or submitted or returned or approved:
            signatory = member(report.application.organisation, Role.SIGNATORY)
            report = fill(report, signatory, used=used)
        if submitted or returned or approved:
            report = REPORT.perform(report, "submit", user=signatory).object
        if returned:
            report = REPORT.perform(report, "return", user=decision.test_caseworker,
                                    data={"message": "Revisorberetningen mangler."}).object
        if approved:
            report = REPORT.perform(report, "approve", user=decision.test_caseworker).object
        report.test_decision = decision
        return report


def report_in(round_, *granted, **traits):
    """The report of an application in `round_` granted these amounts (one competence measure each; default
    one of 100 000 kr), its decision letter sent. `traits` are GrantReportFactory's (submitted=True, ...)."""
    return GrantReportFactory(decision__round=round_, decision__applied=granted or (100_000,), **traits)


def submit(report, signatory=None, **filled):
    """Fill `report` (`fill`'s keywords) and submit it through REPORT as `signatory`: by default its
    organisation's first signatory (one is made if it has none), so no new recipient of reminders appears."""
    if signatory is None:
        membership = report.application.organisation.memberships.filter(role=Role.SIGNATORY).order_by("pk").first()
        signatory = membership.user if membership else member(report.application.organisation, Role.SIGNATORY)
    return REPORT.perform(fill(report, signatory, **filled), "submit", user=signatory).object


class ReportLineFactory(DjangoModelFactory):
    """A line of a report (lines are normally made from the decision's granted lines)."""

    class Meta:
        model = ReportLine

    report = factory.SubFactory(GrantReportFactory)
    part = "measure"
    line_id = factory.Sequence(lambda n: 10_000 + n)
    title = factory.Sequence(lambda n: f"Tiltak {n}")
    awarded = 100_000
