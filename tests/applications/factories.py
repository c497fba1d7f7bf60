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
from tests.portal.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.schemes.factories import RoundFactory, SubGoalFactory, TargetGroupFactory

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


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
        )
        in_assessment = factory.Trait(submitted=True, moved_to=ApplicationStatus.IN_ASSESSMENT)
        returned = factory.Trait(submitted=True, moved_to=ApplicationStatus.RETURNED)
        withdrawn = factory.Trait(submitted=True, moved_to=ApplicationStatus.WITHDRAWN)

    @factory.post_generation
    def moved_to(self, create, extracted, **kwargs):
        """The submission's event, then the transitions to `extracted`, each performed by a user
        who may (a caseworker of the round's office, the organisation's signatory)."""
        if not create or self.status != ApplicationStatus.SUBMITTED:
            return
        ApplicationEvent.objects.create(
            application=self, kind=EventKind.STATUS_CHANGED, actor=self.submitted_by,
            from_status=ApplicationStatus.DRAFT, to_status=ApplicationStatus.SUBMITTED, data={"transition": "submit"})
        if extracted in (ApplicationStatus.IN_ASSESSMENT, ApplicationStatus.RETURNED):
            caseworker = MembershipFactory(role=Role.CASEWORKER, office=self.round.office).user
            APPLICATION.perform(self, "start_assessment", user=caseworker)
            if extracted == ApplicationStatus.RETURNED:
                APPLICATION.perform(self, "return", user=caseworker,
                                    data={"message": kwargs.get("message", "Legg ved kompetanseplanen.")})
        elif extracted == ApplicationStatus.WITHDRAWN:
            APPLICATION.perform(self, "withdraw", user=self.submitted_by or _signatory_of(self),
                                data={"reason": kwargs.get("reason", "Kommunen søker neste år.")})
        self.refresh_from_db()


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



def pdf_upload(name="Kompetanseplan.pdf", size=None):
    """A real (minimal) PDF as an uploaded file; `size` pads it with a PDF comment to that many bytes."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = MINIMAL_PDF
    if size is not None:
        content += b"%" + b"x" * max(size - len(MINIMAL_PDF) - 2, 0) + b"\n"
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def applying_for(round_, *amounts, mental_health=True, **kwargs):
    """A submitted application in `round_` with one competence measure per amount applied for."""
    application = ApplicationFactory(round=round_, submitted=True, **kwargs)
    group = TargetGroupFactory(scheme=round_.scheme)
    for amount in amounts:
        CompetenceMeasureFactory(application=application, amount_applied=amount, total_cost=amount, own_funding=0,
                                 concerns_mental_health=mental_health, target_group=group)
    return application


def assess(application, caseworker, *, level=None, awards=None):
    """Through the assessment service: every criterion of the round scored `level` (0–5, so the
    weighted score is 20 × level), and `awards` as {"measure"|"project": {line id: kroner}} or "full"."""
    from casework.models import Assessment
    from casework.services.assessments import assessment_save

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
