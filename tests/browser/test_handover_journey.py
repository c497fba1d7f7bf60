"""The hand-over as the municipality lives it: the editor finishes and marks the application ready
for signature; the signatory finds it first on My page, sees who marked it and whether they were
told, and submits. axe on every page."""

import pytest

from applications.models import Application, ApplicationStatus
from portal.audit import audit_purge
from tests.applications.factories import ready_to_submit
from tests.portal.factories import reference_municipality

EDITOR, SIGNATORY = "kari.redaktor@bodo.kommune.example", "per.radmann@bodo.kommune.example"


@pytest.mark.django_db(transaction=True)
def test_the_editor_hands_over_and_the_signatory_finds_it_first_and_submits(
        demo_round, login, visit, follow, axe_check, log_out, page):
    bodo = reference_municipality("1804")
    with audit_purge(reason="a fresh application for this journey"):  # its history goes with it
        Application.objects.filter(round=demo_round, organisation=bodo).delete()
    application = ready_to_submit(round=demo_round, organisation=bodo)
    check = f"/applications/{application.pk}/check/"

    login(EDITOR)
    visit(check)
    assert page.locator("main button[type=submit]", has_text="Merk klar for signatur").count() == 1
    follow("#handover form button[type=submit]")
    assert "Kari Nilsen" in page.locator("#ready-mark").inner_text()
    axe_check(page)
    log_out()

    login(SIGNATORY)
    visit("/me/")
    first_task = page.locator("section[aria-labelledby=municipality] h3").first
    assert first_task.inner_text() == "Klar for din signatur"
    follow(f"section[aria-labelledby=municipality] a[href='{check}'] >> nth=0")
    assert "Per Hansen" in page.locator("#signatories-told").inner_text()
    axe_check(page)
    follow("form.submit-form button[type=submit]")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    axe_check(page)
