"""Factories of the core: users, counties, offices, organisations, memberships, notifications and
e-mails. The reference data (the real counties, offices and municipalities of 2020) is in the test
database from the start: `reference_office` and `reference_municipality` fetch them; the factories
here make test-only ones (counties 60–98, "Testkommune n") that never collide with it."""

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from factory.django import DjangoModelFactory

from portal.models import (
    County,
    Delivery,
    Identity,
    IdentityProvider,
    Membership,
    Notification,
    Office,
    Organisation,
    OrganisationKind,
    Role,
    SentEmail,
    User,
)
from portal.validators import organisation_number_check_digit


def build_pdf(objects: list[bytes], *, trailer: bytes = b"", header: bytes = b"%PDF-1.4\n") -> bytes:
    """A well-formed PDF of these objects (numbered from 1; the first is the catalog), with its cross-
    reference table and trailer, as pypdf and the upload checks read it."""
    body = bytearray(header)
    offsets = []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % number + content + b"\nendobj\n"
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer\n<</Size %d/Root 1 0 R%s>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer, xref)
    return bytes(body)


MINIMAL_PDF = build_pdf([
    b"<</Type/Catalog/Pages 2 0 R>>",
    b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
    b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>",
])


def pdf_upload(name="Kompetanseplan.pdf", size=None):
    """A real (minimal) PDF as an uploaded file; `size` pads it with a PDF comment to that many bytes."""
    content = MINIMAL_PDF
    if size is not None:
        content += b"%" + b"x" * max(size - len(MINIMAL_PDF) - 2, 0) + b"\n"
    return SimpleUploadedFile(name, content, content_type="application/pdf")


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

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Faker("name", locale="no_NO")
    password = factory.django.Password("passord-for-test")

    class Params:
        superuser = factory.Trait(is_superuser=True, is_staff=True)  # a technical operator


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


def free_municipality_number(county_number: str, n: int) -> str:
    """A municipality number of the county that no municipality has yet: in a real county (the
    reference data's, e.g. Nordland's 18) the n-th number would often be a real municipality's."""
    for step in range(100):
        candidate = f"{county_number}{(n + step) % 100:02d}"
        if not Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY, municipality_number=candidate).exists():
            return candidate
    raise ValueError(f"County {county_number} has no free municipality number left.")


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Testkommune {n}")
    kind = OrganisationKind.MUNICIPALITY
    organisation_number = factory.Sequence(valid_organisation_number)
    county = factory.SubFactory(CountyFactory)
    municipality_number = factory.LazyAttributeSequence(lambda o, n: free_municipality_number(o.county.number, n))


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


class IdentityFactory(DjangoModelFactory):
    """A person's login at a provider, linked to their user; `used=True` for one they have logged in with."""

    class Meta:
        model = Identity

    user = factory.SubFactory(UserFactory)
    provider = IdentityProvider.IDPORTEN
    subject = factory.Sequence(lambda n: f"subject-{n}")

    class Params:
        used = factory.Trait(last_used_at=factory.LazyFunction(timezone.now))


class NotificationFactory(DjangoModelFactory):
    """A notification of the application side's kind; `read=True` for one the user has read."""

    class Meta:
        model = Notification

    user = factory.SubFactory(UserFactory)
    kind = "status_changed"
    data = factory.LazyFunction(lambda: {"organisation": "Bodø kommune", "status": "submitted", "application": 1})
    url = "/applications/1/"

    class Params:
        read = factory.Trait(read_at=factory.LazyFunction(timezone.now))


class SentEmailFactory(DjangoModelFactory):
    """An e-mail the portal claimed to send; traits for how it went (see portal.mail)."""

    class Meta:
        model = SentEmail

    key = factory.Sequence(lambda n: f"receipt:{n}:1")
    recipients = factory.LazyFunction(lambda: ["radmann@kommune.example"])
    subject = "Søknad mottatt"
    office = factory.SubFactory(OfficeFactory)

    class Params:
        sent = factory.Trait(status=Delivery.SENT, sent_at=factory.LazyFunction(timezone.now))
        failed = factory.Trait(status=Delivery.FAILED, error="SMTPRecipientsRefused: 450 try again later")
        uncertain = factory.Trait(status=Delivery.UNCERTAIN, error="SMTPServerDisconnected: Connection closed")


def reference_office(slug: str = "fylkesmannen-i-nordland", **changes) -> Office:
    """One of the ten offices of the reference data (loaded once per test run), changed for this test."""
    office = Office.objects.get(slug=slug)
    for name, value in changes.items():
        setattr(office, name, value)
    if changes:
        office.save(update_fields=list(changes))
    return office


def reference_municipality(municipality_number: str, **changes) -> Organisation:
    """One of the 356 municipalities of the reference data, changed for this test (e-mail, language form)."""
    municipality = Organisation.objects.get(municipality_number=municipality_number, kind=OrganisationKind.MUNICIPALITY)
    for name, value in changes.items():
        setattr(municipality, name, value)
    if changes:
        municipality.save(update_fields=list(changes))
    return municipality
