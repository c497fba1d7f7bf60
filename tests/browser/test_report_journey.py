"""Reporting on the use of funds: Bodø's application in the demo round is decided through the
services (the demo editor drafts, the demo signatory submits, the demo caseworker assesses and
proposes, the demo approver approves and the letter is sent). Then, in the browser, the demo
signatory fills in the report and submits it, and the demo caseworker approves it. Every page
visited gets an axe scan."""

import datetime as dt

import pytest
from django.utils import timezone

from applications.models import Application, ApplicationStatus, LinePart
from applications.services import (
    application_details_save,
    application_plan_save,
    application_start,
    application_submit,
    measure_save,
    project_save,
)
from casework.services.decisions import decision_approve, decision_propose, decision_send
from portal.models import User
from reporting.models import ReportStatus
from tests.applications.factories import MINIMAL_PDF, pdf_upload
from tests.casework.factories import assess, letter_stored
from tests.helpers import stub_task
from tests.portal.factories import reference_municipality

EDITOR = "kari.redaktor@bodo.kommune.example"
SIGNATORY = "per.radmann@bodo.kommune.example"
CASEWORKER = "sara.saksbehandler@fylkesmannen.example"
APPROVER = "geir.godkjenner@fylkesmannen.example"


def decided_application_for_bodo(round_) -> Application:
    """Bodø applies (a competence measure of 240 000 kr, an innovation project of 150 000 kr), the
    office grants all of it and sends the letter."""
    editor, signatory, caseworker, approver = (User.objects.get(email=email)
                                               for email in (EDITOR, SIGNATORY, CASEWORKER, APPROVER))
    application, _created = application_start(round=round_, organisation=reference_municipality("1804"), user=editor)
    application_details_save(application=application, user=editor, base_version=0, data={
        "project_priorities": "Digitalt tilsyn er kommunens viktigste prosjekt.",
        "competence_raising_plan": "Øke andelen med videreutdanning i psykisk helsearbeid.",
    })
    today = timezone.localdate()
    application_plan_save(
        application=application, user=editor, base_version=0,
        upload=pdf_upload("Kompetanseplan.pdf"),
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
    assess(application, caseworker, awards="full")
    decision = decision_approve(decision=decision_propose(application=application, user=caseworker, reasons=""),
                                user=approver)
    # the letter goes out: only then does the municipality know of the decision and its report
    decision_send(decision=letter_stored(decision), user=approver)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DECIDED
    return application


@pytest.mark.django_db(transaction=True)
def test_signatory_files_the_report_and_caseworker_approves_it(page, live_server, demo_round, login, axe_check,
                                                               visit, follow, log_out, monkeypatch):
    stub_task(monkeypatch, "casework.tasks.decision_letter_task")
    stub_task(monkeypatch, "applications.tasks.receipt_create_task")
    application = decided_application_for_bodo(demo_round)
    report = application.report
    assert report.auditor_statement_required  # 390 000 granted, above 200 000
    measure_line = report.lines.get(part=LinePart.MEASURE)
    project_line = report.lines.get(part=LinePart.PROJECT)

    # the signatory finds the report from the application's page
    login(SIGNATORY)
    visit(application.get_absolute_url())
    follow("#report-link a")
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
    follow("main form[data-autosave] button[type=submit]:not([formaction])")
    axe_check(page)
    assert page.locator("#total-unused").inner_text().replace("\xa0", " ").startswith("40 000")
    assert page.locator("#check-list a").count() == 0

    follow("#submit-report")
    axe_check(page)
    assert page.locator("#report-status").inner_text() == "Sendt inn"
    assert page.locator("form[data-autosave]").count() == 0  # read-only now
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REPORTED
    log_out()

    # the caseworker reads it in the round's overview and approves it
    login(CASEWORKER)
    visit(f"/office/rounds/{demo_round.pk}/")
    follow(f"a[href='/reports/rounds/{demo_round.pk}/']")
    axe_check(page)
    assert "Bodø" in page.locator("#reports").inner_text()
    follow(f"#reports a[href='/reports/{application.pk}/review/']")
    axe_check(page)
    assert "Revisorberetning_2026.pdf" in page.locator("#ro-auditor-statement").inner_text()
    follow("#approve-report")
    axe_check(page)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.CLOSED
    assert application.report.status == ReportStatus.APPROVED

    visit(f"/reports/rounds/{demo_round.pk}/")
    assert page.locator("#to-be-repaid").inner_text().replace("\xa0", " ").startswith("40 000")
