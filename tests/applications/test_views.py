"""The joint-application pages as a municipality uses them: starting, the task list, the sections,
bad input, two people saving the same section, autosave, submission, withdrawal and history.

Most pages are requested in English (the language cookie), so messages read as in the source;
the task list is also checked in bokmål, the default."""

import datetime as dt
import html
import re

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from applications.completeness import application_problems
from applications.models import (
    Application,
    ApplicationEvent,
    ApplicationStatus,
    Attachment,
    CompetenceMeasure,
    EventKind,
    InnovationProject,
)
from applications.selectors import _lines_key
from portal.models import OrganisationKind, Role
from tests.applications.factories import (
    ApplicationFactory,
    AttachmentFactory,
    CompetenceMeasureFactory,
    InnovationProjectFactory,
    member,
    pdf_upload,
)
from tests.helpers import (
    assert_error_summary_links_land,
    field_error,
    form_values,
    in_english,
    messages_of,
    page_text,
    parse,
    stub_task,
    url,
)
from tests.portal.factories import CountyFactory, OrganisationFactory
from tests.schemes.factories import RoundFactory, SchemeFactory, SubGoalFactory, TargetGroupFactory

pytestmark = pytest.mark.django_db

def measure_data(**overrides):
    data = {
        "title": "Videreutdanning i rus", "kind": "further_education", "description": "Ti ansatte.",
        "service_area": "mental_health", "concerns_mental_health": "on", "participants": "10",
        "total_cost": "300000", "amount_applied": "200000", "own_funding": "100000",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def project_data(application, **overrides):
    goal = application.round.scheme.sub_goals.first() or SubGoalFactory(scheme=application.round.scheme)
    data = {
        "title": "Digitalt tilsyn", "description": "Sensorer i hjemmet.", "sub_goals": [str(goal.pk)],
        "partners": ["users"], "starts_on": "2026-01-01", "ends_on": "2026-12-31",
        "total_budget": "800000", "amount_applied": "400000", "own_share": "400000", "priority_rank": "1",
    }
    data.update(overrides)
    return data


def event_count(application):
    return ApplicationEvent.objects.filter(application=application).count()


# --- fixtures ---------------------------------------------------------------------------------------

@pytest.fixture(autouse=True)
def receipts_queued(monkeypatch):
    """Submissions queue the receipt task after commit; record instead of running it."""
    return stub_task(monkeypatch, "applications.tasks.receipt_create_task")


@pytest.fixture
def application(round_, organisation):
    return ApplicationFactory(round=round_, organisation=organisation)


@pytest.fixture
def editor(editor_client):
    return in_english(editor_client)


@pytest.fixture
def signatory(signatory_client):
    return in_english(signatory_client)


@pytest.fixture
def submittable(round_, organisation):
    """A draft with nothing missing: the cover letter and one complete innovation project (no
    competence measures, so no competence plan is required)."""
    application = ApplicationFactory(round=round_, organisation=organisation, complete=True)
    InnovationProjectFactory(application=application, priority_rank=1)
    assert application_problems(application=application) == []
    return application


# --- starting -----------------------------------------------------------------------------------------

def test_round_page_offers_start_and_start_makes_one_application(editor, round_, organisation):
    round_page = editor.get(round_.get_absolute_url())
    start_url = url("applications:start", round_)
    starts = [f for f in parse(round_page).forms if f["_action"] == start_url]
    assert len(starts) == 1
    assert starts[0]["_fields"]["organisation"] == [str(organisation.pk)]
    assert f"Start the application from {organisation}" in page_text(round_page)

    response = editor.post(start_url, {"organisation": organisation.pk})
    created = Application.objects.get(round=round_, organisation=organisation)
    assert response.status_code == 302
    assert response["Location"] == created.get_absolute_url()
    assert created.status == ApplicationStatus.DRAFT
    assert created.created_by == editor.user

    again = editor.post(start_url, {"organisation": organisation.pk}, follow=True)
    assert again.redirect_chain[-1][0] == created.get_absolute_url()
    assert Application.objects.filter(round=round_, organisation=organisation).count() == 1
    assert any("already has an application" in m for m in messages_of(again))
    # the round page now opens the existing application instead of offering to start
    round_page = editor.get(round_.get_absolute_url())
    assert not [f for f in parse(round_page).forms if f["_action"] == start_url]
    assert created.get_absolute_url() in [href for href, _ in parse(round_page).links]


def test_organisation_outside_the_office_counties_cannot_start(round_, client):
    elsewhere = OrganisationFactory(county=CountyFactory())
    assert not round_.office.counties.filter(pk=elsewhere.county_id).exists()
    client.force_login(member(elsewhere))
    in_english(client)
    start_url = url("applications:start", round_)

    round_page = client.get(round_.get_absolute_url())
    assert not [f for f in parse(round_page).forms if f["_action"] == start_url]

    response = client.post(start_url, {"organisation": elsewhere.pk}, follow=True)
    assert response.redirect_chain[-1][0] == round_.get_absolute_url()
    assert f"{elsewhere} belongs to another County Governor's area." in messages_of(response)
    assert not Application.objects.filter(organisation=elsewhere).exists()


def test_organisation_of_a_kind_the_round_does_not_take_cannot_start(office, client):
    round_ = RoundFactory(office=office, eligible_kinds=[OrganisationKind.MUNICIPALITY])
    county_municipality = OrganisationFactory(county=office.counties.first(),
                                              kind=OrganisationKind.COUNTY_MUNICIPALITY)
    client.force_login(member(county_municipality, Role.SIGNATORY))
    in_english(client)
    start_url = url("applications:start", round_)

    assert not [f for f in parse(client.get(round_.get_absolute_url())).forms if f["_action"] == start_url]
    response = client.post(start_url, {"organisation": county_municipality.pk}, follow=True)
    assert f"{county_municipality} cannot apply in this round." in messages_of(response)
    assert not Application.objects.filter(organisation=county_municipality).exists()


# --- the sections and the task list ----------------------------------------------------------------

SECTION_PAGES = ["overview", "details", "plan", "measures", "measure_add", "measure_edit", "measure_delete",
                 "projects", "project_add", "project_edit", "project_delete", "summary", "history", "check",
                 "withdraw"]


@pytest.mark.parametrize("name", SECTION_PAGES)
def test_each_page_opens_for_the_editor(editor, application, name):
    measure = CompetenceMeasureFactory(application=application, title="Lederutdanning")
    project = InnovationProjectFactory(application=application, title="Digital hjemmeoppfølging")
    kwargs = {"line_pk": measure.pk} if name.startswith("measure_") and name != "measure_add" else (
        {"line_pk": project.pk} if name.startswith("project_") and name != "project_add" else {})
    response = editor.get(url(f"applications:{name}", application, **kwargs))
    assert response.status_code == 200
    assert str(application.organisation) in page_text(response)
    assert len(re.findall(r"<h1[\s>]", response.content.decode())) == 1


def _task_list(response) -> dict[str, str]:
    """{section url: the state shown next to it} from the overview's task list."""
    content = response.content.decode()
    task_list = content.split('class="list-group list-group-numbered mb-4 task-list"', 1)[1].split("</ol>", 1)[0]
    states = {}
    for item in task_list.split('<li class="list-group-item')[1:]:
        link = re.search(r'<a class="fw-semibold" href="([^"]+)"', item)
        badge = re.search(r'<span class="badge rounded-pill[^"]*">([^<]+)</span>', item)
        if link and badge:
            states[link.group(1)] = html.unescape(badge.group(1)).strip()
    return states


@pytest.fixture
def half_done(application):
    """Cover letter complete; one measure without a description; no competence plan; no projects."""
    Application.objects.filter(pk=application.pk).update(
        details_version=1, competence_raising_plan="Vi hever kompetansen.", project_priorities="")
    measure = CompetenceMeasureFactory(application=application, title="Kurs i rus", description="")
    return application, measure


def test_task_list_shows_each_section_state_in_bokmal(editor_client, half_done):
    application, _ = half_done
    response = editor_client.get(url("applications:overview", application))  # no language cookie: bokmål
    assert response.status_code == 200
    assert '<html lang="nb"' in response.content.decode()
    assert _task_list(response) == {
        url("applications:details", application): "Ferdig",
        url("applications:plan", application): "Ikke påbegynt",
        url("applications:measures", application): "Under arbeid",
        url("applications:projects", application): "Ferdig",
    }


def test_task_list_states_in_english_follow_the_work(editor, application):
    states = _task_list(editor.get(url("applications:overview", application)))
    assert states[url("applications:details", application)] == "Not started"
    assert states[url("applications:measures", application)] == "Not started"

    editor.post(url("applications:details", application),
                {"contact_name": "Kari", "contact_email": "kari@kommune.example", "version": "0"})
    states = _task_list(editor.get(url("applications:overview", application)))
    assert states[url("applications:details", application)] == "Complete"


def test_task_list_links_each_problem_to_its_field(editor, half_done):
    application, measure = half_done
    response = editor.get(url("applications:overview", application))
    page = page_text(response)
    problems = {
        "Kurs i rus: describe the measure.":
            url("applications:measure_edit", application, line_pk=measure.pk) + "#id_description",
        "Upload the competence plan (PDF, DOCX or ODT).": url("applications:plan", application) + "#id_file",
        "Give the date the competence plan was last updated.":
            url("applications:plan", application) + "#id_competence_plan_updated_on",
        "Say who adopted the competence plan.":
            url("applications:plan", application) + "#id_competence_plan_adopted_by",
    }
    links = {" ".join(label.split()): href for href, label in parse(response).links}
    for message, href in problems.items():
        assert message in page
        assert links[message] == href
        # the anchor lands on the field: the page behind the link has an element with that id
        target_url, anchor = href.split("#")
        target = editor.get(target_url)
        assert target.status_code == 200
        assert anchor in parse(target).ids, f"{target_url} has no element #{anchor}"


def test_project_problems_link_to_fields_that_exist(editor, application):
    project = InnovationProjectFactory(application=application, sub_goals=[], starts_on=None, ends_on=None,
                                       priority_rank=None, title="Prosjekt uten alt")
    response = editor.get(url("applications:overview", application))
    edit = url("applications:project_edit", application, line_pk=project.pk)
    hrefs = [href for href, _ in parse(response).links if href.startswith(edit + "#")]
    assert {h.split("#")[1] for h in hrefs} >= {"id_sub_goals", "id_starts_on", "id_priority_rank"}
    ids = parse(editor.get(edit)).ids
    for href in hrefs:
        assert href.split("#")[1] in ids, f"the project form has no element #{href.split('#')[1]}"


# --- bad input: what was typed is kept, the message is at the field, nothing is saved ---------------

@pytest.mark.parametrize("typed, message", [
    ("-5", "The amount cannot be negative."),
    ("mange", "Write the amount in whole kroner, with digits only, for example 150 000."),
    ("100,50", "Give whole kroner, without øre."),
])
def test_bad_amount_is_refused_at_the_field_and_kept(editor, application, typed, message):
    before = event_count(application)
    response = editor.post(url("applications:measure_add", application), measure_data(total_cost=typed))
    assert response.status_code == 200
    assert message in field_error(response, "total_cost")
    assert message in page_text(response)  # also in the error summary at the top
    assert form_values(response)["total_cost"] == typed
    assert_error_summary_links_land(response)
    assert form_values(response)["title"] == "Videreutdanning i rus"
    assert not CompetenceMeasure.objects.filter(application=application).exists()
    assert event_count(application) == before


def test_amount_applied_above_total_cost_is_refused_and_the_line_unchanged(editor, application):
    measure = CompetenceMeasureFactory(application=application, total_cost=300_000, amount_applied=200_000)
    response = editor.post(url("applications:measure_edit", application, line_pk=measure.pk),
                           measure_data(total_cost="100000", amount_applied="250000", version="1"))
    assert response.status_code == 200
    assert "The amount applied for cannot be more than the total cost." in field_error(response, "amount_applied")
    assert form_values(response)["amount_applied"] == "250000"
    measure.refresh_from_db()
    assert (measure.total_cost, measure.amount_applied, measure.version) == (300_000, 200_000, 1)


def test_amount_with_spaces_is_accepted_as_whole_kroner(editor, application):
    response = editor.post(url("applications:measure_add", application),
                           measure_data(total_cost="150 000", amount_applied="100\xa0000", own_funding="50 000"))
    assert response.status_code == 302
    measure = CompetenceMeasure.objects.get(application=application)
    assert (measure.total_cost, measure.amount_applied, measure.own_funding) == (150_000, 100_000, 50_000)


def test_priority_rank_used_twice_is_refused(editor, application):
    first = InnovationProjectFactory(application=application, title="Velferdsteknologi", priority_rank=1)
    second = InnovationProjectFactory(application=application, title="Hverdagsrehabilitering", priority_rank=2)
    expected = "Priority 1 is already given to Velferdsteknologi. Each project needs its own priority."

    added = editor.post(url("applications:project_add", application), project_data(application, priority_rank="1"))
    assert added.status_code == 200
    assert expected in field_error(added, "priority_rank")
    assert form_values(added)["title"] == "Digitalt tilsyn"
    assert InnovationProject.objects.filter(application=application).count() == 2

    changed = editor.post(url("applications:project_edit", application, line_pk=second.pk),
                          project_data(application, title="Hverdagsrehabilitering", priority_rank="1", version="1"))
    assert changed.status_code == 200
    assert expected in field_error(changed, "priority_rank")
    second.refresh_from_db()
    first.refresh_from_db()
    assert (first.priority_rank, second.priority_rank, second.version) == (1, 2, 1)


def test_sub_goal_of_another_scheme_is_refused(editor, application):
    foreign = SubGoalFactory(scheme=SchemeFactory(), text="Fremmed delmål")
    response = editor.post(url("applications:project_add", application),
                           project_data(application, sub_goals=[str(foreign.pk)]))
    assert response.status_code == 200
    assert f"Select a valid choice. {foreign.pk} is not one of the available choices." in field_error(
        response, "sub_goals")
    assert "Fremmed delmål" not in page_text(response)  # the other scheme's goals are not offered
    assert_error_summary_links_land(response)
    assert not InnovationProject.objects.filter(application=application).exists()


def test_mental_health_only_target_group_needs_a_mental_health_measure(editor, application):
    others = TargetGroupFactory(scheme=application.round.scheme, only_for_mental_health=True,
                                text="Ansatte i andre kommunale virksomheter")
    response = editor.post(url("applications:measure_add", application),
                           measure_data(target_group=str(others.pk), concerns_mental_health=None))
    assert response.status_code == 200
    assert ("Staff of other municipal and county agencies are a target group only for measures that concern "
            "mental health and substance abuse.") in field_error(response, "target_group")
    assert form_values(response)["target_group"] == str(others.pk)
    assert_error_summary_links_land(response)
    assert not CompetenceMeasure.objects.filter(application=application).exists()

    accepted = editor.post(url("applications:measure_add", application), measure_data(target_group=str(others.pk)))
    assert accepted.status_code == 302
    assert CompetenceMeasure.objects.get(application=application).target_group == others


def test_markup_in_a_text_field_is_refused_and_shown_as_text(editor, application):
    script = "<script>alert(1)</script>"
    before = Application.objects.values().get(pk=application.pk)
    response = editor.post(url("applications:details", application), {
        "contact_name": "Kari Nilsen", "contact_email": "kari@kommune.example",
        "project_priorities": script, "version": "0"})
    assert response.status_code == 200
    assert "Write plain text: remove the markup (such as <…> tags or scripts)." in field_error(
        response, "project_priorities")
    assert form_values(response)["project_priorities"] == script  # kept, as text ...
    assert script not in response.content.decode()  # ... never as markup
    assert Application.objects.values().get(pk=application.pk) == before


def test_markup_in_a_measure_is_refused(editor, application):
    response = editor.post(url("applications:measure_add", application),
                           measure_data(title='<img src=x onerror="alert(1)">'))
    assert response.status_code == 200
    assert "Write plain text" in field_error(response, "title")
    assert not CompetenceMeasure.objects.exists()


def test_plain_text_named_pdf_is_refused_and_the_typed_plan_facts_are_kept(editor, application):
    fake = SimpleUploadedFile("plan.pdf", b"This is not a PDF, only text.\n", content_type="application/pdf")
    response = editor.post(url("applications:plan", application), {
        "file": fake, "competence_plan_updated_on": "2024-03-12",
        "competence_plan_adopted_by": "Kommunestyret", "version": "0"})
    assert response.status_code == 200
    assert "plan is not a PDF, DOCX or ODT file (its content was checked, not its name)." in field_error(
        response, "file")
    values = form_values(response)
    assert values["competence_plan_updated_on"] == "2024-03-12"
    assert values["competence_plan_adopted_by"] == "Kommunestyret"
    assert_error_summary_links_land(response)
    assert not Attachment.objects.exists()
    application.refresh_from_db()
    assert (application.plan_version, application.competence_plan_updated_on,
            application.competence_plan_adopted_by) == (0, None, "")


def test_a_real_pdf_is_stored_with_the_plan_facts(editor, application):
    response = editor.post(url("applications:plan", application), {
        "file": pdf_upload("Kompetanseplan 2024.pdf"), "competence_plan_updated_on": "2024-03-12",
        "competence_plan_adopted_by": "Kommunestyret", "version": "0"})
    assert response.status_code == 302
    attachment = Attachment.objects.get(application=application)
    assert (attachment.kind, attachment.content_type, attachment.original_name) == (
        "competence_plan", "application/pdf", "Kompetanseplan_2024.pdf")
    application.refresh_from_db()
    assert application.competence_plan_updated_on == dt.date(2024, 3, 12)
    assert application.plan_version == 1


# --- two people saving the same section --------------------------------------------------------------

def test_stale_save_shows_the_conflict_keeps_the_typed_text_and_saving_again_wins(editor, application, client):
    colleague = in_english(client)
    colleague.force_login(member(application.organisation))

    opened = editor.get(url("applications:details", application))
    typed = form_values(opened)
    assert typed["version"] == "0"

    details = url("applications:details", application)
    saved = colleague.post(details, {**form_values(colleague.get(details)), "project_priorities": "Bs prioritering"})
    assert saved.status_code == 302

    typed["project_priorities"] = "As prioritering"
    response = editor.post(url("applications:details", application), typed)
    assert response.status_code == 200
    page = parse(response)
    assert "conflict" in page.ids
    panel = page_text(response).split('id="conflict"', 1)[1].split("</div>", 1)[0]
    assert "The municipality's priorities among its innovation projects" in panel
    assert "Bs prioritering" in panel
    again = form_values(response)
    assert again["project_priorities"] == "As prioritering"
    assert again["version"] == "1"
    application.refresh_from_db()
    assert application.project_priorities == "Bs prioritering"
    assert application.details_version == 1

    response = editor.post(url("applications:details", application), again)
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.project_priorities == "As prioritering"
    assert application.details_version == 2


def _conflict_rows(response) -> list[str]:
    panel = response.content.decode().split('id="conflict"', 1)[1].split("</table>", 1)[0]
    body = panel.split("<tbody>", 1)[1]
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", row)).split())
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def _both_edit_details(editor, colleague, application, theirs, mine):
    details = url("applications:details", application)
    typed = form_values(editor.get(details))
    colleague.post(details, {**form_values(colleague.get(details)), "project_priorities": theirs})
    return editor.post(details, {**typed, "project_priorities": mine})


def test_conflict_lists_only_what_the_colleague_changed(editor, application, client):
    colleague = in_english(client)
    colleague.force_login(member(application.organisation))
    details = url("applications:details", application)
    editor.post(details, form_values(editor.get(details)))  # version 1

    response = _both_edit_details(editor, colleague, application, theirs="Bs tekst", mine="As tekst")
    assert _conflict_rows(response) == [
        "The municipality's priorities among its innovation projects – Bs tekst"]


def test_conflict_on_the_first_save_lists_only_what_the_colleague_changed(editor, application, client):
    colleague = in_english(client)
    colleague.force_login(member(application.organisation))
    response = _both_edit_details(editor, colleague, application, theirs="Bs tekst", mine="As tekst")
    assert _conflict_rows(response) == [
        "The municipality's priorities among its innovation projects – Bs tekst"]


def test_stale_save_of_a_measure_keeps_the_colleagues_line(editor, application, client):
    measure = CompetenceMeasureFactory(application=application, title="Kurs", participants=10)
    colleague = in_english(client)
    colleague.force_login(member(application.organisation))
    edit = url("applications:measure_edit", application, line_pk=measure.pk)

    typed = form_values(editor.get(edit))
    colleague.post(edit, {**form_values(colleague.get(edit)), "participants": "25"})
    typed["participants"] = "12"
    response = editor.post(edit, typed)
    assert response.status_code == 200
    panel = page_text(response).split('id="conflict"', 1)[1].split("</div>", 1)[0]
    assert "Number of participants" in panel and "25" in panel
    assert form_values(response)["participants"] == "12"
    measure.refresh_from_db()
    assert (measure.participants, measure.version) == (25, 2)


# --- autosave ------------------------------------------------------------------------------------------

def autosave(client, path, data):
    return client.post(path, data, HTTP_X_AUTOSAVE="1")


def test_autosave_saves_and_returns_the_new_version(editor, application):
    data = {"contact_name": "Kari", "contact_email": "kari@kommune.example", "project_priorities": "Utkast",
            "version": "0"}
    response = autosave(editor, url("applications:details", application), data)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    payload = response.json()
    assert payload["saved"] is True and payload["version"] == 1
    application.refresh_from_db()
    assert (application.project_priorities, application.details_version) == ("Utkast", 1)

    response = autosave(editor, url("applications:details", application), {**data, "project_priorities": "Utkast 2",
                                                               "version": "1"})
    assert response.json()["saved"] is True and response.json()["version"] == 2


def test_stale_autosave_is_a_conflict_and_writes_nothing(editor, application):
    Application.objects.filter(pk=application.pk).update(details_version=3, project_priorities="Noen andres")
    response = autosave(editor, url("applications:details", application), {
        "contact_name": "Kari", "contact_email": "kari@kommune.example", "project_priorities": "Mitt",
        "version": "2"})
    assert response.status_code == 409
    payload = response.json()
    assert payload["saved"] is False and payload["conflict"]
    application.refresh_from_db()
    assert (application.project_priorities, application.details_version) == ("Noen andres", 3)


def test_invalid_autosave_returns_the_errors_and_writes_nothing(editor, application):
    before = event_count(application)
    response = autosave(editor, url("applications:measure_add", application), measure_data(total_cost="mange"))
    assert response.status_code == 400
    payload = response.json()
    assert payload["saved"] is False
    assert payload["errors"]["total_cost"] == [
        "Write the amount in whole kroner, with digits only, for example 150 000."]
    assert not CompetenceMeasure.objects.exists()
    assert event_count(application) == before


def test_autosave_on_the_add_page_returns_where_the_new_measure_is_edited(editor, application):
    response = autosave(editor, url("applications:measure_add", application), measure_data(title="Påbegynt tiltak"))
    assert response.status_code == 200
    measure = CompetenceMeasure.objects.get(application=application)
    payload = response.json()
    assert payload["edit_url"] == url("applications:measure_edit", application, line_pk=measure.pk)
    assert payload["version"] == measure.version == 1
    # the next autosave goes to the edit page, with the version returned: still one measure
    response = autosave(editor, payload["edit_url"], measure_data(title="Påbegynt tiltak 2", version="1"))
    assert response.json()["version"] == 2
    assert CompetenceMeasure.objects.get(application=application).title == "Påbegynt tiltak 2"


# --- submission ----------------------------------------------------------------------------------------

def test_the_editor_cannot_submit(editor, submittable, receipts_queued):
    response = editor.post(url("applications:submit", submittable), follow=True)
    assert response.redirect_chain[-1][0] == url("applications:check", submittable)
    assert "Your role does not allow this." in messages_of(response)
    submittable.refresh_from_db()
    assert (submittable.status, submittable.submitted_at, submittable.submitted_by) == (
        ApplicationStatus.DRAFT, None, None)
    # the check page does not offer the editor a submit button either
    assert url("applications:submit", submittable) not in [f["_action"] for f in parse(response).forms]


def test_the_signatory_submits_once_even_when_clicking_twice(signatory, submittable,
                                                            django_capture_on_commit_callbacks, receipts_queued):
    check = signatory.get(url("applications:check", submittable))
    assert url("applications:submit", submittable) in [f["_action"] for f in parse(check).forms]

    with django_capture_on_commit_callbacks(execute=True):
        response = signatory.post(url("applications:submit", submittable), follow=True)
    assert response.redirect_chain[-1][0] == submittable.get_absolute_url()
    submittable.refresh_from_db()
    assert submittable.status == ApplicationStatus.SUBMITTED
    assert submittable.submitted_by == signatory.user
    assert submittable.submitted_at is not None
    assert any(m.startswith("The application is submitted.") for m in messages_of(response))

    with django_capture_on_commit_callbacks(execute=True):
        second = signatory.post(url("applications:submit", submittable), follow=True)
    assert "The application was already submitted; it was not sent twice." in messages_of(second)
    assert ApplicationEvent.objects.filter(application=submittable, kind=EventKind.STATUS_CHANGED).count() == 1
    assert receipts_queued == [(submittable.pk, 1)]


def test_an_incomplete_application_is_not_submitted(signatory, application):
    response = signatory.post(url("applications:submit", application), follow=True)
    assert any("The application is not complete" in m for m in messages_of(response))
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


EDIT_PAGES = ["details", "plan", "measure_add", "measure_edit", "measure_delete", "project_add", "project_edit",
              "project_delete"]


@pytest.fixture
def own_submitted(round_, organisation):
    """The editor's organisation's application, submitted (the factory's trait: submitting is tested
    above), with one line of each kind."""
    application = ApplicationFactory(
        round=round_, organisation=organisation, complete=True, submitted=True,
        competence_plan_updated_on=dt.date(2024, 1, 1), competence_plan_adopted_by="Kommunestyret")
    CompetenceMeasureFactory(application=application)
    InnovationProjectFactory(application=application, priority_rank=1)
    return application


def _edit_url(name, application):
    if name.startswith("measure_") and name != "measure_add":
        return url(f"applications:{name}", application, line_pk=application.measures.get().pk)
    if name.startswith("project_") and name != "project_add":
        return url(f"applications:{name}", application, line_pk=application.projects.get().pk)
    return url(f"applications:{name}", application)


@pytest.mark.parametrize("role", ["editor", "signatory"])
@pytest.mark.parametrize("name", EDIT_PAGES)
def test_after_submission_the_edit_pages_are_forbidden(request, own_submitted, role, name):
    """Opening is refused; a post (a page left open from before) saves nothing but shows why,
    with what the user typed still in the form, so no word is lost."""
    client = request.getfixturevalue(role)
    before = event_count(own_submitted)
    assert client.get(_edit_url(name, own_submitted)).status_code == 403
    typed = {"title": "Endret tittel", "contact_name": "Endret navn", "competence_plan_adopted_by": "Endret av"}
    response = client.post(_edit_url(name, own_submitted), {**typed, "version": "1"})
    if name.endswith("_delete"):
        assert response.status_code == 403  # a confirmation button: nothing typed to keep
    else:
        assert response.status_code == 409
        page = response.content.decode()
        assert "Not saved" in page and "can no longer be changed" in page
        assert any(value in page for value in typed.values())
    assert event_count(own_submitted) == before


@pytest.mark.parametrize("role", ["editor", "signatory", "caseworker"])
def test_after_submission_the_overview_offers_nothing_to_edit(request, own_submitted, role):
    client = in_english(request.getfixturevalue(f"{role}_client"))
    response = client.get(url("applications:overview", own_submitted))
    assert response.status_code == 200
    hrefs = [href.split("#")[0] for href, _ in parse(response).links]
    for name in EDIT_PAGES + ["check"]:
        assert _edit_url(name, own_submitted) not in hrefs, f"the overview links to {name} after submission"
    # every link of the page into the application opens for this user (none leads to a 403)
    for href in {h for h in hrefs if h.startswith(url("applications:overview", own_submitted))}:
        assert client.get(href).status_code == 200, href


# --- withdrawal ----------------------------------------------------------------------------------------

def test_the_signatory_withdraws_with_a_reason(signatory, own_submitted):
    response = signatory.post(url("applications:withdraw", own_submitted), {"reason": "Kommunestyret trakk søknaden."})
    assert response.status_code == 302
    own_submitted.refresh_from_db()
    assert own_submitted.status == ApplicationStatus.WITHDRAWN
    assert own_submitted.withdrawal_reason == "Kommunestyret trakk søknaden."
    assert own_submitted.withdrawn_at is not None


def test_withdrawing_needs_a_reason(signatory, own_submitted):
    response = signatory.post(url("applications:withdraw", own_submitted), {"reason": "  "})
    assert response.status_code == 200
    assert "This field is required." in field_error(response, "reason")
    own_submitted.refresh_from_db()
    assert own_submitted.status == ApplicationStatus.SUBMITTED


def test_the_editor_is_told_why_they_cannot_withdraw(editor, own_submitted):
    page = editor.get(url("applications:withdraw", own_submitted))
    assert page.status_code == 200
    assert "Your role does not allow this." in page_text(page)
    assert not [f for f in parse(page).forms if "reason" in f["_fields"]]
    editor.post(url("applications:withdraw", own_submitted), {"reason": "Vil trekke"})
    own_submitted.refresh_from_db()
    assert own_submitted.status == ApplicationStatus.SUBMITTED


# --- history -------------------------------------------------------------------------------------------

def _history_rows(response) -> list[str]:
    body = response.content.decode().split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", row)).split()) for row in rows]


def test_history_lists_who_did_what(editor, signatory, submittable):
    details = url("applications:details", submittable)
    editor.post(details, {**form_values(editor.get(details)), "project_priorities": "Prosjekt 1 først."})
    editor.post(url("applications:plan", submittable), {"file": pdf_upload("Kompetanseplan.pdf"),
                                           "competence_plan_updated_on": "2024-03-12",
                                           "competence_plan_adopted_by": "Kommunestyret", "version": "0"})
    signatory.post(url("applications:submit", submittable))
    signatory.post(url("applications:withdraw", submittable), {"reason": "Feil søknad"})
    submittable.refresh_from_db()
    assert submittable.status == ApplicationStatus.WITHDRAWN

    rows = _history_rows(signatory.get(url("applications:history", submittable)))
    editor_name, signatory_name = str(editor.user), str(signatory.user)

    def row_with(*words):
        found = [r for r in rows if all(w in r for w in words)]
        assert found, f"no history row with {words} in {rows}"
        return found

    row_with(editor_name, "Section saved", "Contact person and cover letter")
    row_with(editor_name, "Section saved", "Competence plan")
    row_with(editor_name, "File uploaded", "Kompetanseplan.pdf")
    row_with(signatory_name, "Status changed", "Submitted")
    row_with(signatory_name, "Status changed", "Withdrawn", "Feil søknad")
    assert "Withdrawn" in rows[0]  # newest first


# --- the municipality's start page ---------------------------------------------------------------------

def test_start_page_lists_applications_across_rounds_and_open_rounds(editor, office, organisation):
    scheme = SchemeFactory()
    last_year = RoundFactory(office=office, scheme=scheme, year=2020, closed=True)
    this_year = RoundFactory(office=office, scheme=scheme, year=2021)
    other_scheme_round = RoundFactory(office=office, year=2021)
    elsewhere_round = RoundFactory(year=2021)  # another office's round: not for this municipality
    ApplicationFactory(round=last_year, organisation=organisation, submitted=True)
    draft = ApplicationFactory(round=this_year, organisation=organisation)
    ApplicationFactory(round=RoundFactory(office=office))  # another municipality's: not listed

    response = editor.get(url("applications:mine"))
    assert response.status_code == 200
    table = response.content.decode().split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", r)).split())
            for r in re.findall(r"<tr>(.*?)</tr>", table, re.S)]
    assert len(rows) == 2
    assert f"{scheme} 2021" in rows[0] and "Draft" in rows[0]
    assert "Complete the sections and let the signatory submit before the deadline." in rows[0]
    assert f"{scheme} 2020" in rows[1] and "Submitted" in rows[1]
    assert "The County Governor is assessing the application." in rows[1]
    assert draft.get_absolute_url() in table

    offered = response.content.decode().split('id="start-heading"', 1)[1].split("</section>", 1)[0]
    assert other_scheme_round.get_absolute_url() in offered
    assert this_year.get_absolute_url() not in offered  # already applied
    assert last_year.get_absolute_url() not in offered  # closed
    assert elsewhere_round.get_absolute_url() not in offered


