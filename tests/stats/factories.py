"""A round built by hand for the statistics tests, whose every figure is summed by hand in
`ROUND_FIGURES`: each application reaches its state through the office's services (the factories'
traits), never by writing a status."""

import datetime as dt

from django.utils import timezone

from casework.models import Decision, DecisionStatus
from tests.applications.factories import ApplicationFactory, CompetenceMeasureFactory, InnovationProjectFactory
from tests.casework.factories import AssessmentFactory, DecisionFactory
from tests.reporting.factories import report_in
from tests.schemes.factories import RoundFactory


def measure(application, amount, kind, *, mental_health=False, credits=False):
    return CompetenceMeasureFactory(application=application, amount_applied=amount, total_cost=amount,
                                    own_funding=0, kind=kind, concerns_mental_health=mental_health,
                                    gives_credits=credits)


def project(application, amount):
    return InnovationProjectFactory(application=application, amount_applied=amount, total_budget=amount,
                                    own_share=0)


def hand_counted_round(**round_kwargs):
    """A round with a budget of 1 000 000 kr and applications in every state the figures tell apart:

    A  decided (approved, letter not sent): basic 200 000 (awarded 150 000), leadership 100 000, rus og
       psykisk helse (100 000), project 400 000 (250 000)
    B  decided and sent: continuing education with credits 80 000, rus og psykisk helse (80 000);
       project 300 000 (0); its report owed and past its deadline
    C  in assessment: further education 120 000 with credits, 60 000 proposed
    D  in assessment, decision proposed (not approved): other 50 000 (50 000)
    E  a draft of 999 000 and F withdrawn with 777 000: not counted
    G  sent, report handed in: further education 100 000 with credits, rus og psykisk helse, 30 000 used
    H  sent, report approved: further education 50 000 with credits, rus og psykisk helse, 20 000 used
    """
    round_ = RoundFactory(budget=1_000_000, with_criteria=True, **round_kwargs)

    a = ApplicationFactory(round=round_, submitted=True)
    measure(a, 200_000, "basic_education")
    measure(a, 100_000, "leadership", mental_health=True)
    project(a, 400_000)
    DecisionFactory(application=a, awarded=[150_000, 100_000, 250_000], approved=True)

    b = ApplicationFactory(round=round_, submitted=True)
    measure(b, 80_000, "continuing_education", mental_health=True, credits=True)
    project(b, 300_000)
    DecisionFactory(application=b, awarded=[80_000, 0], sent=True)
    b.report.due_at = timezone.now() - dt.timedelta(days=1)
    b.report.save(update_fields=["due_at"])

    c = ApplicationFactory(round=round_, submitted=True)
    measure(c, 120_000, "further_education", credits=True)
    AssessmentFactory(application=c, awarded=[60_000], notes="INTERNT-NOTAT: ikke for kommunen")

    d = ApplicationFactory(round=round_, submitted=True)
    measure(d, 50_000, "other")
    DecisionFactory(application=d, awarded=[50_000])

    measure(ApplicationFactory(round=round_), 999_000, "other")
    measure(ApplicationFactory(round=round_, withdrawn=True), 777_000, "other")

    report_in(round_, 100_000, submitted=True, used=30_000)
    report_in(round_, 50_000, approved=True, used=20_000)
    return round_


ROUND_FIGURES = {  # hand-summed from hand_counted_round's docstring
    "budget": 1_000_000,
    "applied": 200_000 + 100_000 + 400_000 + 80_000 + 300_000 + 120_000 + 50_000 + 100_000 + 50_000,  # 1 400 000
    "proposed": 150_000 + 100_000 + 250_000 + 80_000 + 0 + 60_000 + 50_000 + 100_000 + 50_000,  # 840 000
    "awarded": 150_000 + 100_000 + 250_000 + 80_000 + 0 + 100_000 + 50_000,  # 730 000
    "measures": (200_000 + 100_000 + 80_000 + 120_000 + 50_000 + 100_000 + 50_000,
                 150_000 + 100_000 + 80_000 + 60_000 + 50_000 + 100_000 + 50_000,
                 150_000 + 100_000 + 80_000 + 100_000 + 50_000),
    "projects": (400_000 + 300_000, 250_000 + 0, 250_000 + 0),
    "kinds": {"basic_education": (200_000, 150_000, 150_000), "leadership": (100_000, 100_000, 100_000),
              "continuing_education": (80_000, 80_000, 80_000),
              "further_education": (120_000 + 100_000 + 50_000, 60_000 + 100_000 + 50_000, 100_000 + 50_000),
              "other": (50_000, 50_000, 0)},
    "mental_health": (100_000 + 80_000 + 100_000 + 50_000, 100_000 + 80_000 + 100_000 + 50_000),  # applied, awarded
    "formal_education": (200_000 + 80_000 + 120_000 + 100_000 + 50_000, 150_000 + 80_000 + 100_000 + 50_000),
    "statuses": {"submitted": 0, "in_assessment": 2, "returned": 0, "decided": 2, "reported": 1, "closed": 1,
                 "withdrawn": 1},
    "reports": {"owed": 1, "overdue": 1, "submitted": 1, "approved": 1},
    "repayments": (100_000 - 30_000) + (50_000 - 20_000),
}


def awarded_by_decisions(round_) -> int:
    """What the round's made decisions granted, as their letters say."""
    return sum(Decision.objects.filter(application__round=round_, status__in=[DecisionStatus.APPROVED, DecisionStatus.SENT])
               .values_list("total_awarded", flat=True))
