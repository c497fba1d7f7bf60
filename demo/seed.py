"""Demo data for `make run`: the scheme as the seeds describe it, Nordland's 2020 round and an open
round this year, and a user for every role. Safe to run again: it only adds what is missing."""

import datetime as dt
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from applications.models import Application
from applications.services import (
    application_details_save,
    application_plan_save,
    application_start,
    application_submit,
    measure_save,
    project_save,
)
from demo.oidc import demo_identities_seed
from portal.models import Membership, Office, Organisation, OrganisationKind, Role, User
from portal.reference_data import reference_data_load
from schemes.models import PriorityArea, Round, RoundDocument, Scheme, SubGoal, TargetGroup
from schemes.services import round_create_default_criteria

DEMO_PASSWORD = "demo-passord-2026"
SCHEME_SLUG = "kompetanse-og-innovasjon"


@dataclass(frozen=True)
class DemoUser:
    email: str
    full_name: str
    role: str
    organisation_number: str = ""
    office_slug: str = ""


DEMO_USERS = [
    DemoUser("kari.redaktor@bodo.kommune.example", "Kari Nilsen", Role.EDITOR, organisation_number="972418013"),
    DemoUser("per.radmann@bodo.kommune.example", "Per Hansen", Role.SIGNATORY, organisation_number="972418013"),
    DemoUser("lise.redaktor@narvik.kommune.example", "Lise Johansen", Role.EDITOR, organisation_number="959469059"),
    DemoUser("ola.radmann@narvik.kommune.example", "Ola Berg", Role.SIGNATORY, organisation_number="959469059"),
    DemoUser("sara.saksbehandler@fylkesmannen.example", "Sara Olsen", Role.CASEWORKER, office_slug="fylkesmannen-i-nordland"),
    DemoUser("geir.godkjenner@fylkesmannen.example", "Geir Moe", Role.APPROVER, office_slug="fylkesmannen-i-nordland"),
    DemoUser("anne.admin@fylkesmannen.example", "Anne Lund", Role.OFFICE_ADMIN, office_slug="fylkesmannen-i-nordland"),
    DemoUser("rune.admin@fylkesmannen.example", "Rune Dahl", Role.OFFICE_ADMIN, office_slug="fylkesmannen-i-rogaland"),
    DemoUser("hilde.nasjonal@helsedirektoratet.example", "Hilde Strand", Role.NATIONAL_ADMIN),
]

SUB_GOALS = [
    ("competence",
     "Økt kompetanse som gir god praksis og trygge, gode tjenester tilpasset den enkeltes behov.",
     "Auka kompetanse som gir god praksis og trygge, gode tenester tilpassa behova til den enkelte.",
     "More competence for good practice and safe, good services adapted to each person's needs."),
    ("user_influence",
     "Sterkere brukerinnflytelse og bedre samspill med pårørende, frivillige og lokalsamfunnet.",
     "Sterkare brukarinnverknad og betre samspel med pårørande, frivillige og lokalsamfunnet.",
     "Stronger user influence and better interplay with next of kin, volunteers and the local community."),
    ("prevention",
     "Forebygge og utsette behov for kompenserende tjenester, slik at brukerne holder på eller gjenvinner "
     "funksjonsevne og selvstendighet.",
     "Førebyggje og utsetje behov for kompenserande tenester, slik at brukarane held på eller vinn att "
     "funksjonsevne og sjølvstende.",
     "Prevent and postpone the need for compensating services, so that users keep or regain their "
     "abilities and independence."),
    ("leadership",
     "Styrket lederkompetanse og fagutvikling, større faglig bredde og tilstrekkelig, kompetent og stabil bemanning.",
     "Styrkt leiarkompetanse og fagutvikling, større fagleg breidd og tilstrekkeleg, kompetent og stabil bemanning.",
     "Stronger leadership and professional development, broader expertise and sufficient, competent and "
     "stable staffing."),
]

