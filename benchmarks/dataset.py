"""The national data set of deadline day, made with the test factories (tests/<app>/factories.py) into
the benchmark's own database, so its rows have the factories' shape:

- the reference data: 356 municipalities, their counties and the 10 offices of 2020;
- one scheme; per office this year's open round (default criteria) and last year's round, decided;
- per municipality a signatory (logged in through the local ID-porten: subject `bench-<number>`) and
  a complete draft in its office's round: 5–15 competence measures, 1–5 innovation projects, the
  competence plan; per office a caseworker, an approver and an office admin (five caseworkers in the
  largest office, who watch the list and the board during the rush);
- last year: every municipality's application decided, its letter sent, its report made, half of
  the reports handed in;
- "the 5": an extra office (test county) whose round has 5 applications, and then the two largest
  offices' applications submitted and assessed (scored; the board's suggestion not yet accepted), three
  of each with their awards set and a decision proposed.

Before the assessments the database is copied (`CREATE DATABASE … TEMPLATE`) to `<db>_rush_fresh`:
the rush needs every municipality's application still a draft, and copies it to `<db>_rush` each time. The lines, users and memberships are
built with the factories' `build()` and saved with `bulk_create`; everything with a state (a
submission, an assessment, a decision, a report) goes through the factories' `create()`, which use
the services and the state machine, as the tests do.
"""

import datetime as dt
import random
import time
from dataclasses import asdict, dataclass, field

from django.db import connections, transaction
from django.db.models import Count, Q
from django.utils import timezone

from applications.models import Application, CompetenceMeasure, InnovationProject, MeasureKind, ServiceArea
from applications.workflow import APPLICATION
from benchmarks.environment import database_recreate
from portal.models import Identity, IdentityProvider, Membership, Office, Organisation, OrganisationKind, Role, User
from portal.reference_data import reference_data_load
from schemes.models import Round
from tests.applications.factories import (
    ApplicationFactory,
    AttachmentFactory,
    CompetenceMeasureFactory,
    InnovationProjectFactory,
    ReceiptFactory,
)
from tests.casework.factories import AssessmentFactory, DecisionFactory
from tests.portal.factories import CountyFactory, IdentityFactory, OfficeFactory, OrganisationFactory, UserFactory
from tests.reporting.factories import submit
from tests.schemes.factories import RoundFactory, SchemeFactory, SubGoalFactory, TargetGroupFactory

SMALL_OFFICE_SLUG = "bench-small-office"
SUBJECT_PREFIX = "bench-"
UNUSABLE_PASSWORD = None  # an unusable password: people log in through OpenID Connect, and nothing is hashed


def subject_of(organisation: Organisation) -> str:
    """The subject the municipality's signatory types at the local ID-porten."""
    return f"{SUBJECT_PREFIX}{organisation.municipality_number or organisation.pk}"


def caseworker_subject(office: Office, n: int) -> str:
    return f"{SUBJECT_PREFIX}{office.slug}-caseworker-{n}"


@dataclass
class Built:
    """What the build made, for the measurements to find it again (var/bench/built.json, and in the results)."""

    seconds: float = 0.0
    counts: dict = field(default_factory=dict)
    small_round: int = 0
    large_rounds: list = field(default_factory=list)
    last_year_rounds: list = field(default_factory=list)
    rush_database: str = ""

    def as_dict(self):
        return asdict(self)


def _say(message: str, started: float) -> None:
    print(f"  [{time.monotonic() - started:6.1f} s] {message}", flush=True)


def _people(organisations, rng) -> dict[int, User]:
    """A signatory per organisation, with an identity at the local ID-porten (bulk)."""
    users = [UserFactory.build(email=f"radmann.{o.pk}@kommune.bench", password=UNUSABLE_PASSWORD) for o in organisations]
    User.objects.bulk_create(users)
    Membership.objects.bulk_create([Membership(user=u, role=Role.SIGNATORY, organisation=o)
                                    for u, o in zip(users, organisations, strict=True)])
    Identity.objects.bulk_create([IdentityFactory.build(user=u, provider=IdentityProvider.IDPORTEN, subject=subject_of(o))
                                  for u, o in zip(users, organisations, strict=True)])
    return {o.pk: u for u, o in zip(users, organisations, strict=True)}


