"""Who reaches which application page. A municipality sees only its own applications and an office
only its own round's submitted ones; an id typed into a URL never reveals another's (404, not 403).
Every URL of applications/urls.py is in ROUTES, so a new page cannot be added without this check."""

import pytest

from applications import urls as application_urls
from applications.models import Application, ApplicationEvent, ApplicationStatus, Attachment
from portal.models import Role
from tests.applications.factories import (
    MINIMAL_PDF,
    ApplicationFactory,
    AttachmentFactory,
    CompetenceMeasureFactory,
    InnovationProjectFactory,
    ReceiptFactory,
    member,
    pdf_upload,
    staff,
)
from tests.helpers import stub_task, url
from tests.portal.factories import OfficeFactory
from tests.schemes.factories import RoundFactory

pytestmark = pytest.mark.django_db


def _url(name, objects, **kwargs):
    return url(f"applications:{name}", objects["application"], **kwargs)


# name -> (method, url builder, post data). "mine" is the user's own list, checked separately.
ROUTES = {
    "start": ("post", lambda o: url("applications:start", o["application"].round),
              lambda o: {"organisation": o["application"].organisation_id}),
    "overview": ("get", lambda o: _url("overview", o), None),
    "details": ("get", lambda o: _url("details", o), None),
    "plan": ("get", lambda o: _url("plan", o), None),
    "measures": ("get", lambda o: _url("measures", o), None),
    "measure_add": ("get", lambda o: _url("measure_add", o), None),
    "measure_edit": ("get", lambda o: _url("measure_edit", o, line_pk=o["measure"].pk), None),
    "measure_delete": ("get", lambda o: _url("measure_delete", o, line_pk=o["measure"].pk), None),
    "projects": ("get", lambda o: _url("projects", o), None),
    "project_add": ("get", lambda o: _url("project_add", o), None),
    "project_edit": ("get", lambda o: _url("project_edit", o, line_pk=o["project"].pk), None),
    "project_delete": ("get", lambda o: _url("project_delete", o, line_pk=o["project"].pk), None),
    "summary": ("get", lambda o: _url("summary", o), None),
    "history": ("get", lambda o: _url("history", o), None),
    "check": ("get", lambda o: _url("check", o), None),
    "submit": ("post", lambda o: _url("submit", o), None),
    "mark_ready": ("post", lambda o: _url("mark_ready", o), None),
    "withdraw": ("get", lambda o: _url("withdraw", o), None),
    "reopen": ("post", lambda o: _url("reopen", o), None),
    "copy_previous": ("post", lambda o: _url("copy_previous", o), None),
    "attachment": ("get", lambda o: _url("attachment", o, attachment_pk=o["attachment"].pk), None),
    "receipt": ("get", lambda o: _url("receipt", o, receipt_pk=o["receipt"].pk), None),
}
READING = ["overview", "measures", "projects", "summary", "history", "check", "attachment", "receipt"]
EDITING = ["details", "plan", "measure_add", "measure_edit", "measure_delete", "project_add", "project_edit",
           "project_delete"]

# What someone might post to each page to change it: enough that a page which failed to check
# access would write something.
POST_DATA = {
    "title": "Endret av en annen", "contact_name": "Inntrenger", "contact_email": "x@example.org",
    "project_priorities": "Endret", "reason": "Trukket av en annen", "version": "1", "total_cost": "1",
    "amount_applied": "1", "participants": "1",
}


def test_every_application_url_is_checked():
    names = {pattern.name for pattern in application_urls.urlpatterns}
    missing = names - set(ROUTES) - {"mine"}
    assert not missing, f"add {sorted(missing)} to ROUTES in tests/applications/test_access.py"
    assert not set(ROUTES) - names, "ROUTES names a URL that urls.py no longer has"


@pytest.fixture(autouse=True)
def no_receipt_task(monkeypatch):
    stub_task(monkeypatch, "applications.tasks.receipt_create_task")


