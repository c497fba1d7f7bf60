"""The decision on the municipality's page and an appeal lodged online: Bodø's application in the
demo round is decided and its letter sent (through the services, as in the report journey). In the
browser the demo signatory reads the decision on the application's page and lodges an appeal with
a signed letter attached; the demo caseworker finds it in the office's appeal register. Every page
visited gets an axe scan. (It reads no text of this issue's own messages: their translations are
added at integration, and the page is in bokmål.)"""

import pytest

from casework.models import Appeal
from casework.rules import appeal_deadline
from tests.applications.factories import MINIMAL_PDF
from tests.browser.test_report_journey import CASEWORKER, SIGNATORY, decided_application_for_bodo
from tests.helpers import stub_task


@pytest.mark.django_db(transaction=True)
def test_signatory_reads_the_decision_and_lodges_an_appeal(page, live_server, demo_round, login, axe_check, visit,
                                                           follow, log_out, monkeypatch):
    stub_task(monkeypatch, "casework.tasks.decision_letter_task")
    stub_task(monkeypatch, "applications.tasks.receipt_create_task")
    application = decided_application_for_bodo(demo_round)

    login(SIGNATORY)
    visit(application.get_absolute_url())
    assert page.locator("#decision-outcome").inner_text() == "Innvilget"
    lines = page.locator("#decision-lines").inner_text().replace("\xa0", " ")
    assert "240 000" in lines and "150 000" in lines
    assert "åpen nå" not in page.locator("#application-deadline").inner_text()  # decided: the round's state is no news
    deadline = f"{appeal_deadline(application.decision):%d.%m.%Y}"
    assert deadline in page.locator("#appeal-deadline").inner_text()

    follow(f"a[href='/applications/{application.pk}/appeal/']")
    axe_check(page)
    follow("main form button[type=submit]")  # nothing written: told at the field
    axe_check(page)
    assert page.locator("#error-summary a[href='#id_text']").count() == 1
    page.fill("#id_text", "Kommunen ber om at prosjektet får fullt tilskudd, jf. vedlagte brev.")
    page.set_input_files("#id_attachment", files=[{
        "name": "Klage fra Bodø kommune.pdf", "mimeType": "application/pdf", "buffer": MINIMAL_PDF}])
    follow("main form button[type=submit]")
    axe_check(page)
    assert page.url == f"{live_server.url}{application.get_absolute_url()}#decision"
    received = page.locator("#appeals-received").inner_text()
    assert "svaret kommer i brev" in received and "Klage_fra_Bodø_kommune.pdf" in received
    appeal = Appeal.objects.get(decision__application=application)
    assert appeal.lodged_online and appeal.within_deadline
    log_out()

    login(CASEWORKER)
    visit(f"/office/applications/{application.pk}/decision/")
    register = page.locator("#appeals").inner_text()
    assert str(appeal.registered_by) in register and "Under behandling" in register
    follow(f"a[href='/office/appeals/{appeal.pk}/handle/']")
    axe_check(page)
    assert "fullt tilskudd" in page.locator("main").inner_text()