def _staff(office: Office, caseworkers: int) -> dict[str, list[User]]:
    made = {}
    for role, count in ((Role.CASEWORKER, caseworkers), (Role.APPROVER, 1), (Role.OFFICE_ADMIN, 1)):
        made[role] = []
        for n in range(count):
            user = UserFactory(email=f"{role}.{n}@{office.slug}.bench", password=UNUSABLE_PASSWORD)
            Membership.objects.create(user=user, role=role, office=office)
            subject = caseworker_subject(office, n) if role == Role.CASEWORKER else f"{SUBJECT_PREFIX}{office.slug}-{role}"
            IdentityFactory(user=user, provider=IdentityProvider.OFFICE, subject=subject)
            made[role].append(user)
    return made


def _lines(applications, scheme_pools, rng) -> None:
    """5–15 competence measures and 1–5 innovation projects per application, as the factories make them."""
    groups, goals = scheme_pools
    measures, projects = [], []
    for application in applications:
        for _n in range(rng.randint(5, 15)):
            applied = rng.randrange(50_000, 400_000, 10_000)
            measures.append(CompetenceMeasureFactory.build(
                application=application, target_group=rng.choice(groups), kind=rng.choice(MeasureKind.values),
                service_area=rng.choice(ServiceArea.values), concerns_mental_health=rng.random() < 0.4,
                total_cost=applied + 50_000, amount_applied=applied, own_funding=50_000))
        for rank in range(1, rng.randint(1, 5) + 1):
            applied = rng.randrange(100_000, 800_000, 20_000)
            projects.append(InnovationProjectFactory.build(
                application=application, priority_rank=rank, total_budget=2 * applied, amount_applied=applied,
                own_share=applied))
    CompetenceMeasure.objects.bulk_create(measures, batch_size=1000)
    InnovationProject.objects.bulk_create(projects, batch_size=1000)
    through = InnovationProject.sub_goals.through
    through.objects.bulk_create([through(innovationproject_id=p.pk, subgoal_id=rng.choice(goals).pk) for p in projects],
                                batch_size=1000)


def _drafts(round_, organisations, signatories, pools, rng) -> list[Application]:
    """A complete draft per organisation in `round_`, its competence plan uploaded."""
    applications = [ApplicationFactory(
        round=round_, organisation=o, created_by=signatories[o.pk], complete=True,
        contact_email=f"kontakt.{o.pk}@kommune.bench", competence_plan_updated_on=timezone.localdate() - dt.timedelta(days=90),
        competence_plan_adopted_by="Kommunestyret", plan_version=1) for o in organisations]
    _lines(applications, pools, rng)
    for application in applications:  # the file is written to storage as the row is saved
        AttachmentFactory(application=application, uploaded_by=application.created_by)
    return applications


def _last_year(round_, organisations, signatories, staff, per_office: int, pools, rng) -> int:
    """Last year's round decided: each application granted and its letter sent (so its report is
    owed); half of the reports handed in. Through the factories' services, one by one."""
    made = 0
    for organisation in organisations[:per_office]:
        application = ApplicationFactory(round=round_, organisation=organisation, created_by=signatories[organisation.pk],
                                         submitted=True, complete=True)
        for _n in range(rng.randint(1, 3)):  # at most 180 000 kr: no auditor's statement is needed
            applied = rng.randrange(30_000, 60_000, 10_000)
            CompetenceMeasureFactory(application=application, target_group=rng.choice(pools[0]),
                                     total_cost=applied, amount_applied=applied, own_funding=0)
        decision = DecisionFactory(application=application, caseworker=staff[Role.CASEWORKER][0],
                                   approver=staff[Role.APPROVER][0], sent=True)
        if rng.random() < 0.5:
            submit(decision.application.report, signatories[organisation.pk])
        made += 1
    return made


def _assess(round_, staff, rng, *, decisions: int) -> None:
    """The round's drafts submitted, assessed and scored by the office's caseworkers; `decisions` of
    them with their awards set and a decision proposed."""
    applications = list(round_.applications.order_by("pk"))
    caseworkers = staff[Role.CASEWORKER]
    for n, application in enumerate(applications):
        # submitted through the machine (its guards: complete, before the deadline), as the submit
        # service does but without queueing the receipt task; the receipt is the factory's stored PDF
        application = APPLICATION.perform(application, "submit", user=application.created_by).object
        ReceiptFactory(application=application, submission_number=application.submission_count)
        # scored, no awards yet: what the board suggests (by score, within the budget) is still to accept
        AssessmentFactory(application=application, started_by=caseworkers[n % len(caseworkers)],
                          scored=rng.randint(1, 5), notes="Godt forankret i kompetanseplanen.")
        if n < decisions:  # a few decided by hand: their awards set and a decision proposed
            DecisionFactory(application=application, caseworker=caseworkers[0], approver=staff[Role.APPROVER][0],
                            awarded="full")