def _application_b(office, *, submitted=False):
    """Municipality B's application in an open round (a draft, or submitted), with a line of each
    kind, a file and a receipt."""
    application = ApplicationFactory(round=RoundFactory(office=office), complete=True, submitted=submitted)
    measure = CompetenceMeasureFactory(application=application, title="Bs tiltak")
    project = InnovationProjectFactory(application=application, title="Bs prosjekt", priority_rank=1)
    attachment = AttachmentFactory(application=application, original_name="Bs_kompetanseplan.pdf",
                                   uploaded_by=application.created_by)
    receipt = ReceiptFactory(application=application)
    return {"application": application, "measure": measure, "project": project, "attachment": attachment,
            "receipt": receipt}


def _snapshot(objects):
    application = objects["application"]
    return (
        Application.objects.values().get(pk=application.pk),
        list(application.measures.values()), list(application.projects.values()),
        application.attachments.count(), ApplicationEvent.objects.filter(application=application).count(),
        Application.objects.count(),
    )


def _request(client, name, objects, method=None):
    default_method, build, data = ROUTES[name]
    method = method or default_method
    path = build(objects)
    if method == "get":
        return client.get(path)
    return client.post(path, data(objects) if data else POST_DATA)


@pytest.fixture
def municipality_b(office):
    return _application_b(office)


# --- the owners reach every page (so a 404 below means refused, not a broken URL) ------------------

@pytest.mark.parametrize("name", sorted(ROUTES))
def test_the_owners_reach_every_page(client, municipality_b, name):
    client.force_login(member(municipality_b["application"].organisation, Role.SIGNATORY))
    response = _request(client, name, municipality_b)
    assert response.status_code in (200, 302), response.status_code


# --- another municipality ---------------------------------------------------------------------------

def _refusals(client, objects, expected: int, names, methods=("get", "post")) -> list[str]:
    """Each page of `names`, asked with each of `methods`: those that did not answer `expected`, or
    that changed anything (each refusal must leave the application exactly as it was)."""
    wrong = []
    for name in names:
        for method in methods:
            method = method or ROUTES[name][0]
            if ROUTES[name][0] == "post" and method == "get":
                method = "post"  # POST-only pages answer GET with 405 for everyone
            before = _snapshot(objects)
            status = _request(client, name, objects, method).status_code
            if status != expected or _snapshot(objects) != before:
                wrong.append(f"{method.upper()} {name}: {status}{'' if _snapshot(objects) == before else ', changed'}")
    return wrong


@pytest.mark.parametrize("submitted", [False, True], ids=["draft", "submitted"])
def test_another_municipality_gets_404_for_every_page(client, office, organisation, submitted):
    """Every page, read or posted to, by A's signatory (A's strongest role) about B's application."""
    objects = _application_b(office, submitted=submitted)
    assert objects["application"].organisation != organisation
    client.force_login(member(organisation, Role.SIGNATORY))
    assert _refusals(client, objects, 404, sorted(ROUTES)) == []


def test_another_municipality_does_not_see_the_application_in_its_list(client, office, organisation,
                                                                        municipality_b):
    ApplicationFactory(round=municipality_b["application"].round, organisation=organisation)
    client.force_login(member(organisation))
    page = client.get(url("applications:mine")).content.decode()
    assert municipality_b["application"].get_absolute_url() not in page
    assert str(municipality_b["application"].organisation) not in page


# --- the County Governor's offices --------------------------------------------------------------------

def test_a_caseworker_of_another_office_gets_404(client, office):
    objects = _application_b(office, submitted=True)
    client.force_login(staff(OfficeFactory()))
    assert _refusals(client, objects, 404, sorted(ROUTES), methods=(None,)) == []


def test_a_caseworker_of_the_office_reads_a_submitted_application(client, office):
    objects = _application_b(office, submitted=True)
    client.force_login(staff(office))
    assert _refusals(client, objects, 200, READING, methods=("get",)) == []