TARGET_GROUPS = [
    ("health_care_staff", False,
     "Ledere, ansatte og personer som kan rekrutteres til å jobbe i helse- og omsorgstjenesten (primærmålgruppe).",
     "Leiarar, tilsette og personar som kan rekrutterast til å arbeide i helse- og omsorgstenesta (primærmålgruppe).",
     "Leaders, employees and people who may be recruited to the health and care services (primary target group)."),
    ("other_agency_staff", True,
     "Ansatte i andre kommunale og fylkeskommunale etater, når tiltaket gjelder rus og psykisk helse.",
     "Tilsette i andre kommunale og fylkeskommunale etatar, når tiltaket gjeld rus og psykisk helse.",
     "Staff of other municipal and county agencies, when the measure concerns mental health and substance abuse."),
]

PRIORITY_AREAS = [
    ("mental_health",
     "Rus og psykisk helse er et prioritert område. Fylkesmannen oppmuntrer også til tiltak som øker det "
     "formelle utdanningsnivået i tjenestene.",
     "Rus og psykisk helse er eit prioritert område. Fylkesmannen oppmodar òg til tiltak som aukar det "
     "formelle utdanningsnivået i tenestene.",
     "Mental health and substance abuse (rus og psykisk helse) is a priority area. The County Governor also "
     "encourages measures that raise the formal education level in the services."),
]

ROUND_DESCRIPTION = (
    "Kommunen sender én felles søknad for hele tilskuddet, med både kompetansetiltak og "
    "innovasjonsprosjekter, og samordner seg internt før den sendes.\n\n"
    "Legg ved kommunens kompetanseplan. Kommuner med oppdatert kompetanseplan blir prioritert.\n\n"
    "Oversendelsesbrevet skal vise kommunens egne prioriteringer mellom innovasjonsprosjektene og "
    "planen for kompetanseheving."
)
ROUND_DESCRIPTION_NN = (
    "Kommunen sender éin felles søknad for heile tilskotet, med både kompetansetiltak og "
    "innovasjonsprosjekt, og samordnar seg internt før han blir send.\n\n"
    "Legg ved kompetanseplanen til kommunen. Kommunar med oppdatert kompetanseplan blir prioriterte.\n\n"
    "Oversendingsbrevet skal vise kva kommunen sjølv prioriterer mellom innovasjonsprosjekta, og planen "
    "for kompetanseheving."
)
ROUND_DESCRIPTION_EN = (
    "The municipality sends one joint application for the whole grant, covering both competence "
    "measures and innovation projects, and coordinates internally before sending it.\n\n"
    "Attach the municipality's competence plan. Municipalities with an up-to-date plan are prioritised.\n\n"
    "The cover letter states the municipality's own priorities among its innovation projects and its "
    "plan for raising competence."
)
DOCUMENTS = [
    ("Regelverk for kommunalt kompetanse- og innovasjonstilskudd",
     "https://www.helsedirektoratet.no/tilskudd/kommunalt-kompetanse-og-innovasjonstilskudd"),
]


def _local(year, month, day, hour=0, minute=0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, day, hour, minute))


