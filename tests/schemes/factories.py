"""Factories of the scheme and its rounds (a round is open now unless `closed` or `upcoming`)."""

import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from portal.models import OrganisationKind
from schemes.models import AssessmentCriterion, CriterionKind, Round, RoundDocument, Scheme, SubGoal, TargetGroup
from schemes.services import round_create_default_criteria
from tests.portal.factories import OfficeFactory


def oslo(year, month, day, hour=0, minute=0, second=0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, day, hour, minute, second))


class SchemeFactory(DjangoModelFactory):
    class Meta:
        model = Scheme

    slug = factory.Sequence(lambda n: f"ordning-{n}")
    name = factory.Sequence(lambda n: f"Tilskuddsordning {n}")
    main_goal = "Gode og bærekraftige helse- og omsorgstjenester."
    eligible_kinds = [OrganisationKind.MUNICIPALITY, OrganisationKind.COUNTY_MUNICIPALITY, OrganisationKind.STATE_BODY]


class SubGoalFactory(DjangoModelFactory):
    class Meta:
        model = SubGoal

    scheme = factory.SubFactory(SchemeFactory)
    code = factory.Sequence(lambda n: f"goal-{n}")
    text = factory.Sequence(lambda n: f"Delmål {n}")


class TargetGroupFactory(DjangoModelFactory):
    class Meta:
        model = TargetGroup

    scheme = factory.SubFactory(SchemeFactory)
    code = factory.Sequence(lambda n: f"group-{n}")
    text = factory.Sequence(lambda n: f"Målgruppe {n}")


class RoundFactory(DjangoModelFactory):
    """A published round open now: opened ten days ago, closes in twenty days at 23:59, with a
    budget of 10 000 000 kr. `with_criteria=True` gives it the seeds' default assessment criteria."""

    class Meta:
        model = Round
        skip_postgeneration_save = True

    scheme = factory.SubFactory(SchemeFactory)
    office = factory.SubFactory(OfficeFactory)
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    published = True
    budget = 10_000_000
    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=10))
    closes_at = factory.LazyFunction(
        lambda: timezone.localtime().replace(hour=23, minute=59, second=0, microsecond=0) + dt.timedelta(days=20)
    )
    reporting_deadline = factory.LazyAttribute(lambda o: o.closes_at + dt.timedelta(days=365))
    contact_email = "kontakt@fylkesmannen.example"

    class Params:
        closed = factory.Trait(
            opens_at=factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=60)),
            closes_at=factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=30)),
        )
        upcoming = factory.Trait(
            opens_at=factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=10)),
            closes_at=factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=40)),
        )

    @factory.post_generation
    def with_criteria(self, create, extracted, **kwargs):
        if create and extracted:
            round_create_default_criteria(round=self)


class AssessmentCriterionFactory(DjangoModelFactory):
    class Meta:
        model = AssessmentCriterion

    round = factory.SubFactory(RoundFactory)
    kind = CriterionKind.CUSTOM
    name = factory.Sequence(lambda n: f"Kriterium {n}")
    weight = 10
    position = factory.Sequence(lambda n: n)


class RoundDocumentFactory(DjangoModelFactory):
    """A link on the round's page; `stored=True` for a document uploaded to the portal instead (a PDF)."""

    class Meta:
        model = RoundDocument

    round = factory.SubFactory(RoundFactory)
    title = factory.Sequence(lambda n: f"Veileder {n}")
    url = factory.Sequence(lambda n: f"https://www.helsedirektoratet.example/veileder-{n}")

    class Params:
        stored = factory.Trait(url="", file=factory.django.FileField(filename="veileder.pdf",
                                                                     data=b"%PDF-1.4\n%%EOF\n"))
