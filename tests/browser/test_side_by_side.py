"""Casework side by side: the caseworker assesses with the application beside the form (two columns on
a wide screen, stacked on a narrow one), proposes, and reads the letter's preview on the decision
page; the approver reads it too and approves from the round's list of decisions. Axe on every page,
the framed letter included."""

import pytest

from applications.models import Application, ApplicationStatus
from casework.models import Decision, DecisionStatus

CASEWORKER = "sara.saksbehandler@fylkesmannen.example"
APPROVER = "geir.godkjenner@fylkesmannen.example"


@pytest.mark.django_db(transaction=True)
def test_assessing_beside_the_application_and_reading_the_letter_before_approving(
        page, demo_round, login, axe_check, visit, follow, log_out):
    rana = Application.objects.get(round=demo_round, organisation__name="Rana")
    measures, projects = list(rana.measures.all()), list(rana.projects.all())

    login(CASEWORKER)
    page.set_viewport_size({"width": 1400, "height": 900})
    visit(f"/office/applications/{rana.pk}/assess/")
    application_pane, form_pane = page.locator("#application-pane"), page.locator("#assessment-pane")
    assert measures[0].title in application_pane.inner_text()
    left, right = application_pane.bounding_box(), form_pane.bounding_box()
    assert left["x"] + left["width"] <= right["x"] + 1 and abs(left["y"] - right["y"]) < 80, "side by side"

    page.set_viewport_size({"width": 600, "height": 900})
    left, right = application_pane.bounding_box(), form_pane.bounding_box()
    assert right["y"] >= left["y"] + left["height"] - 1, "stacked on a narrow screen"
    axe_check(page)

    # the keyboard user skips the application and lands on the form's heading
    page.keyboard.press("Tab")  # the page's own skip link to the content
    page.locator("a[href='#assessment-form-title']").focus()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "assessment-form-title"

    for field in page.locator("input[name^=score_]").all():
        field.fill("5")
    for line in measures:
        page.fill(f"input[name=award_measure_{line.pk}]", str(line.amount_applied))
    for line in projects:
        page.fill(f"input[name=award_project_{line.pk}]", str(line.amount_applied))
    follow("#assessment-pane form button[type=submit]")
    axe_check(page)

    visit(f"/office/applications/{rana.pk}/decision/")
    follow("main form[novalidate] button[type=submit]")
    axe_check(page)  # with the framed letter
    letter = page.frame_locator("iframe.letter-preview")
    assert "Vedtak om tilskudd" in letter.locator("h1").inner_text()
    assert page.locator("#assessment-link").get_attribute("href") == f"/office/applications/{rana.pk}/assess/"
    log_out()

    login(APPROVER)
    visit(f"/office/applications/{rana.pk}/decision/")
    assert "Rana" in page.frame_locator("iframe.letter-preview").locator("body").inner_text()
    visit(f"/office/rounds/{demo_round.pk}/decisions/")
    decision = Decision.objects.get(application=rana)
    page.check(f"#approve-{decision.pk}")
    follow(f"form[action$='/rounds/{demo_round.pk}/decisions/approve/'] button[type=submit]")
    axe_check(page)
    decision.refresh_from_db()
    rana.refresh_from_db()
    assert (decision.status, rana.status) == (DecisionStatus.APPROVED, ApplicationStatus.DECIDED)
    assert "Rana" in page.locator("main .alert-success").inner_text()
