"""The joint-application pages as a municipality uses them: starting, the task list, the sections,
bad input, two people saving the same section, autosave, submission, withdrawal and history.

Most pages are requested in English (the language cookie), so messages read as in the source;
the task list is also checked in bokmål, the default."""

import datetime as dt
import html
import re
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

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
from portal.models import OrganisationKind, Role
from tests.applications.factories import (
    ApplicationFactory,
    CompetenceMeasureFactory,
    InnovationProjectFactory,
    member,
)
from tests.helpers import stub_task
from tests.portal.factories import CountyFactory, OrganisationFactory
from tests.schemes.factories import RoundFactory, SchemeFactory, SubGoalFactory, TargetGroupFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<< /Type /Catalog >>endobj\ntrailer<< /Root 1 0 R >>\n%%EOF\n"


# --- helpers: read pages as a browser would ---------------------------------------------------------

def english(client):
    client.cookies["tilskudd_language"] = "en"
    return client


def text(response) -> str:
    """The page's HTML with entities resolved, so messages with quotes compare as typed."""
    return html.unescape(response.content.decode())


def url(name, application, **kwargs):
    return reverse(f"applications:{name}", kwargs={"pk": application.pk, **kwargs})


class _PageParser(HTMLParser):
    """The values of the page's forms (as a browser would post them), the ids on the page, the
    texts of field errors and the links."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self.ids: set[str] = set()
        self.links: list[tuple[str, str]] = []
        self.errors: dict[str, str] = {}
        self._form = None
        self._textarea = None
        self._select = None
        self._error = None
        self._error_depth = 0
        self._link = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if "id" in a:
            self.ids.add(a["id"])
        if self._error is not None:
            self._error_depth += 1
        elif re.fullmatch(r"error_\d+_id_\w+", a.get("id", "")):
            self._error = a["id"].split("_id_", 1)[1]
            self._error_depth = 1
            self.errors.setdefault(self._error, "")
        if tag == "a" and "href" in a:
            self._link = [a["href"], ""]
            self.links.append(self._link)
        if tag == "form":
            self._form = {"_action": a.get("action", ""), "_fields": {}}
            self.forms.append(self._form)
        if self._form is None:
            return
        fields = self._form["_fields"]
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("submit", "button", "file", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                fields.setdefault(name, [])
                return
            fields.setdefault(name, []).append(a.get("value", "on" if kind in ("checkbox", "radio") else ""))
        elif tag == "textarea" and name:
            self._textarea = name
            fields.setdefault(name, []).append("")
        elif tag == "select" and name:
            self._select = name
            fields.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in a:
            fields[self._select].append(a.get("value", ""))

    def handle_data(self, data):
        if self._textarea:
            values = self._form["_fields"][self._textarea]
            values[-1] += data
        if self._error is not None:
            self.errors[self._error] += data
        if self._link is not None:
            self._link[1] += data

    def handle_endtag(self, tag):
        if self._error is not None:
            self._error_depth -= 1
            if self._error_depth == 0:
                self._error = None
        if tag == "a":
            self._link = None
        if tag == "textarea" and self._textarea:
            values = self._form["_fields"][self._textarea]
            if values[-1].startswith("\n"):  # the newline after <textarea> is not part of the value
                values[-1] = values[-1][1:]
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self._form = None


def parse(response) -> _PageParser:
    parser = _PageParser()
    parser.feed(response.content.decode())
    return parser


def form_values(response) -> dict:
    """The section's form (the one carrying the version), as a browser would post it."""
    forms = [f["_fields"] for f in parse(response).forms if "version" in f["_fields"]]
    assert len(forms) == 1, "the page should have exactly one versioned form"
    return {name: values if len(values) != 1 else values[0] for name, values in forms[0].items()
            if values != [] and name != "csrfmiddlewaretoken"}


