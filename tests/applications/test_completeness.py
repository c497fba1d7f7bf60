"""What the municipality is told is missing: the same list that stops a submission."""

import datetime as dt

import pytest
from django.utils import translation

from applications.completeness import COMPLETE, NOT_STARTED, application_problems, application_sections
from applications.models import AttachmentKind
from applications.rules import competence_plan_is_up_to_date
from applications.selectors import application_get_full
from applications.services import application_start, attachment_add
from tests.applications.factories import (
    ApplicationFactory,
    CompetenceMeasureFactory,
    InnovationProjectFactory,
    member,
    pdf_upload,
    ready_to_submit,
)
from tests.portal.factories import OrganisationFactory
from tests.schemes.factories import RoundFactory, TargetGroupFactory, oslo

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def problems_by_section(application):
    return {section.key: [p.message for p in section.problems] for section in application_sections(
        application=application)}


def test_a_fresh_draft_is_told_what_is_missing_per_section():
    application = ApplicationFactory(contact_name="", contact_email="")

    problems = problems_by_section(application)

    assert problems == {
        "details": ["Give the contact person's name.", "Give the contact person's e-mail address."],
        "plan": [],
        "measures": ["Add at least one competence measure or innovation project."],
        "projects": [],
    }
    assert [p.message for p in application_problems(application=application)] == [
        *problems["details"], *problems["measures"]]


def test_a_draft_started_by_a_user_has_the_contact_person_filled_in():
    round_ = RoundFactory()
    organisation = OrganisationFactory(county=round_.office.counties.first())
    editor = member(organisation)
    application, _created = application_start(round=round_, organisation=organisation, user=editor)

    sections = {s.key: s for s in application_sections(application=application)}

    assert sections["details"].problems == []
    assert sections["details"].state == NOT_STARTED
    assert [p.section for p in application_problems(application=application)] == ["measures"]


def test_each_unfinished_line_is_listed_with_a_link_to_its_field():
    application = ApplicationFactory(complete=True)
    measure = CompetenceMeasureFactory(
        application=application, title="Kurs i demensomsorg", kind="", description="", service_area="",
        target_group=None, participants=None, total_cost=None, amount_applied=None, own_funding=None)
    project = InnovationProjectFactory(application=application, title="Digitalt tilsyn", description="",
                                       sub_goals=[], starts_on=None, total_budget=None, amount_applied=None,
                                       own_share=None, priority_rank=None)

    problems = {s.key: s.problems for s in application_sections(application=application)}

    measure_problems = problems["measures"]
    assert len(measure_problems) == 8
    assert all(p.message.startswith("Kurs i demensomsorg: ") for p in measure_problems)
    assert all(f"/measures/{measure.pk}/#id_" in p.url for p in measure_problems)
    assert {p.url.rsplit("#", 1)[1] for p in measure_problems} == {
        "id_kind", "id_description", "id_service_area", "id_target_group", "id_participants", "id_total_cost",
        "id_amount_applied", "id_own_funding"}
    project_problems = problems["projects"]
    assert {p.url.rsplit("#", 1)[1] for p in project_problems} == {
        "id_description", "id_sub_goals", "id_starts_on", "id_total_budget", "id_amount_applied", "id_own_share",
        "id_priority_rank"}
    assert all(f"/projects/{project.pk}/#id_" in p.url for p in project_problems)


def test_a_complete_application_has_no_problems():
    application = ready_to_submit()

    assert application_problems(application=application) == []
    assert {s.key: s.state for s in application_sections(application=application)} == {
        "details": COMPLETE, "plan": COMPLETE, "measures": COMPLETE, "projects": COMPLETE}


def test_the_full_application_read_gives_the_same_problems_as_the_plain_one():
    application = ApplicationFactory(complete=True)
    CompetenceMeasureFactory(application=application, participants=None)
    editor = member(application.organisation)

    full = application_get_full(user=editor, pk=application.pk)

    assert application_problems(application=full) == application_problems(application=application)
    assert application_problems(application=full)


# --- target groups only for mental health and substance abuse measures ---------------------------

def test_staff_of_other_agencies_are_refused_on_a_measure_not_about_mental_health():
    application = ApplicationFactory(complete=True)
    other_agencies = TargetGroupFactory(scheme=application.round.scheme, only_for_mental_health=True)
    CompetenceMeasureFactory(application=application, title="Kurs i sårbehandling", concerns_mental_health=False,
                             service_area="home_services", target_group=other_agencies)

    measure_problems = problems_by_section(application)["measures"]

    assert measure_problems == [
        "Kurs i sårbehandling: staff of other agencies are a target group only for mental health and "
        "substance abuse measures."]