def _scheme() -> Scheme:
    scheme, _created = Scheme.objects.get_or_create(slug=SCHEME_SLUG, defaults={
        "name": "Kommunalt kompetanse- og innovasjonstilskudd",
        "name_nn": "Kommunalt kompetanse- og innovasjonstilskot",
        "name_en": "Municipal competence and innovation grant",
        "owner": "Helsedirektoratet",
        "budget_chapter": "kap. 761 post 68",
        "summary": "Tilskuddet skal få kommunene til å sette i gang kompetanseutvikling, nybrottsarbeid og "
                   "fagutvikling ut fra lokale forutsetninger og behov. Kommunen kan søke om midler både til "
                   "kompetansetiltak og til innovasjonsprosjekter, i én felles søknad.",
        "summary_nn": "Tilskotet skal få kommunane til å setje i gang kompetanseutvikling, nybrotsarbeid og "
                      "fagutvikling ut frå lokale føresetnader og behov. Kommunen kan søkje om midlar både til "
                      "kompetansetiltak og til innovasjonsprosjekt, i éin felles søknad.",
        "summary_en": "The grant helps municipalities start competence development, pioneering work and "
                      "professional development based on local conditions and needs. A municipality can apply "
                      "for both competence measures and innovation projects, in one joint application.",
        "main_goal": "Styrke kommunenes evne og mulighet til å utvikle bærekraftige og gode helse- og "
                     "omsorgstjenester, med tydelig prioritet til de viktigste framtidsutfordringene på feltet.",
        "main_goal_nn": "Styrkje evna og moglegheita kommunane har til å utvikle berekraftige og gode helse- og "
                        "omsorgstenester, med tydeleg prioritet til dei viktigaste framtidsutfordringane på feltet.",
        "main_goal_en": "Strengthen the municipalities' ability to develop sustainable, good health and care "
                        "services, giving clear priority to the most important challenges ahead in the field.",
        "eligible_kinds": [OrganisationKind.MUNICIPALITY, OrganisationKind.COUNTY_MUNICIPALITY,
                           OrganisationKind.STATE_BODY],
        "state_bodies_net_budgeted_only": True,
    })
    for position, (code, nb, nn, en) in enumerate(SUB_GOALS):
        SubGoal.objects.get_or_create(scheme=scheme, code=code, defaults={
            "text": nb, "text_nn": nn, "text_en": en, "position": position})
    for position, (code, only_mh, nb, nn, en) in enumerate(TARGET_GROUPS):
        TargetGroup.objects.get_or_create(scheme=scheme, code=code, defaults={
            "text": nb, "text_nn": nn, "text_en": en, "position": position, "only_for_mental_health": only_mh})
    for position, (code, nb, nn, en) in enumerate(PRIORITY_AREAS):
        PriorityArea.objects.get_or_create(scheme=scheme, code=code, defaults={
            "text": nb, "text_nn": nn, "text_en": en, "position": position})
    return scheme


def _round(scheme, office, year, **values) -> Round:
    round_, created = Round.objects.get_or_create(scheme=scheme, office=office, year=year, defaults={
        "published": True,
        "description": ROUND_DESCRIPTION, "description_nn": ROUND_DESCRIPTION_NN,
        "description_en": ROUND_DESCRIPTION_EN,
        "contact_email": office.email or "postmottak@fylkesmannen.example",
        **values,
    })
    if created:
        round_create_default_criteria(round=round_)
        for position, (title, url) in enumerate(DOCUMENTS):
            RoundDocument.objects.create(round=round_, title=title, url=url, position=position)
    return round_


# Applications already submitted in this year's round, so the caseworker has something to assess.
# (municipality number, signatory, measures [(title, kind, mental health, cost, applied)], projects [(title, budget, applied)])
DEMO_SUBMITTED = [
    ("1820", "Mona Eide", [("Videreutdanning i psykisk helsearbeid", "further_education", True, 420_000, 280_000),
                           ("Lederutvikling for avdelingsledere", "leadership", False, 150_000, 100_000)],
     [("Pårørendeskole for demens", 600_000, 300_000)]),
    ("1824", "Jon Aas", [("Fagbrev for assistenter", "basic_education", False, 500_000, 350_000)],
     [("Velferdsteknologi i hjemmetjenesten", 1_400_000, 700_000),
      ("Frivillighetskoordinator i omsorgstjenesten", 500_000, 250_000)]),
    ("1833", "Eva Lie", [("Kurs i kognitiv terapi for rusteamet", "continuing_education", True, 200_000, 150_000)],
     [("Brukerstyrt oppfølging etter rusbehandling", 900_000, 450_000)]),
]
# A real (minimal) PDF, cross-reference table and all: the upload checks read it as a PDF reader does.
DEMO_PLAN_PDF = (
    b"%PDF-1.4\n1 0 obj\n<</Type/Catalog/Pages 2 0 R>>\nendobj\n2 0 obj\n<</Type/Pages/Kids[3 0 R]/Count 1>>\n"
    b"endobj\n3 0 obj\n<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>\nendobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000054 00000 n \n0000000105 00000 n \n"
    b"trailer\n<</Size 4/Root 1 0 R>>\nstartxref\n170\n%%EOF\n"
)