def field_error(response, field) -> str:
    """The error text shown at the field (crispy's error_N_id_<field> elements)."""
    return " ".join(parse(response).errors.get(field, "").split())


def assert_error_summary_links_land(response):
    """Each link of the error summary at the top leads to an element on the page (WCAG: linked errors)."""
    page = parse(response)
    summary = response.content.decode().split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    anchors = re.findall(r'href="#([^"]+)"', summary)
    assert anchors, "the error summary links to no field"
    for anchor in anchors:
        assert anchor in page.ids, f"the error summary links to #{anchor}, which is not on the page"


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def pdf_upload(name="Kompetanseplan 2024.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


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
def media(settings, tmp_path):
    """Uploaded files go to a temporary directory, not the shared var/test-media."""
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}}
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture(autouse=True)
def receipts_queued(monkeypatch):
    """Submissions queue the receipt task after commit; record instead of running it."""
    return stub_task(monkeypatch, "applications.tasks.receipt_create_task")


@pytest.fixture
def round_(office):
    return RoundFactory(office=office)


@pytest.fixture
def application(round_, organisation):
    return ApplicationFactory(round=round_, organisation=organisation)


@pytest.fixture
def editor(editor_client):
    return english(editor_client)


@pytest.fixture
def signatory(signatory_client):
    return english(signatory_client)


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
    start_url = reverse("applications:start", kwargs={"round_pk": round_.pk})
    starts = [f for f in parse(round_page).forms if f["_action"] == start_url]
    assert len(starts) == 1
    assert starts[0]["_fields"]["organisation"] == [str(organisation.pk)]
    assert f"Start the application from {organisation}" in text(round_page)

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
    english(client)
    start_url = reverse("applications:start", kwargs={"round_pk": round_.pk})

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
    english(client)
    start_url = reverse("applications:start", kwargs={"round_pk": round_.pk})

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
    response = editor.get(url(name, application, **kwargs))
    assert response.status_code == 200
    assert str(application.organisation) in text(response)
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
    response = editor_client.get(url("overview", application))  # no language cookie: bokmål
    assert response.status_code == 200
    assert '<html lang="nb"' in response.content.decode()
    assert _task_list(response) == {
        url("details", application): "Ferdig",
        url("plan", application): "Ikke påbegynt",
        url("measures", application): "Under arbeid",
        url("projects", application): "Ferdig",
    }


def test_task_list_states_in_english_follow_the_work(editor, application):
    states = _task_list(editor.get(url("overview", application)))
    assert states[url("details", application)] == "Not started"
    assert states[url("measures", application)] == "Not started"

    editor.post(url("details", application), {"contact_name": "Kari", "contact_email": "kari@kommune.example",
                                               "version": "0"})
    states = _task_list(editor.get(url("overview", application)))
    assert states[url("details", application)] == "Complete"