# --- query counts (CONVENTIONS: the count must not grow with N) ------------------------------------------

def _application_with(round_, organisation, *, measures, projects):
    application = ApplicationFactory(round=round_, organisation=organisation, complete=True)
    group = TargetGroupFactory(scheme=round_.scheme)
    goals = [SubGoalFactory(scheme=round_.scheme), SubGoalFactory(scheme=round_.scheme)]
    CompetenceMeasureFactory.create_batch(measures - 1, application=application, target_group=group)
    CompetenceMeasureFactory(application=application, title="Uten beskrivelse", description="",
                             target_group=None)  # one with problems, so the problem list is exercised too
    for rank in range(1, projects + 1):
        InnovationProjectFactory(application=application, priority_rank=rank, sub_goals=goals)
    AttachmentFactory(application=application, uploaded_by=application.created_by)
    return application


@pytest.mark.parametrize("name", ["overview", "summary", "measures", "projects", "check"])
def test_page_queries_do_not_grow_with_the_number_of_lines(editor, office, organisation, name):
    small = _application_with(RoundFactory(office=office), organisation, measures=2, projects=1)
    large = _application_with(RoundFactory(office=office), organisation, measures=30, projects=6)
    editor.get(url(f"applications:{name}", small))  # warm up (session, translations)

    counts = []
    for application in (small, large):
        cache.delete(_lines_key(Application.objects.get(pk=application.pk)))  # read (`application_get_full`), then from the cache
        for _read in ("cold", "warm"):
            with CaptureQueriesContext(connection) as queries:
                response = editor.get(url(f"applications:{name}", application))
            assert response.status_code == 200
            counts.append(len(queries))
    assert counts[:2] == counts[2:], f"{name}: {counts[:2]} queries with 2 measures, {counts[2:]} with 30"
    if name == "summary":
        assert page_text(response).count("Videreutdanning i psykisk helsearbeid") == 29


