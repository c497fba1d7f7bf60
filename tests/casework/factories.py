"""Factories of the office's casework, with traits for its states, every one reached through the
services and `casework.workflow.DECISION` (never by writing a status):

    AssessmentFactory()                   an assessment of an application in assessment
    AssessmentFactory(scored=4)           every criterion of the round scored 4 (weighted 80)
    AssessmentFactory(awarded="full")     every line proposed all it applied for; or one amount per
                                          line ([measures..., projects...], each in pk order)
    assessed(round_, 300_000, 200_000)    an application in assessment, scored 4 and its proposals
                                          set (awarded=), ready for a decision
    DecisionFactory()                     proposed by a caseworker, the whole amount awarded
    DecisionFactory(awarded=[100_000])    proposed with these awards (one per line, as above)
    DecisionFactory(application=app)      the decision of that application (in its round)
    DecisionFactory(approved=True)        approved by another user: the application is decided
                                          and its report made (reporting's signal)
    DecisionFactory(approved_at=when)     approved at that moment (the letter's date)
    DecisionFactory(sent=True)            approved, its letter stored, and sent
    DecisionFactory(returned=True)        returned by the approver to the caseworker (return_comment=)
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
from tests.schemes.factories import RoundFactory


def line_awards(application, awarded) -> dict:
    """What assessment_save takes for `awarded`: None (nothing), "full" (all that was applied for),
    one amount per line (the measures, then the projects, each in pk order) or {(part, pk): kroner}."""
    if awarded is None:
        return {}
    if isinstance(awarded, dict):
        return awarded
    lines = [("measure", m) for m in application.measures.order_by("pk")]
    lines += [("project", p) for p in application.projects.order_by("pk")]
    amounts = [line.amount_applied for _part, line in lines] if awarded == "full" else awarded
    return {(part, line.pk): amount for (part, line), amount in zip(lines, amounts, strict=True)}


class AssessmentFactory(DjangoModelFactory):
    """The caseworker's assessment, started through the service (the application moves into
    assessment); `scored=level` scores every criterion of the round `level` (0–5), `awarded=` sets
    the proposed awards (see `line_awards`), `notes=` the internal notes, all in one save."""

    class Meta:
        model = Assessment

    application = factory.SubFactory(ApplicationFactory, submitted=True, round__with_criteria=True)
    started_by = factory.LazyAttribute(lambda o: staff(o.application.round.office, Role.CASEWORKER))
    scored = None
    awarded = None
    notes = ""

    @classmethod
    def _create(cls, model_class, application, started_by, scored, awarded, notes, **kwargs):
        assessment = assessment_start(application=application, user=started_by)
        if scored is not None or awarded is not None or notes:
            criteria = application.round.criteria.all()
            assessment = assessment_save(
                application=application, user=started_by, notes=notes, base_version=assessment.version,
                scores={c.pk: scored for c in criteria} if scored is not None else {},
                awards=line_awards(application, awarded))
        application.refresh_from_db()
        return assessment


class CriterionScoreFactory(DjangoModelFactory):
    class Meta:
        model = CriterionScore

    assessment = factory.SubFactory(AssessmentFactory)
    criterion = factory.LazyAttribute(lambda o: o.assessment.application.round.criteria.first())
    score = 3


def assessed(round_, *applied, awarded="full", scored=4, caseworker=None, **kwargs):
    """An application in `round_` applying for `applied` (one competence measure per amount), taken
    into assessment by `caseworker`, every criterion scored `scored` and its proposals set as
    `awarded` says (None: not yet): what a decision is proposed from. `kwargs` go to applying_for."""
    application = applying_for(round_, *(applied or (200_000,)), **kwargs)
    AssessmentFactory(application=application, started_by=caseworker or staff(round_.office, Role.CASEWORKER),
                      scored=scored, awarded=awarded)
    return application


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
    application = None  # default: applying_for(round, *applied)
    round = factory.Maybe("application", factory.SelfAttribute("application.round"),
                          factory.SubFactory(RoundFactory, with_criteria=True))
    applied = (200_000,)
    awarded = None  # see line_awards; None: all that was applied for
    reasons = "Søknadene i runden er større enn budsjettet."
    caseworker = factory.LazyAttribute(lambda o: staff(o.round.office, Role.CASEWORKER))
    approver = factory.LazyAttribute(lambda o: staff(o.round.office, Role.APPROVER))
    approved = False
    approved_at = None  # when it was approved (default: now); implies approved
    sent = False
    sent_days_ago = 0
    returned = False  # the approver returned the proposal to the caseworker, with `return_comment`
    return_comment = "Begrunnelsen må nevne budsjettet."

    @classmethod
    def _create(cls, model_class, application, round, applied, awarded, reasons, caseworker, approver, approved,
                approved_at, sent, sent_days_ago, returned, return_comment, **kwargs):
        application = application or applying_for(round, *applied)
        assessment = Assessment.objects.filter(application=application).first()
        assessment_save(application=application, user=caseworker, scores={},  # the scores stay as they are
                        notes=assessment.notes if assessment else "",
                        base_version=assessment.version if assessment else 0,
                        awards=line_awards(application, "full" if awarded is None else awarded))
        decision = decision_propose(application=application, user=caseworker, reasons=reasons, **kwargs)
        if returned:
            decision = DECISION.perform(decision, "return", user=approver, data={"comment": return_comment}).object
        if approved or approved_at or sent:
            decision = DECISION.perform(decision, "approve", user=approver, now=approved_at).object
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
    registered_by = factory.LazyAttribute(lambda o: o.decision.proposed_by)  # the caseworker who proposed it


def decided(round_=None, *applied, **kwargs):
    """An application decided (approved) in `round_` through the office's services: its decision is
    `application.decision`. Keyword arguments go to DecisionFactory (awarded=, sent=, ...)."""
    kwargs.setdefault("approved", True)
    decision = DecisionFactory(**({"round": round_} if round_ else {}), applied=applied or (200_000,), **kwargs)
    application = decision.application
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DECIDED
    return application


def assess(application, caseworker, *, level=None, awards=None):
    """Through the assessment service: every criterion of the round scored `level` (0–5, so the
    weighted score is 20 × level), and `awards` as {"measure"|"project": {line id: kroner}} or "full"."""
    assessment = Assessment.objects.filter(application=application).first()
    criteria = application.round.criteria.all()
    if awards == "full":
        awards = {("measure", m.pk): m.amount_applied for m in application.measures.all()}
        awards |= {("project", p.pk): p.amount_applied for p in application.projects.all()}
    return assessment_save(
        application=application, user=caseworker, notes="",
        scores={c.pk: level for c in criteria} if level is not None else {},
        awards=awards or {}, base_version=assessment.version if assessment else 0,
    )
