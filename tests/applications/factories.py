"""Factories of the municipality's application, with traits for its states:

    ApplicationFactory()                    a draft in an open round
    ApplicationFactory(submitted=True)      as a submission leaves it (see below)
    ApplicationFactory(in_assessment=True)  taken into assessment by a caseworker (the machine)
    ApplicationFactory(returned=True)       returned with a request for more information (the machine)
    ApplicationFactory(withdrawn=True)      withdrawn by its signatory (the machine)

`submitted` sets what the submit transition writes (status, time, count, who, and its event in the
history) without requiring the application to be complete, so a test may add exactly the lines it
needs; the transition itself, with its guards, is tested in tests/applications/test_workflow.py.
Every later state is reached through `applications.workflow.APPLICATION`, never by writing a status.
Decided applications come from `tests.casework.factories.DecisionFactory(approved=True)`."""

import datetime as dt
import hashlib

import factory
from django.core.files.base import ContentFile
from django.utils import timezone
from factory.django import DjangoModelFactory

from applications.models import (
    Application,
    ApplicationEvent,
    ApplicationStatus,
    Attachment,
    AttachmentKind,
    CompetenceMeasure,
    EventKind,
    InnovationProject,
    Receipt,
)
from applications.workflow import APPLICATION
from portal.models import Role
from tests.portal.factories import MINIMAL_PDF, MembershipFactory, OrganisationFactory, UserFactory, pdf_upload  # noqa: F401 - the application's file helpers
from tests.schemes.factories import RoundFactory, SubGoalFactory, TargetGroupFactory


def _signatory_of(application):
    return MembershipFactory(role=Role.SIGNATORY, organisation=application.organisation).user


class ApplicationFactory(DjangoModelFactory):
    """A draft in an open round, by a municipality in the round's office's county."""

    class Meta:
        model = Application
        skip_postgeneration_save = True

    round = factory.SubFactory(RoundFactory)
    organisation = factory.LazyAttribute(lambda o: OrganisationFactory(county=o.round.office.counties.first()))
    created_by = factory.SubFactory(UserFactory)
    contact_name = "Kari Nilsen"
    contact_email = "kari@kommune.example"

    class Params:
        complete = factory.Trait(
            project_priorities="Prosjekt 1 først.", competence_raising_plan="Vi skal heve kompetansen.",
            details_version=1,
        )
        submitted = factory.Trait(
            status=ApplicationStatus.SUBMITTED, submitted_at=factory.LazyFunction(timezone.now), submission_count=1,
            submitted_by=factory.SelfAttribute("created_by"),
        )
        in_assessment = factory.Trait(submitted=True, move_to=ApplicationStatus.IN_ASSESSMENT)
        returned = factory.Trait(submitted=True, move_to=ApplicationStatus.RETURNED)
        withdrawn = factory.Trait(submitted=True, move_to=ApplicationStatus.WITHDRAWN)

    move_to = None  # not a field: where `_create` takes a submitted application through the machine

    @classmethod
    def _create(cls, model_class, *args, move_to=None, **kwargs):
        """A submitted application (submitted by its creator) gets its submission's event; then the
        transitions to `move_to`, each performed by a user who may (a caseworker of the round's
        office, a signatory)."""
        application = super()._create(model_class, *args, **kwargs)
        if application.status != ApplicationStatus.SUBMITTED:
            return application
        ApplicationEvent.objects.create(
            application=application, kind=EventKind.STATUS_CHANGED, actor=application.submitted_by,
            from_status=ApplicationStatus.DRAFT, to_status=ApplicationStatus.SUBMITTED, data={"transition": "submit"})
        if move_to in (ApplicationStatus.IN_ASSESSMENT, ApplicationStatus.RETURNED):
            caseworker = MembershipFactory(role=Role.CASEWORKER, office=application.round.office).user
            APPLICATION.perform(application, "start_assessment", user=caseworker)
            if move_to == ApplicationStatus.RETURNED:
                APPLICATION.perform(application, "return", user=caseworker,
                                    data={"message": "Legg ved kompetanseplanen."})
        elif move_to == ApplicationStatus.WITHDRAWN:
            APPLICATION.perform(application, "withdraw", user=_signatory_of(application),
                                data={"reason": "Kommunen søker neste år."})
        application.refresh_from_db()
        return application