def _submitted_applications(round_, today: dt.date) -> None:
    """Three Nordland municipalities that have already applied (their users are not printed)."""
    health_staff = round_.scheme.target_groups.get(code="health_care_staff")
    sub_goals = list(round_.scheme.sub_goals.all())
    for number, name, measures, projects in DEMO_SUBMITTED:
        organisation = Organisation.objects.get(municipality_number=number)
        if Application.objects.filter(round=round_, organisation=organisation).exists():
            continue
        signatory, _created = User.objects.get_or_create(
            email=f"signatar.{number}@kommune.example", defaults={"full_name": name})
        Membership.objects.get_or_create(user=signatory, role=Role.SIGNATORY, organisation=organisation)
        application, _created = application_start(round=round_, organisation=organisation, user=signatory)
        application_details_save(application=application, user=signatory, base_version=0, data={
            "project_priorities": f"{projects[0][0]} er kommunens viktigste prosjekt.",
            "competence_raising_plan": "Kommunen vil øke andelen ansatte med fagbrev og videreutdanning.",
        })
        application_plan_save(
            application=application, user=signatory, base_version=0,
            upload=SimpleUploadedFile("Kompetanseplan.pdf", DEMO_PLAN_PDF, content_type="application/pdf"),
            data={"competence_plan_updated_on": today.replace(year=today.year - 1),
                  "competence_plan_adopted_by": f"{organisation.name} kommunestyre"},
        )
        for title, kind, mental_health, cost, applied in measures:
            measure_save(application=application, user=signatory, data={
                "title": title, "kind": kind, "description": f"{title} for ansatte i helse- og omsorgstjenesten.",
                "service_area": "mental_health" if mental_health else "home_services",
                "concerns_mental_health": mental_health, "target_group": health_staff, "participants": 8,
                "gives_credits": kind in ("basic_education", "further_education"), "total_cost": cost,
                "amount_applied": applied, "own_funding": cost - applied,
            })
        for rank, (title, budget, applied) in enumerate(projects, start=1):
            project_save(application=application, user=signatory, data={
                "title": title, "description": f"{title}, sammen med brukere og pårørende.",
                "sub_goals": sub_goals[rank - 1:rank + 1], "partners": ["users", "next_of_kin"],
                "starts_on": dt.date(today.year + 1, 1, 1), "ends_on": dt.date(today.year + 1, 12, 31),
                "total_budget": budget, "amount_applied": applied, "own_share": budget - applied,
                "priority_rank": rank,
            })
        application_submit(application=application, user=signatory)


@transaction.atomic
def demo_seed(*, now: dt.datetime | None = None) -> list[DemoUser]:
    now = timezone.localtime(now or timezone.now())
    if not Organisation.objects.exists():
        reference_data_load()
    scheme = _scheme()
    nordland = Office.objects.get(slug="fylkesmannen-i-nordland")
    _round(scheme, nordland, 2020, budget=9_800_000,
           opens_at=_local(2019, 12, 2, 8), closes_at=_local(2020, 2, 20, 23, 59),
           reporting_deadline=_local(2020, 3, 1, 23, 59), contact_email="fmnopost@fylkesmannen.no",
           contact_name="Fylkesmannen i Nordland, helse- og omsorgsavdelingen")
    today = now.date()
    closes = today + dt.timedelta(days=30)
    current = _round(scheme, nordland, now.year, budget=1_200_000,
           opens_at=_local(*(today - dt.timedelta(days=7)).timetuple()[:3], 8),
           closes_at=_local(closes.year, closes.month, closes.day, 23, 59),
           reporting_deadline=_local(closes.year + 1, closes.month, min(closes.day, 28), 23, 59),
           contact_email="fmnopost@fylkesmannen.no", contact_name="Sara Olsen", grace_minutes=15)
    for demo in DEMO_USERS:
        user, created = User.objects.get_or_create(email=demo.email, defaults={"full_name": demo.full_name})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        Membership.objects.get_or_create(
            user=user, role=demo.role,
            organisation=Organisation.objects.get(organisation_number=demo.organisation_number)
            if demo.organisation_number else None,
            office=Office.objects.get(slug=demo.office_slug) if demo.office_slug else None,
        )
    _submitted_applications(current, today)
    demo_identities_seed()
    return DEMO_USERS
