import factory
from factory.django import DjangoModelFactory

from portal.models import County, Membership, Office, Organisation, OrganisationKind, Role, User
from portal.validators import organisation_number_check_digit


def valid_organisation_number(n: int) -> str:
    """The n-th valid organisation number from 910000000 upwards (MOD11 check digit)."""
    base = 91_000_000 + n * 7
    while True:
        first_eight = str(base)
        digit = organisation_number_check_digit(first_eight)
        if digit is not None:
            return first_eight + str(digit)
        base += 1


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Faker("name", locale="no_NO")
    password = factory.django.Password("passord-for-test")


class CountyFactory(DjangoModelFactory):
    class Meta:
        model = County
        django_get_or_create = ["number"]

    number = factory.Sequence(lambda n: f"{60 + n % 39:02d}")
    name = factory.Sequence(lambda n: f"Testfylke {n}")


class OfficeFactory(DjangoModelFactory):
    class Meta:
        model = Office
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Fylkesmannen i Testfylke {n}")
    slug = factory.Sequence(lambda n: f"fylkesmannen-i-testfylke-{n}")
    email = factory.Sequence(lambda n: f"post{n}@fylkesmannen.example")

    @factory.post_generation
    def counties(self, create, extracted, **kwargs):
        if not create:
            return
        self.counties.set(extracted if extracted is not None else [CountyFactory()])


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Testkommune {n}")
    kind = OrganisationKind.MUNICIPALITY
    organisation_number = factory.Sequence(valid_organisation_number)
    county = factory.SubFactory(CountyFactory)
    municipality_number = factory.LazyAttributeSequence(lambda o, n: f"{o.county.number}{n % 100:02d}")


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.EDITOR
    organisation = None
    office = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        role = kwargs["role"]
        if role in (Role.EDITOR, Role.SIGNATORY) and kwargs.get("organisation") is None:
            kwargs["organisation"] = OrganisationFactory()
        if role in (Role.CASEWORKER, Role.APPROVER, Role.OFFICE_ADMIN) and kwargs.get("office") is None:
            kwargs["office"] = OfficeFactory()
        return super()._create(model_class, *args, **kwargs)
