"""Factories of the office's casework, with traits for its states, every one reached through the
services and `casework.workflow.DECISION` (never by writing a status):

    AssessmentFactory()                   an assessment of an application in assessment
    AssessmentFactory(scored=4)           every criterion of the round scored 4 (weighted 80)
    DecisionFactory()                     proposed by a caseworker, the whole amount awarded
    DecisionFactory(awarded=[100_000])    proposed with these awards (one per measure, in order)
    DecisionFactory(approved=True)        approved by another user: the application is decided
                                          and its report made (reporting's signal)
    DecisionFactory(sent=True)            approved, its letter stored, and sent
    AppealFactory()                       an appeal against a sent decision

The decision's application is `applying_for(round, *applied)`: one competence measure per amount
(default one of 200 000 kr) in a round with the default criteria. Tasks the transitions queue
after commit (the letter PDF, its e-mail) do not run: tests run inside a transaction."""

import datetime as dt

import factory
from django.core.files.base import ContentFile
from django.utils import timezone
from factory.django import DjangoModelFactory

from applications.models import ApplicationStatus
from casework.models import Appeal, Assessment, CriterionScore, Decision
from casework.services.assessments import assessment_save, assessment_start
from casework.services.decisions import decision_propose
from casework.workflow import DECISION
from portal.models import Role
from tests.applications.factories import MINIMAL_PDF, ApplicationFactory, applying_for, staff
from tests.portal.factories import UserFactory
from tests.schemes.factories import RoundFactory


class AssessmentFactory(DjangoModelFactory):
    """The caseworker's assessment, started through the service (the application moves into
    assessment); `scored=level` scores every criterion of the round `level` (0–5)."""

    class Meta:
        model = Assessment
        skip_postgeneration_save = True

    application = factory.SubFactory(ApplicationFactory, submitted=True, round__with_criteria=True)
    started_by = factory.LazyAttribute(lambda o: staff(o.application.round.office, Role.CASEWORKER))

    @classmethod
    def _create(cls, model_class, application, started_by, **kwargs):
        return assessment_start(application=application, user=started_by)

    @factory.post_generation
    def scored(self, create, extracted, **kwargs):
        if create and extracted is not None:
            criteria = self.application.round.criteria.all()
            assessment_save(application=self.application, user=self.started_by, notes=self.notes,
                            scores={c.pk: extracted for c in criteria}, awards={}, base_version=self.version)
            self.refresh_from_db()


class CriterionScoreFactory(DjangoModelFactory):
    class Meta:
        model = CriterionScore

    assessment = factory.SubFactory(AssessmentFactory)
    criterion = factory.LazyAttribute(lambda o: o.assessment.application.round.criteria.first())
    score = 3


def letter_stored(decision: Decision) -> Decision:
    """What the letter task leaves: a stored PDF (a minimal one: the real letter has its own tests)."""
    decision.letter_pdf.save(f"vedtak-{decision.pk}.pdf", ContentFile(MINIMAL_PDF), save=False)
    decision.letter_created_at = timezone.now()
    decision.save(update_fields=["letter_pdf", "letter_created_at"])
    return decision


class DecisionFactory(DjangoModelFactory):
    """A decision made the way the office makes it (see the module's docstring)."""

    class Meta:
        model = Decision

    # what the decision is made from (none of these is a field: `_create` makes it through the services)
    round = factory.SubFactory(RoundFactory, with_criteria=True)
    applied = (200_000,)
    awarded = None  # one amount per measure; None: all that was applied for
    reasons = "Søknadene i runden er større enn budsjettet."
    caseworker = factory.LazyAttribute(lambda o: staff(o.round.office, Role.CASEWORKER))
    approver = factory.LazyAttribute(lambda o: staff(o.round.office, Role.APPROVER))
    approved = False
    sent = False
    sent_days_ago = 0
    application = factory.LazyAttribute(lambda o: applying_for(o.round, *o.applied))

    @classmethod
    def _create(cls, model_class, application, round, applied, awarded, reasons, caseworker, approver, approved,
                sent, sent_days_ago, **kwargs):
        measures = list(application.measures.order_by("pk"))
        amounts = awarded if awarded is not None else [m.amount_applied for m in measures]
        assessment_save(application=application, user=caseworker, scores={}, notes="", base_version=0,
                        awards={("measure", m.pk): amount for m, amount in zip(measures, amounts, strict=True)})
        decision = decision_propose(application=application, user=caseworker, reasons=reasons, **kwargs)
        if approved or sent:
            decision = DECISION.perform(decision, "approve", user=approver).object
        if sent:
            decision = DECISION.perform(letter_stored(decision), "send", user=caseworker).object
            if sent_days_ago:  # the clock of the appeal deadline: when it was sent, as if days ago
                decision.sent_at = timezone.now() - dt.timedelta(days=sent_days_ago)
                decision.save(update_fields=["sent_at"])
        decision.test_caseworker, decision.test_approver = caseworker, approver
        return decision


class AppealFactory(DjangoModelFactory):
    """An appeal received today against a sent decision, registered by a caseworker."""

    class Meta:
        model = Appeal

    decision = factory.SubFactory(DecisionFactory, sent=True)
    received_on = factory.LazyFunction(timezone.localdate)
    text = "Kommunen klager på vedtaket."
    within_deadline = True
    registered_by = factory.SubFactory(UserFactory)


def decided(round_=None, *applied, **kwargs):
    """An application decided (approved) in `round_` through the office's services: its decision is
    `application.decision`. Keyword arguments go to DecisionFactory (awarded=, sent=, ...)."""
    kwargs.setdefault("approved", True)
    decision = DecisionFactory(**({"round": round_} if round_ else {}), applied=applied or (200_000,), **kwargs)
    application = decision.application
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DECIDED
    return application
