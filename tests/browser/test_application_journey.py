"""The municipality's main path: the demo editor fills every section, the demo signatory submits.
Every page visited gets an axe scan."""

import re

import pytest

from applications.models import Application, ApplicationStatus

EDITOR = "kari.redaktor@bodo.kommune.example"
SIGNATORY = "per.radmann@bodo.kommune.example"
MINIMAL_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>"
               b"endobj 3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def visit(page, axe_check, url):
    page.goto(url)
    axe_check(page)


def save(page):
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()


@pytest.mark.django_db(transaction=True)
def test_editor_fills_every_section_and_signatory_submits(page, live_server, demo_data, login, axe_check):
    from schemes.models import Round

    round_ = Round.objects.exclude(year=2020).get(office__slug="fylkesmannen-i-nordland")
    login(EDITOR)
    visit(page, axe_check, f"{live_server.url}{round_.get_absolute_url()}")
    with page.expect_navigation():
        page.locator("form[action*='/applications/start/'] button[type=submit]").click()
    application = Application.objects.get(round=round_, organisation__name="Bodø")
    base = f"{live_server.url}/applications/{application.pk}/"
    assert page.url == base
    axe_check(page)

    # a. contact person and cover letter
    visit(page, axe_check, base + "details/")
    page.fill("#id_contact_phone", "75 55 50 00")
    page.fill("#id_project_priorities", "Velferdsteknologi først, deretter pårørendeskolen.")
    page.fill("#id_competence_raising_plan", "Øke andelen med videreutdanning i psykisk helsearbeid.")
    save(page)
    assert page.url == base

    # b. competence plan
    visit(page, axe_check, base + "competence-plan/")
    page.set_input_files("#id_file", files=[{"name": "Kompetanseplan 2026.pdf", "mimeType": "application/pdf",
                                             "buffer": MINIMAL_PDF}])
    page.fill("#id_competence_plan_updated_on", "2026-03-12")
    page.fill("#id_competence_plan_adopted_by", "Bodø bystyre")
    save(page)

    # c. a competence measure
    visit(page, axe_check, base + "measures/")
    visit(page, axe_check, base + "measures/add/")
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
    save(page)
    assert page.url == base + "measures/"
    axe_check(page)

    # d. an innovation project
    visit(page, axe_check, base + "projects/add/")
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
    save(page)
    assert page.url == base + "projects/"
    axe_check(page)

    # e. summary: computed totals
    visit(page, axe_check, base + "summary/")
    assert re.search(r"690\s000\skr", page.locator("main").inner_text())

    # the editor sees the check page but cannot submit
    visit(page, axe_check, base + "check/")
    assert page.locator("form.submit-form").count() == 0
    page.goto(f"{live_server.url}/")
    with page.expect_navigation():
        page.locator("header form[action*='logout'] button").click()

    # the signatory submits
    login(SIGNATORY)
    visit(page, axe_check, base)
    visit(page, axe_check, base + "check/")
    assert page.locator("#error-summary").count() == 0
    with page.expect_navigation():
        page.locator("form.submit-form button[type=submit]").click()
    assert page.url == base
    axe_check(page)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.submitted_by.email == SIGNATORY
    visit(page, axe_check, base + "history/")
    visit(page, axe_check, f"{live_server.url}/applications/")


@pytest.mark.django_db(transaction=True)
def test_autosave_keeps_what_was_typed_even_when_the_tab_is_closed(page, live_server, demo_data, login, axe_check):
    import time

    from applications.services import application_start
    from portal.models import Organisation, User
    from schemes.models import Round

    editor = User.objects.get(email=EDITOR)
    round_ = Round.objects.exclude(year=2020).get(office__slug="fylkesmannen-i-nordland")
    application, _created = application_start(round=round_, organisation=Organisation.objects.get(name="Bodø"),
                                               user=editor)
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