def offices_by_size() -> list[Office]:
    """The reference offices, most municipalities first."""
    return list(Office.objects.exclude(slug=SMALL_OFFICE_SLUG).annotate(
        municipalities=Count("counties__organisations",
                             filter=Q(counties__organisations__kind=OrganisationKind.MUNICIPALITY))).order_by("-municipalities", "slug"))


def municipalities_of(office: Office) -> list[Organisation]:
    return list(Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY, county__offices=office)
                .distinct().order_by("municipality_number"))


def build(*, size: str = "national", seed: int = 13, last_year_per_office: int | None = None,
          rush_database: str | None = None, database: str | None = None) -> Built:
    """Fill the (empty, migrated) database. `size`: "national" (every office and municipality) or
    "small" (the 5-application office and the two largest offices only)."""
    started = time.monotonic()
    rng = random.Random(seed)
    built = Built()
    reference_data_load()
    _say("reference data", started)
    year = timezone.localdate().year
    scheme = SchemeFactory(slug="kompetanse-og-innovasjonstilskudd", name="Kommunalt kompetanse- og innovasjonstilskudd")
    pools = ([TargetGroupFactory(scheme=scheme) for _n in range(4)], [SubGoalFactory(scheme=scheme) for _n in range(4)])

    small_office = OfficeFactory(slug=SMALL_OFFICE_SLUG, name="Statsforvalteren i Benchfylke",
                                 counties=[CountyFactory(number="60", name="Benchfylke")])
    small_municipalities = [OrganisationFactory(county=small_office.counties.first()) for _n in range(5)]
    offices = offices_by_size()
    largest = offices[:2]
    if size == "small":
        offices = largest
    plan = [(small_office, small_municipalities)] + [(office, municipalities_of(office)) for office in offices]
    per_office = {}
    for office, organisations in plan:
        with transaction.atomic():
            staff = _staff(office, caseworkers=5 if office == largest[0] else 2)
            signatories = _people(organisations, rng)
            current = RoundFactory(scheme=scheme, office=office, year=year, with_criteria=True,
                                   budget=1_500_000 * len(organisations))  # about 40 % of what is applied for
            last = RoundFactory(scheme=scheme, office=office, year=year - 1, with_criteria=True, closed=True,
                                budget=1_000_000 * max(len(organisations), 5))
            _drafts(current, organisations, signatories, pools, rng)
            count = _last_year(last, organisations, signatories, staff,
                               len(organisations) if last_year_per_office is None else last_year_per_office, pools, rng)
        per_office[office.pk] = (current, staff)
        built.last_year_rounds.append(last.pk)
        _say(f"{office.name}: {len(organisations)} drafts, {count} decided last year", started)

    if rush_database:  # every application of this year still a draft: what the rush submits
        connections.close_all()
        database_recreate(rush_database, template=database)
        database_recreate(f"{rush_database}_fresh", template=database)  # each rush starts from a copy of it
        built.rush_database = rush_database
        _say(f"copied to {rush_database} for the rush", started)

    for office in [small_office, *largest]:
        current, staff = per_office[office.pk]
        with transaction.atomic():
            _assess(current, staff, rng, decisions=3)
        _say(f"{office.name}: {current.applications.count()} assessed", started)
    built.small_round = per_office[small_office.pk][0].pk
    built.large_rounds = [per_office[o.pk][0].pk for o in largest]
    built.counts = {
        "municipalities": Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY).count(),
        "rounds": Round.objects.count(),
        "applications": Application.objects.count(),
        "measures": CompetenceMeasure.objects.count(),
        "projects": InnovationProject.objects.count(),
        "users": User.objects.count(),
    }
    built.seconds = round(time.monotonic() - started, 1)
    _say(f"built: {built.counts}", started)
    return built