class CompetenceMeasureFactory(DjangoModelFactory):
    class Meta:
        model = CompetenceMeasure

    application = factory.SubFactory(ApplicationFactory)
    title = factory.Sequence(lambda n: f"Videreutdanning i psykisk helsearbeid {n}")
    kind = "further_education"
    description = "Ti ansatte tar videreutdanning."
    service_area = "mental_health"
    concerns_mental_health = True
    target_group = factory.LazyAttribute(lambda o: TargetGroupFactory(scheme=o.application.round.scheme))
    participants = 10
    gives_credits = True
    total_cost = 300_000
    amount_applied = 200_000
    own_funding = 100_000


class InnovationProjectFactory(DjangoModelFactory):
    class Meta:
        model = InnovationProject
        skip_postgeneration_save = True

    application = factory.SubFactory(ApplicationFactory)
    title = factory.Sequence(lambda n: f"Velferdsteknologi i hjemmetjenesten {n}")
    description = "Digitalt tilsyn."
    partners = ["users", "next_of_kin"]
    starts_on = dt.date(2026, 1, 1)
    ends_on = dt.date(2026, 12, 31)
    total_budget = 800_000
    amount_applied = 400_000
    own_share = 400_000
    priority_rank = factory.Sequence(lambda n: n + 1)

    @factory.post_generation
    def sub_goals(self, create, extracted, **kwargs):
        if create:
            self.sub_goals.set(extracted if extracted is not None else [SubGoalFactory(scheme=self.application.round.scheme)])


def member(organisation, role=Role.EDITOR):
    return MembershipFactory(role=role, organisation=organisation).user


def staff(office, role=Role.CASEWORKER):
    return MembershipFactory(role=role, office=office).user


class AttachmentFactory(DjangoModelFactory):
    """A competence plan (a real, minimal PDF) uploaded to an application."""

    class Meta:
        model = Attachment

    application = factory.SubFactory(ApplicationFactory)
    kind = AttachmentKind.COMPETENCE_PLAN
    file = factory.LazyFunction(lambda: ContentFile(MINIMAL_PDF, name="Kompetanseplan.pdf"))
    original_name = "Kompetanseplan.pdf"
    content_type = "application/pdf"
    size = factory.LazyFunction(lambda: len(MINIMAL_PDF))
    sha256 = hashlib.sha256(MINIMAL_PDF).hexdigest()
    uploaded_by = factory.SubFactory(UserFactory)


class ReceiptFactory(DjangoModelFactory):
    """The receipt of a submission, with a stored (minimal) PDF."""

    class Meta:
        model = Receipt

    application = factory.SubFactory(ApplicationFactory, submitted=True)
    submission_number = 1
    pdf = factory.LazyFunction(lambda: ContentFile(MINIMAL_PDF, name="kvittering.pdf"))


def ready_to_submit(**kwargs):
    """A complete draft: details filled in and one complete innovation project. It has no competence
    measures, so no competence plan is needed."""
    application = ApplicationFactory(complete=True, **kwargs)
    InnovationProjectFactory(application=application)
    return application


def applying_for(round_, *amounts, mental_health=True, **kwargs):
    """A submitted application in `round_` with one competence measure per amount applied for."""
    application = ApplicationFactory(round=round_, submitted=True, **kwargs)
    group = TargetGroupFactory(scheme=round_.scheme)
    for amount in amounts:
        CompetenceMeasureFactory(application=application, amount_applied=amount, total_cost=amount, own_funding=0,
                                 concerns_mental_health=mental_health, target_group=group)
    return application
