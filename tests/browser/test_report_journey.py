"""Reporting on the use of funds: Bodø's application in the demo round is decided through the
services (the demo editor drafts, the demo signatory submits, the demo caseworker proposes, the
demo approver approves). Then, in the browser, the demo signatory fills in the report and submits
it, and the demo caseworker approves it. Every page visited gets an axe scan."""

import datetime as dt

import pytest

from applications.models import Application, ApplicationStatus
from tests.helpers import stub_task

EDITOR = "kari.redaktor@bodo.kommune.example"
SIGNATORY = "per.radmann@bodo.kommune.example"
CASEWORKER = "sara.saksbehandler@fylkesmannen.example"
APPROVER = "geir.godkjenner@fylkesmannen.example"
MINIMAL_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>"
               b"endobj 3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
               b"trailer<</Root 1 0 R>>\n%%EOF\n")


def _user(email):
    from portal.models import User

    return User.objects.get(email=email)


def decided_application_for_bodo(round_) -> Application:
    """Bodø applies (one competence measure, one innovation project), the office grants all of it."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from applications.services import (
        application_details_save,
        application_plan_save,
        application_start,
        application_submit,
        measure_save,
        project_save,
    )
    from casework.services.assessments import assessment_save
    from casework.services.decisions import decision_approve, decision_propose
    from portal.models import Organisation

    editor, signatory = _user(EDITOR), _user(SIGNATORY)
    caseworker, approver = _user(CASEWORKER), _user(APPROVER)
    bodo = Organisation.objects.get(name="Bodø")
    application, _created = application_start(round=round_, organisation=bodo, user=editor)
    application_details_save(application=application, user=editor, base_version=0, data={
        "project_priorities": "Digitalt tilsyn er kommunens viktigste prosjekt.",
        "competence_raising_plan": "Øke andelen med videreutdanning i psykisk helsearbeid.",
    })
    today = timezone.localdate()
    application_plan_save(
        application=application, user=editor, base_version=0,
        upload=SimpleUploadedFile("Kompetanseplan.pdf", MINIMAL_PDF, content_type="application/pdf"),
        data={"competence_plan_updated_on": today - dt.timedelta(days=90),
              "competence_plan_adopted_by": "Bodø bystyre"},
    )
    measure_save(application=application, user=editor, data={
        "title": "Videreutdanning i psykisk helse- og rusarbeid", "kind": "further_education",
        "description": "Seks ansatte i hjemmetjenesten tar videreutdanning.", "service_area": "mental_health",
        "concerns_mental_health": True, "target_group": round_.scheme.target_groups.get(code="health_care_staff"),
        "participants": 6, "gives_credits": True, "total_cost": 360_000, "amount_applied": 240_000,
        "own_funding": 120_000,
    })
    project_save(application=application, user=editor, data={
        "title": "Digitalt tilsyn i hjemmetjenesten", "description": "Digitalt nattilsyn med brukere og pårørende.",
        "sub_goals": list(round_.scheme.sub_goals.all()[:1]), "partners": ["users", "next_of_kin"],
        "starts_on": dt.date(today.year + 1, 1, 1), "ends_on": dt.date(today.year + 1, 12, 31),
        "total_budget": 300_000, "amount_applied": 150_000, "own_share": 150_000, "priority_rank": 1,
    })
    application_submit(application=application, user=signatory)

    application.refresh_from_db()
    awards = {("measure", m.pk): m.amount_applied for m in application.measures.all()}
    awards |= {("project", p.pk): p.amount_applied for p in application.projects.all()}
    assessment_save(application=application, user=caseworker, scores={}, notes="", awards=awards, base_version=0)
    decision = decision_propose(application=application, user=caseworker, reasons="")
    decision_approve(decision=decision, user=approver)
    # the letter goes out: only then does the municipality know of the decision and its report
    from casework.letters import decision_letter_create
    from casework.services.decisions import decision_send

    decision_letter_create(decision_id=decision.pk)
    decision.refresh_from_db()
    decision_send(decision=decision, user=approver)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DECIDED
    return application


def visit(page, axe_check, url):
    page.goto(url)
    axe_check(page)


def click_and_wait(page, selector):
    with page.expect_navigation():
        page.locator(selector).click()


def log_out(page, live_server):
    page.goto(f"{live_server.url}/")
    click_and_wait(page, "header form[action*='logout'] button")


@pytest.mark.django_db(transaction=True)
def test_signatory_files_the_report_and_caseworker_approves_it(page, live_server, demo_data, login, axe_check,
                                                               monkeypatch):
    from schemes.models import Round

    stub_task(monkeypatch, "casework.tasks.decision_letter_task")
    stub_task(monkeypatch, "applications.tasks.receipt_create_task")
    round_ = Round.objects.exclude(year=2020).get(office__slug="fylkesmannen-i-nordland")
    application = decided_application_for_bodo(round_)
    report = application.report
    assert report.auditor_statement_required  # 390 000 granted, above 200 000
    measure_line = report.lines.get(part="measure")
    project_line = report.lines.get(part="project")

    # the signatory finds the report from the application's page
    login(SIGNATORY)
    visit(page, axe_check, f"{live_server.url}{application.get_absolute_url()}")
    click_and_wait(page, "#report-link a")
    assert page.url == f"{live_server.url}/reports/{application.pk}/"
    axe_check(page)
    assert page.locator("#check-list a").count() >= 5  # everything still missing, each linked to its field

    # every line, the overall account and the auditor's statement
    page.fill(f"#id_line-{measure_line.pk}-amount_used", "200 000")
    page.fill(f"#id_line-{measure_line.pk}-participants_planned", "6")
    page.fill(f"#id_line-{measure_line.pk}-participants_completed", "5")
    page.fill(f"#id_line-{measure_line.pk}-achievements",
              "Fem av seks fullførte videreutdanningen; tjenestene er tryggere og bedre tilpasset brukerne.")
    page.fill(f"#id_line-{project_line.pk}-amount_used", "150 000")
    page.fill(f"#id_line-{project_line.pk}-achievements",
              "Digitalt nattilsyn er tatt i bruk; brukere og pårørende deltok i utformingen.")
    page.fill("#id_overall_account", "Tilskuddet ble brukt til videreutdanning og digitalt tilsyn som planlagt. "
                                     "40 000 kroner ble ikke brukt og betales tilbake.")
    page.set_input_files("#id_auditor_statement", files=[{
        "name": "Revisorberetning 2026.pdf", "mimeType": "application/pdf", "buffer": MINIMAL_PDF}])
    click_and_wait(page, "main form[data-autosave] button[type=submit]:not([formaction])")
    axe_check(page)
    assert page.locator("#total-unused").inner_text().replace("\xa0", " ").startswith("40 000")
    assert page.locator("#check-list a").count() == 0

    click_and_wait(page, "#submit-report")
    axe_check(page)
    assert page.locator("#report-status").inner_text() == "Sendt inn"
    assert page.locator("form[data-autosave]").count() == 0  # read-only now
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REPORTED
    log_out(page, live_server)

    # the caseworker reads it in the round's overview and approves it
    login(CASEWORKER)
    visit(page, axe_check, f"{live_server.url}/office/rounds/{round_.pk}/")
    click_and_wait(page, f"a[href='/reports/rounds/{round_.pk}/']")
    axe_check(page)
    assert "Bodø" in page.locator("#reports").inner_text()
    click_and_wait(page, f"#reports a[href='/reports/{application.pk}/review/']")
    axe_check(page)
    assert "Revisorberetning_2026.pdf" in page.locator("#ro-auditor-statement").inner_text()
    click_and_wait(page, "#approve-report")
    axe_check(page)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.CLOSED
    assert application.report.status == "approved"

    visit(page, axe_check, f"{live_server.url}/reports/rounds/{round_.pk}/")
    assert page.locator("#to-be-repaid").inner_text().replace("\xa0", " ").startswith("40 000")