def test_task_list_links_each_problem_to_its_field(editor, half_done):
    application, measure = half_done
    response = editor.get(url("overview", application))
    page = text(response)
    problems = {
        "Kurs i rus: describe the measure.": url("measure_edit", application, line_pk=measure.pk) + "#id_description",
        "Upload the competence plan (PDF, DOCX or ODT).": url("plan", application) + "#id_file",
        "Give the date the competence plan was last updated.":
            url("plan", application) + "#id_competence_plan_updated_on",
        "Say who adopted the competence plan.": url("plan", application) + "#id_competence_plan_adopted_by",
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
    response = editor.get(url("overview", application))
    edit = url("project_edit", application, line_pk=project.pk)
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
    response = editor.post(url("measure_add", application), measure_data(total_cost=typed))
    assert response.status_code == 200
    assert message in field_error(response, "total_cost")
    assert message in text(response)  # also in the error summary at the top
    assert form_values(response)["total_cost"] == typed
    assert_error_summary_links_land(response)
    assert form_values(response)["title"] == "Videreutdanning i rus"
    assert not CompetenceMeasure.objects.filter(application=application).exists()
    assert event_count(application) == before


def test_amount_applied_above_total_cost_is_refused_and_the_line_unchanged(editor, application):
    measure = CompetenceMeasureFactory(application=application, total_cost=300_000, amount_applied=200_000)
    response = editor.post(url("measure_edit", application, line_pk=measure.pk),
                           measure_data(total_cost="100000", amount_applied="250000", version="1"))
    assert response.status_code == 200
    assert "The amount applied for cannot be more than the total cost." in field_error(response, "amount_applied")
    assert form_values(response)["amount_applied"] == "250000"
    measure.refresh_from_db()
    assert (measure.total_cost, measure.amount_applied, measure.version) == (300_000, 200_000, 1)


def test_amount_with_spaces_is_accepted_as_whole_kroner(editor, application):
    response = editor.post(url("measure_add", application),
                           measure_data(total_cost="150 000", amount_applied="100\xa0000", own_funding="50 000"))
    assert response.status_code == 302
    measure = CompetenceMeasure.objects.get(application=application)
    assert (measure.total_cost, measure.amount_applied, measure.own_funding) == (150_000, 100_000, 50_000)


def test_priority_rank_used_twice_is_refused(editor, application):
    first = InnovationProjectFactory(application=application, title="Velferdsteknologi", priority_rank=1)
    second = InnovationProjectFactory(application=application, title="Hverdagsrehabilitering", priority_rank=2)
    expected = "Priority 1 is already given to Velferdsteknologi. Each project needs its own priority."

    added = editor.post(url("project_add", application), project_data(application, priority_rank="1"))
    assert added.status_code == 200
    assert expected in field_error(added, "priority_rank")
    assert form_values(added)["title"] == "Digitalt tilsyn"
    assert InnovationProject.objects.filter(application=application).count() == 2

    changed = editor.post(url("project_edit", application, line_pk=second.pk),
                          project_data(application, title="Hverdagsrehabilitering", priority_rank="1", version="1"))
    assert changed.status_code == 200
    assert expected in field_error(changed, "priority_rank")
    second.refresh_from_db()
    first.refresh_from_db()
    assert (first.priority_rank, second.priority_rank, second.version) == (1, 2, 1)


def test_sub_goal_of_another_scheme_is_refused(editor, application):
    foreign = SubGoalFactory(scheme=SchemeFactory(), text="Fremmed delmål")
    response = editor.post(url("project_add", application), project_data(application, sub_goals=[str(foreign.pk)]))
    assert response.status_code == 200
    assert f"Select a valid choice. {foreign.pk} is not one of the available choices." in field_error(
        response, "sub_goals")
    assert "Fremmed delmål" not in text(response)  # the other scheme's goals are not offered
    assert_error_summary_links_land(response)
    assert not InnovationProject.objects.filter(application=application).exists()


def test_mental_health_only_target_group_needs_a_mental_health_measure(editor, application):
    others = TargetGroupFactory(scheme=application.round.scheme, only_for_mental_health=True,
                                text="Ansatte i andre kommunale virksomheter")
    response = editor.post(url("measure_add", application),
                           measure_data(target_group=str(others.pk), concerns_mental_health=None))
    assert response.status_code == 200
    assert ("Staff of other municipal and county agencies are a target group only for measures that concern "
            "mental health and substance abuse.") in field_error(response, "target_group")
    assert form_values(response)["target_group"] == str(others.pk)
    assert_error_summary_links_land(response)
    assert not CompetenceMeasure.objects.filter(application=application).exists()

    accepted = editor.post(url("measure_add", application), measure_data(target_group=str(others.pk)))
    assert accepted.status_code == 302
    assert CompetenceMeasure.objects.get(application=application).target_group == others


def test_markup_in_a_text_field_is_refused_and_shown_as_text(editor, application):
    script = "<script>alert(1)</script>"
    before = Application.objects.values().get(pk=application.pk)
    response = editor.post(url("details", application), {
        "contact_name": "Kari Nilsen", "contact_email": "kari@kommune.example",
        "project_priorities": script, "version": "0"})
    assert response.status_code == 200
    assert "Write plain text: remove the markup (such as <…> tags or scripts)." in field_error(
        response, "project_priorities")
    assert form_values(response)["project_priorities"] == script  # kept, as text ...
    assert script not in response.content.decode()  # ... never as markup
    assert Application.objects.values().get(pk=application.pk) == before


def test_markup_in_a_measure_is_refused(editor, application):
    response = editor.post(url("measure_add", application), measure_data(title='<img src=x onerror="alert(1)">'))
    assert response.status_code == 200
    assert "Write plain text" in field_error(response, "title")
    assert not CompetenceMeasure.objects.exists()


def test_plain_text_named_pdf_is_refused_and_the_typed_plan_facts_are_kept(editor, application):
    fake = SimpleUploadedFile("plan.pdf", b"This is not a PDF, only text.\n", content_type="application/pdf")
    response = editor.post(url("plan", application), {
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
    response = editor.post(url("plan", application), {
        "file": pdf_upload(), "competence_plan_updated_on": "2024-03-12",
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
    colleague = english(client)
    colleague.force_login(member(application.organisation))

    opened = editor.get(url("details", application))
    typed = form_values(opened)
    assert typed["version"] == "0"

    saved = colleague.post(url("details", application), {**form_values(colleague.get(url("details", application))),
                                                         "project_priorities": "Bs prioritering"})
    assert saved.status_code == 302

    typed["project_priorities"] = "As prioritering"
    response = editor.post(url("details", application), typed)
    assert response.status_code == 200
    page = parse(response)
    assert "conflict" in page.ids
    panel = text(response).split('id="conflict"', 1)[1].split("</div>", 1)[0]
    assert "The municipality's priorities among its innovation projects" in panel
    assert "Bs prioritering" in panel
    again = form_values(response)
    assert again["project_priorities"] == "As prioritering"
    assert again["version"] == "1"
    application.refresh_from_db()
    assert application.project_priorities == "Bs prioritering"
    assert application.details_version == 1

    response = editor.post(url("details", application), again)
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
    typed = form_values(editor.get(url("details", application)))
    colleague.post(url("details", application), {**form_values(colleague.get(url("details", application))),
                                                 "project_priorities": theirs})
    return editor.post(url("details", application), {**typed, "project_priorities": mine})


def test_conflict_lists_only_what_the_colleague_changed(editor, application, client):
    colleague = english(client)
    colleague.force_login(member(application.organisation))
    editor.post(url("details", application), form_values(editor.get(url("details", application))))  # version 1

    response = _both_edit_details(editor, colleague, application, theirs="Bs tekst", mine="As tekst")
    assert _conflict_rows(response) == [
        "The municipality's priorities among its innovation projects – Bs tekst"]


def test_conflict_on_the_first_save_lists_only_what_the_colleague_changed(editor, application, client):
    colleague = english(client)
    colleague.force_login(member(application.organisation))
    response = _both_edit_details(editor, colleague, application, theirs="Bs tekst", mine="As tekst")
    assert _conflict_rows(response) == [
        "The municipality's priorities among its innovation projects – Bs tekst"]


def test_stale_save_of_a_measure_keeps_the_colleagues_line(editor, application, client):
    measure = CompetenceMeasureFactory(application=application, title="Kurs", participants=10)
    colleague = english(client)
    colleague.force_login(member(application.organisation))
    edit = url("measure_edit", application, line_pk=measure.pk)

    typed = form_values(editor.get(edit))
    colleague.post(edit, {**form_values(colleague.get(edit)), "participants": "25"})
    typed["participants"] = "12"
    response = editor.post(edit, typed)
    assert response.status_code == 200
    panel = text(response).split('id="conflict"', 1)[1].split("</div>", 1)[0]
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
    response = autosave(editor, url("details", application), data)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    payload = response.json()
    assert payload["saved"] is True and payload["version"] == 1
    application.refresh_from_db()
    assert (application.project_priorities, application.details_version) == ("Utkast", 1)

    response = autosave(editor, url("details", application), {**data, "project_priorities": "Utkast 2",
                                                               "version": "1"})
    assert response.json()["saved"] is True and response.json()["version"] == 2


def test_stale_autosave_is_a_conflict_and_writes_nothing(editor, application):
    Application.objects.filter(pk=application.pk).update(details_version=3, project_priorities="Noen andres")
    response = autosave(editor, url("details", application), {
        "contact_name": "Kari", "contact_email": "kari@kommune.example", "project_priorities": "Mitt",
        "version": "2"})
    assert response.status_code == 409
    payload = response.json()
    assert payload["saved"] is False and payload["conflict"]
    application.refresh_from_db()
    assert (application.project_priorities, application.details_version) == ("Noen andres", 3)


def test_invalid_autosave_returns_the_errors_and_writes_nothing(editor, application):
    before = event_count(application)
    response = autosave(editor, url("measure_add", application), measure_data(total_cost="mange"))
    assert response.status_code == 400
    payload = response.json()
    assert payload["saved"] is False
    assert payload["errors"]["total_cost"] == [
        "Write the amount in whole kroner, with digits only, for example 150 000."]
    assert not CompetenceMeasure.objects.exists()
    assert event_count(application) == before


def test_autosave_on_the_add_page_returns_where_the_new_measure_is_edited(editor, application):
    response = autosave(editor, url("measure_add", application), measure_data(title="Påbegynt tiltak"))
    assert response.status_code == 200
    measure = CompetenceMeasure.objects.get(application=application)
    payload = response.json()
    assert payload["edit_url"] == url("measure_edit", application, line_pk=measure.pk)
    assert payload["version"] == measure.version == 1
    # the next autosave goes to the edit page, with the version returned: still one measure
    response = autosave(editor, payload["edit_url"], measure_data(title="Påbegynt tiltak 2", version="1"))
    assert response.json()["version"] == 2
    assert CompetenceMeasure.objects.get(application=application).title == "Påbegynt tiltak 2"


# --- submission ----------------------------------------------------------------------------------------

def test_the_editor_cannot_submit(editor, submittable, receipts_queued):
    response = editor.post(url("submit", submittable), follow=True)
    assert response.redirect_chain[-1][0] == url("check", submittable)
    assert "Your role does not allow this." in messages_of(response)
    submittable.refresh_from_db()
    assert (submittable.status, submittable.submitted_at, submittable.submitted_by) == (
        ApplicationStatus.DRAFT, None, None)
    # the check page does not offer the editor a submit button either
    assert url("submit", submittable) not in [f["_action"] for f in parse(response).forms]


def test_the_signatory_submits_once_even_when_clicking_twice(signatory, submittable,
                                                            django_capture_on_commit_callbacks, receipts_queued):
    check = signatory.get(url("check", submittable))
    assert url("submit", submittable) in [f["_action"] for f in parse(check).forms]

    with django_capture_on_commit_callbacks(execute=True):
        response = signatory.post(url("submit", submittable), follow=True)
    assert response.redirect_chain[-1][0] == submittable.get_absolute_url()
    submittable.refresh_from_db()
    assert submittable.status == ApplicationStatus.SUBMITTED
    assert submittable.submitted_by == signatory.user
    assert submittable.submitted_at is not None
    assert any(m.startswith("The application is submitted.") for m in messages_of(response))

    with django_capture_on_commit_callbacks(execute=True):
        second = signatory.post(url("submit", submittable), follow=True)
    assert "The application was already submitted; it was not sent twice." in messages_of(second)
    assert ApplicationEvent.objects.filter(application=submittable, kind=EventKind.STATUS_CHANGED).count() == 1
    assert receipts_queued == [(submittable.pk, 1)]


def test_an_incomplete_application_is_not_submitted(signatory, application):
    response = signatory.post(url("submit", application), follow=True)
    assert any("The application is not complete" in m for m in messages_of(response))
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


EDIT_PAGES = ["details", "plan", "measure_add", "measure_edit", "measure_delete", "project_add", "project_edit",
              "project_delete"]


@pytest.fixture
def submitted(submittable):
    """A submitted application with one line of each kind (set directly: submitting is tested above)."""
    CompetenceMeasureFactory(application=submittable)
    Application.objects.filter(pk=submittable.pk).update(
        status=ApplicationStatus.SUBMITTED, submission_count=1, submitted_at=dt.datetime.now(dt.timezone.utc),
        competence_plan_updated_on=dt.date(2024, 1, 1), competence_plan_adopted_by="Kommunestyret")
    submittable.refresh_from_db()
    return submittable


def _edit_url(name, application):
    if name.startswith("measure_") and name != "measure_add":
        return url(name, application, line_pk=application.measures.get().pk)
    if name.startswith("project_") and name != "project_add":
        return url(name, application, line_pk=application.projects.get().pk)
    return url(name, application)


@pytest.mark.parametrize("role", ["editor", "signatory"])
@pytest.mark.parametrize("name", EDIT_PAGES)
def test_after_submission_the_edit_pages_are_forbidden(request, submitted, role, name):
    """Opening is refused; a post (a page left open from before) saves nothing but shows why,
    with what the user typed still in the form, so no word is lost."""
    client = request.getfixturevalue(role)
    before = event_count(submitted)
    assert client.get(_edit_url(name, submitted)).status_code == 403
    typed = {"title": "Endret tittel", "contact_name": "Endret navn", "competence_plan_adopted_by": "Endret av"}
    response = client.post(_edit_url(name, submitted), {**typed, "version": "1"})
    if name.endswith("_delete"):
        assert response.status_code == 403  # a confirmation button: nothing typed to keep
    else:
        assert response.status_code == 409
        page = response.content.decode()
        assert "Not saved" in page and "can no longer be changed" in page
        assert any(value in page for value in typed.values())
    assert event_count(submitted) == before


@pytest.fixture
def caseworker(caseworker_client):
    return english(caseworker_client)


@pytest.mark.parametrize("role", ["editor", "signatory", "caseworker"])
def test_after_submission_the_overview_offers_nothing_to_edit(request, submitted, role):
    client = request.getfixturevalue(role)
    response = client.get(url("overview", submitted))
    assert response.status_code == 200
    hrefs = [href.split("#")[0] for href, _ in parse(response).links]
    for name in EDIT_PAGES + ["check"]:
        assert _edit_url(name, submitted) not in hrefs, f"the overview links to {name} after submission"
    # every link of the page into the application opens for this user (none leads to a 403)
    for href in {h for h in hrefs if h.startswith(url("overview", submitted))}:
        assert client.get(href).status_code == 200, href


# --- withdrawal ----------------------------------------------------------------------------------------

def test_the_signatory_withdraws_with_a_reason(signatory, submitted):
    response = signatory.post(url("withdraw", submitted), {"reason": "Kommunestyret trakk søknaden."})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.WITHDRAWN
    assert submitted.withdrawal_reason == "Kommunestyret trakk søknaden."
    assert submitted.withdrawn_at is not None


def test_withdrawing_needs_a_reason(signatory, submitted):
    response = signatory.post(url("withdraw", submitted), {"reason": "  "})
    assert response.status_code == 200
    assert "This field is required." in field_error(response, "reason")
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.SUBMITTED


def test_the_editor_is_told_why_they_cannot_withdraw(editor, submitted):
    page = editor.get(url("withdraw", submitted))
    assert page.status_code == 200
    assert "Your role does not allow this." in text(page)
    assert not [f for f in parse(page).forms if "reason" in f["_fields"]]
    editor.post(url("withdraw", submitted), {"reason": "Vil trekke"})
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.SUBMITTED


# --- history -------------------------------------------------------------------------------------------

def _history_rows(response) -> list[str]:
    body = response.content.decode().split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", row)).split()) for row in rows]


def test_history_lists_who_did_what(editor, signatory, submittable):
    editor.post(url("details", submittable), {**form_values(editor.get(url("details", submittable))),
                                              "project_priorities": "Prosjekt 1 først."})
    editor.post(url("plan", submittable), {"file": pdf_upload("Kompetanseplan.pdf"),
                                           "competence_plan_updated_on": "2024-03-12",
                                           "competence_plan_adopted_by": "Kommunestyret", "version": "0"})
    signatory.post(url("submit", submittable))
    signatory.post(url("withdraw", submittable), {"reason": "Feil søknad"})
    submittable.refresh_from_db()
    assert submittable.status == ApplicationStatus.WITHDRAWN

    rows = _history_rows(signatory.get(url("history", submittable)))
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

    response = editor.get(reverse("applications:mine"))
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
    Attachment.objects.create(application=application, kind="competence_plan", file="applications/x.pdf",
                              original_name="plan.pdf", content_type="application/pdf", size=10, sha256="0" * 64,
                              uploaded_by=application.created_by)
    return application


@pytest.mark.parametrize("name", ["overview", "summary", "measures", "projects", "check"])
def test_page_queries_do_not_grow_with_the_number_of_lines(editor, office, organisation, name):
    small = _application_with(RoundFactory(office=office), organisation, measures=2, projects=1)
    large = _application_with(RoundFactory(office=office), organisation, measures=30, projects=6)
    editor.get(url(name, small))  # warm up (session, translations)

    counts = []
    for application in (small, large):
        with CaptureQueriesContext(connection) as queries:
            response = editor.get(url(name, application))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], f"{name}: {counts[0]} queries with 2 measures, {counts[1]} with 30"
    if name == "summary":
        assert text(response).count("Videreutdanning i psykisk helsearbeid") == 29


def test_start_page_queries_do_not_grow_with_the_number_of_open_rounds(editor, office, organisation):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert editor.get(reverse("applications:mine")).status_code == 200
        return len(queries)

    RoundFactory(office=office)
    editor.get(reverse("applications:mine"))  # warm up
    few = count()
    for _ in range(5):
        RoundFactory()  # other offices' open rounds
        ApplicationFactory(round=RoundFactory(office=office, year=2015 + _, closed=True), organisation=organisation)
    assert count() == few


def test_editing_a_line_a_colleague_removed_keeps_the_text_and_offers_to_add_it(editor, application):
    measure = CompetenceMeasureFactory(application=application, title="Kurs i lindrende omsorg")
    edit_url = url("measure_edit", application, line_pk=measure.pk)
    measure.delete()
    response = editor.post(edit_url, {"title": "Kurs i lindrende omsorg", "description": "Min lange tekst",
                                      "version": "1"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Min lange tekst" in page
    assert f'action="{url("measures", application)}add/"' in page
    assert not application.measures.exists()


def test_the_service_refuses_a_sub_goal_of_another_scheme_and_a_rank_in_use(application):
    from applications.exceptions import LineRuleError
    from applications.services import project_save

    editor = member(application.organisation)
    InnovationProjectFactory(application=application, priority_rank=1)
    foreign_goal = SubGoalFactory()  # of another scheme
    with pytest.raises(LineRuleError) as error:
        project_save(application=application, user=editor,
                     data={"title": "Nytt", "sub_goals": [foreign_goal], "priority_rank": 1})
    assert set(error.value.errors) == {"sub_goals", "priority_rank"}
    assert application.projects.count() == 1