def test_start_page_queries_do_not_grow_with_the_number_of_open_rounds(editor, office, organisation):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert editor.get(url("applications:mine")).status_code == 200
        return len(queries)

    RoundFactory(office=office)
    # one application already: its lines, files and marks for signature are read in one query each,
    # which a page with no application at all does not need
    ApplicationFactory(round=RoundFactory(office=office, year=2014, closed=True), organisation=organisation)
    editor.get(url("applications:mine"))  # warm up
    few = count()
    for _ in range(5):
        RoundFactory()  # other offices' open rounds
        ApplicationFactory(round=RoundFactory(office=office, year=2015 + _, closed=True), organisation=organisation)
    assert count() == few


def test_editing_a_line_a_colleague_removed_keeps_the_text_and_offers_to_add_it(editor, application):
    measure = CompetenceMeasureFactory(application=application, title="Kurs i lindrende omsorg")
    edit_url = url("applications:measure_edit", application, line_pk=measure.pk)
    measure.delete()
    response = editor.post(edit_url, {"title": "Kurs i lindrende omsorg", "description": "Min lange tekst",
                                      "version": "1"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Min lange tekst" in page
    assert f'action="{url("applications:measures", application)}add/"' in page
    assert not application.measures.exists()


def test_an_empty_draft_offers_last_years_application_to_copy_and_a_filled_one_does_not_look_for_it(client):
    this_round = RoundFactory()
    previous_round = RoundFactory(scheme=this_round.scheme, office=this_round.office, year=this_round.year - 1,
                                  closed=True)
    organisation = OrganisationFactory(county=this_round.office.counties.first())
    ApplicationFactory(round=previous_round, organisation=organisation, submitted=True)
    draft = ApplicationFactory(round=this_round, organisation=organisation)
    client.force_login(member(organisation))
    overview = url("applications:overview", pk=draft.pk)
    copy = url("applications:copy_previous", pk=draft.pk)

    page = in_english(client).get(overview)
    assert f"You applied in {previous_round.year} too." in page_text(page) and copy in page.content.decode()

    CompetenceMeasureFactory(application=draft)
    with CaptureQueriesContext(connection) as queries:
        page = in_english(client).get(overview)
    assert "You applied in" not in page_text(page) and copy not in page.content.decode()
    rounds_read = [q for q in queries.captured_queries if '"schemes_round"."year" <' in q["sql"]]
    assert rounds_read == []  # last year's application is not even looked for