def test_a_caseworker_of_the_office_does_not_see_a_draft(client, office):
    objects = _application_b(office)
    client.force_login(staff(office))
    assert _refusals(client, objects, 404, READING + EDITING, methods=("get",)) == []


def test_a_caseworker_of_the_office_cannot_edit(client, office):
    objects = _application_b(office, submitted=True)
    client.force_login(staff(office))
    assert _refusals(client, objects, 403, EDITING) == []


def test_a_caseworker_cannot_submit_or_withdraw_for_the_municipality(client, office):
    objects = _application_b(office, submitted=True)
    client.force_login(staff(office))
    client.post(_url("withdraw", objects), {"reason": "Saksbehandler trekker"})
    objects["application"].refresh_from_db()
    assert objects["application"].status == ApplicationStatus.SUBMITTED


# --- anonymous visitors -------------------------------------------------------------------------------

def test_anonymous_visitors_are_sent_to_log_in(client, municipality_b):
    for name in sorted(ROUTES) + ["mine"]:
        path = url("applications:mine") if name == "mine" else ROUTES[name][1](municipality_b)
        response = client.get(path)
        assert (response.status_code, response["Location"]) == (302, f"{url('login')}?next={path}"), name
        before = _snapshot(municipality_b)
        response = client.post(path, POST_DATA)
        assert response.status_code == 302 and response["Location"].startswith(url("login")), name
        assert _snapshot(municipality_b) == before, name


# --- files ----------------------------------------------------------------------------------------------

def test_an_uploaded_plan_is_stored_under_a_random_name_and_served_as_a_download(client, media, office,
                                                                                  organisation):
    application = ApplicationFactory(round=RoundFactory(office=office), organisation=organisation)
    client.force_login(member(organisation))
    response = client.post(url("applications:plan", application), {
        "file": pdf_upload("Hemmelig plan for Testkommune.pdf"), "competence_plan_updated_on": "2024-03-12",
        "competence_plan_adopted_by": "Kommunestyret", "version": "0"})
    assert response.status_code == 302
    attachment = Attachment.objects.get(application=application)
    assert "Hemmelig" not in attachment.file.name and "Testkommune" not in attachment.file.name
    assert not any("Hemmelig" in path.name for path in media.rglob("*"))
    assert attachment.original_name == "Hemmelig_plan_for_Testkommune.pdf"

    download = client.get(attachment.get_absolute_url())
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert 'filename="Hemmelig_plan_for_Testkommune.pdf"' in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == MINIMAL_PDF


def test_a_receipt_is_served_as_a_download(client, municipality_b):
    client.force_login(member(municipality_b["application"].organisation))
    download = client.get(municipality_b["receipt"].get_absolute_url())
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == MINIMAL_PDF


def test_a_file_of_another_application_is_not_served_through_ones_own(client, office, organisation,
                                                                       municipality_b):
    own = ApplicationFactory(round=municipality_b["application"].round, organisation=organisation)
    client.force_login(member(organisation))
    for name, key in (("attachment", "attachment_pk"), ("receipt", "receipt_pk")):
        path = url(f"applications:{name}", own, **{key: municipality_b[name].pk})
        assert client.get(path).status_code == 404, name
    for name in ("measure_edit", "measure_delete", "project_edit", "project_delete"):
        line = municipality_b["measure" if name.startswith("measure") else "project"]
        path = url(f"applications:{name}", own, line_pk=line.pk)
        response = client.get(path)
        assert response.status_code in (404, 302), name
        if response.status_code == 302:  # "already removed": back to the own list, nothing revealed
            assert response["Location"].startswith(url("applications:overview", own))
        response = client.post(path, POST_DATA)
    assert set(municipality_b["application"].measures.values_list("title", flat=True)) == {"Bs tiltak"}
    assert set(municipality_b["application"].projects.values_list("title", flat=True)) == {"Bs prosjekt"}
