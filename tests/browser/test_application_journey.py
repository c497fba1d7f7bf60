"""The municipality's main path: the demo editor fills every section, the demo signatory submits.
Every page visited gets an axe scan."""

import re
import time

import pytest

from applications.models import Application, ApplicationStatus
from applications.services import application_start
from portal.models import User
from tests.applications.factories import MINIMAL_PDF
from tests.portal.factories import reference_municipality

EDITOR = "kari.redaktor@bodo.kommune.example"
SIGNATORY = "per.radmann@bodo.kommune.example"
SAVE = "main form button[type=submit] >> nth=0"  # a section's form: its first button saves


@pytest.mark.django_db(transaction=True)
def test_editor_fills_every_section_and_signatory_submits(page, live_server, demo_round, login, axe_check, visit,
                                                           follow, log_out):
    login(EDITOR)
    visit(demo_round.get_absolute_url())
    follow("form[action*='/applications/start/'] button[type=submit]")
    application = Application.objects.get(round=demo_round, organisation__name="Bodø")
    base = f"{live_server.url}/applications/{application.pk}/"
    assert page.url == base
    axe_check(page)

    # a. contact person and cover letter
    visit(base + "details/")
    page.fill("#id_contact_phone", "75 55 50 00")
    page.fill("#id_project_priorities", "Velferdsteknologi først, deretter pårørendeskolen.")
    page.fill("#id_competence_raising_plan", "Øke andelen med videreutdanning i psykisk helsearbeid.")
    follow(SAVE)
    assert page.url == base

    # b. competence plan
    visit(base + "competence-plan/")
    page.set_input_files("#id_file", files=[{"name": "Kompetanseplan 2026.pdf", "mimeType": "application/pdf",
                                             "buffer": MINIMAL_PDF}])
    page.fill("#id_competence_plan_updated_on", "2026-03-12")
    page.fill("#id_competence_plan_adopted_by", "Bodø bystyre")
    follow(SAVE)

    # c. a competence measure
    visit(base + "measures/")
    visit(base + "measures/add/")
    page.fill("#id_title", "Videreutdanning i psykisk helse- og rusarbeid")
    page.select_option("#id_kind", "further_education")
    page.fill("#id_description", "Seks ansatte i hjemmetjenesten tar videreutdanning (60 studiepoeng).")
    page.select_option("#id_service_area", "mental_health")
    page.check("#id_concerns_mental_health")
    page.select_option("#id_target_group", index=1)
    page.fill("#id_participants", "6")
    page.check("#id_gives_credits")
    page.fill("#id_total_cost", "360 000")
    page.fill("#id_amount_applied", "240 000")
    page.fill("#id_own_funding", "120 000")
    follow(SAVE)
    assert page.url == base + "measures/"
    axe_check(page)

    # d. an innovation project
    visit(base + "projects/add/")
    page.fill("#id_title", "Digitalt tilsyn i hjemmetjenesten")
    page.fill("#id_description", "Prøve ut digitalt nattilsyn sammen med brukere og pårørende.")
    page.locator("input[name=sub_goals]").first.check()
    page.locator("input[name=partners][value=users]").check()
    page.locator("input[name=partners][value=next_of_kin]").check()
    page.fill("#id_starts_on", "2027-01-01")
    page.fill("#id_ends_on", "2027-12-31")
    page.fill("#id_total_budget", "900000")
    page.fill("#id_amount_applied", "450000")
    page.fill("#id_own_share", "450000")
    page.fill("#id_priority_rank", "1")
    follow(SAVE)
    assert page.url == base + "projects/"
    axe_check(page)

    # e. summary: computed totals
    visit(base + "summary/")
    assert re.search(r"690\s000\skr", page.locator("main").inner_text())

    # the editor sees the check page but cannot submit
    visit(base + "check/")
    assert page.locator("form.submit-form").count() == 0
    log_out()

    # the signatory submits
    login(SIGNATORY)
    visit(base)
    visit(base + "check/")
    assert page.locator("#error-summary").count() == 0
    follow("form.submit-form button[type=submit]")
    assert page.url == base
    axe_check(page)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.submitted_by.email == SIGNATORY
    visit(base + "history/")
    visit("/applications/")


@pytest.mark.django_db(transaction=True)
def test_autosave_keeps_what_was_typed_even_when_the_tab_is_closed(page, live_server, demo_round, login, axe_check):
    application, _created = application_start(round=demo_round, organisation=reference_municipality("1804"),
                                               user=User.objects.get(email=EDITOR))
    login(EDITOR)
    url = f"{live_server.url}/applications/{application.pk}/details/"

    # typing, then waiting: saved by the pause, without pressing Save
    page.goto(url)
    page.fill("#id_project_priorities", "Prosjekt A er viktigst for oss.")
    page.locator(".autosave-status", has_text="kl.").wait_for(timeout=10_000)
    axe_check(page)
    application.refresh_from_db()
    assert application.project_priorities == "Prosjekt A er viktigst for oss."
    page.reload()
    assert page.input_value("#id_project_priorities") == "Prosjekt A er viktigst for oss."

    # typing, then closing the tab at once: the page sends what it has as it goes
    second = page.context.new_page()
    second.goto(url)
    second.fill("#id_competence_raising_plan", "Alle assistenter skal få fagbrev innen 2028.")
    second.close(run_before_unload=True)
    for _attempt in range(50):
        application.refresh_from_db()
        if application.competence_raising_plan:
            break
        time.sleep(0.1)
    assert application.competence_raising_plan == "Alle assistenter skal få fagbrev innen 2028."
    assert application.project_priorities == "Prosjekt A er viktigst for oss."