def test_staff_of_other_agencies_are_accepted_on_a_mental_health_measure():
    application = ApplicationFactory(complete=True)
    other_agencies = TargetGroupFactory(scheme=application.round.scheme, only_for_mental_health=True)
    CompetenceMeasureFactory(application=application, concerns_mental_health=True, target_group=other_agencies)

    assert problems_by_section(application)["measures"] == []


# --- the competence plan -------------------------------------------------------------------------

def test_no_competence_plan_is_needed_without_competence_measures():
    application = ready_to_submit()

    plan = next(s for s in application_sections(application=application) if s.key == "plan")

    assert plan.problems == []
    assert plan.state == COMPLETE
    assert plan.notes == ["Not required: the application has no competence measures."]


def test_competence_measures_need_the_plan_its_date_and_who_adopted_it():
    application = ready_to_submit()
    CompetenceMeasureFactory(application=application)

    assert problems_by_section(application)["plan"] == [
        "Upload the competence plan (PDF, DOCX or ODT).",
        "Give the date the competence plan was last updated.",
        "Say who adopted the competence plan.",
    ]


def test_an_uploaded_dated_and_adopted_plan_satisfies_the_plan_section(media):
    application = ready_to_submit(competence_plan_updated_on=dt.date.today(),
                                  competence_plan_adopted_by="Kommunestyret")
    CompetenceMeasureFactory(application=application)
    attachment_add(application=application, user=member(application.organisation),
                   kind=AttachmentKind.COMPETENCE_PLAN, upload=pdf_upload())

    assert problems_by_section(application)["plan"] == []
    assert application_problems(application=application) == []


def test_a_round_that_does_not_require_the_plan_does_not_ask_for_it():
    application = ready_to_submit(round=RoundFactory(competence_plan_required=False))
    CompetenceMeasureFactory(application=application)

    assert problems_by_section(application)["plan"] == []


def _application_with_plan(updated_on, *, closes=(2020, 2, 20, 23, 59), max_age_months=48):
    round_ = RoundFactory(year=2020, opens_at=oslo(2020, 1, 6), closes_at=oslo(*closes),
                          reporting_deadline=oslo(2021, 3, 1), competence_plan_max_age_months=max_age_months)
    return ApplicationFactory(round=round_, competence_plan_updated_on=updated_on)


@pytest.mark.parametrize(("updated_on", "up_to_date"), [
    (dt.date(2020, 2, 1), True),
    (dt.date(2016, 2, 21), True),    # 47 months and 30 days before the deadline
    (dt.date(2016, 2, 20), True),    # exactly 48 months: as old as allowed
    (dt.date(2016, 2, 19), False),   # 48 months and a day before the deadline
    (dt.date(2014, 6, 1), False),
])
def test_the_plans_age_is_measured_against_the_rounds_deadline(updated_on, up_to_date):
    """Judged on the deadline date (20.02.2020), not on the day someone looks at it years later."""
    application = _application_with_plan(updated_on)

    assert competence_plan_is_up_to_date(application) is up_to_date


def test_the_rounds_own_maximum_age_is_used():
    application = _application_with_plan(dt.date(2018, 2, 1), max_age_months=24)

    assert competence_plan_is_up_to_date(application) is False
    application.round.competence_plan_max_age_months = 25
    assert competence_plan_is_up_to_date(application) is True


def test_a_plan_without_a_date_is_neither_up_to_date_nor_out_of_date():
    assert competence_plan_is_up_to_date(_application_with_plan(None)) is None


def test_an_out_of_date_plan_is_noted_but_does_not_stop_the_submission():
    application = _application_with_plan(dt.date(2015, 1, 1))

    plan = next(s for s in application_sections(application=application) if s.key == "plan")

    assert any("not up to date" in note and "48 months" in note for note in plan.notes)
    assert plan.problems == []



def test_the_sections_are_computed_once_per_instance_and_again_when_their_inputs_change():
    application = ApplicationFactory(contact_name="", contact_email="x@kommune.no", details_version=1)
    read = application_get_full(user=member(application.organisation), pk=application.pk)
    first = application_sections(application=read)
    assert application_sections(application=read) is first
    assert any("contact person's name" in p.message for p in first[0].problems)
    read.contact_name = "Kari"  # a field set on the instance: computed again, from what it now says
    again = application_sections(application=read)
    assert again is not first and not any("contact person's name" in p.message for p in again[0].problems)
    read.contact_name = ""
    with translation.override("nb"):
        norwegian = application_sections(application=read)
    with translation.override("en"):
        english = application_sections(application=read)
        assert application_sections(application=read) is english
    assert norwegian is not english  # a line's message is formatted (so translated) when computed
