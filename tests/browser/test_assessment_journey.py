"""The office's main path: the demo caseworker assesses two applications, uses the board and
proposes; the demo approver approves; the letters are sent. Every page visited gets an axe scan."""

import pytest

from applications.models import Application, ApplicationStatus
from casework.models import Decision, DecisionStatus

CASEWORKER = "sara.saksbehandler@fylkesmannen.example"
APPROVER = "geir.godkjenner@fylkesmannen.example"


@pytest.mark.django_db(transaction=True)
def test_caseworker_assesses_and_proposes_approver_approves_and_letters_go(
        page, demo_round, login, axe_check, visit, follow, log_out, mailoutbox):
    applications = {a.organisation.name: a for a in Application.objects.filter(round=demo_round)}
    assert set(applications) == {"Alstahaug", "Vefsn", "Rana"}

    login(CASEWORKER)
    visit("/office/rounds/")
    visit(f"/office/rounds/{demo_round.pk}/")
    assert "Alstahaug" in page.locator("main table").inner_text()

    # two assessments: scores on every criterion and an internal note
    for name, score in (("Rana", "5"), ("Alstahaug", "4")):
        application = applications[name]
        visit(f"/office/applications/{application.pk}/")
        visit(f"/office/applications/{application.pk}/assess/")
        for field in page.locator("input[name^=score_]").all():
            field.fill(score)
        page.fill("textarea[name=notes]", f"{name}: godt forankret i kompetanseplanen.")
        follow("main form button[type=submit]")
        axe_check(page)
        application.refresh_from_db()
        assert application.status == ApplicationStatus.IN_ASSESSMENT
        assert application.assessment.score == (100 if score == "5" else 80)

    # the board: 2,6 million applied for on a budget of 1,2 million; accept the suggestion
    visit(f"/office/rounds/{demo_round.pk}/board/")
    assert "2,2 × budsjettet" in page.locator("main").inner_text()
    follow("button[name=scope][value=all]")
    axe_check(page)
    rana, alstahaug = applications["Rana"], applications["Alstahaug"]
    assert sum(m.proposed_award for m in rana.measures.all()) + sum(
        p.proposed_award for p in rana.projects.all()) == 600_000  # the top score gets all it applied for
    assert sum(line.proposed_award for line in [*alstahaug.measures.all(), *alstahaug.projects.all()]) == 600_000

    # propose both decisions: Rana fully granted, Alstahaug partly (reasons required)
    visit(f"/office/applications/{rana.pk}/decision/")
    follow("main form[novalidate] button[type=submit]")
    visit(f"/office/applications/{alstahaug.pk}/decision/")
    page.fill("textarea[name=reasons]", "Søknadene i runden er større enn budsjettet. Rus og psykisk helse er prioritert.")
    follow("main form[novalidate] button[type=submit]")
    axe_check(page)
    assert set(Decision.objects.values_list("status", flat=True)) == {DecisionStatus.PROPOSED}
    log_out()

    # the approver approves both (four eyes) and sends every approved letter
    login(APPROVER)
    for application in (rana, alstahaug):
        visit(f"/office/applications/{application.pk}/decision/")
        follow(f"form[action$='/applications/{application.pk}/decision/approve/'] button")
        axe_check(page)
    assert set(Decision.objects.values_list("status", flat=True)) == {DecisionStatus.APPROVED}
    assert all(d.letter_pdf for d in Decision.objects.all()), "the letters are made after approval"
    visit(f"/office/rounds/{demo_round.pk}/board/")
    follow(f"form[action$='/rounds/{demo_round.pk}/send-letters/'] button")
    axe_check(page)
    assert set(Decision.objects.values_list("status", flat=True)) == {DecisionStatus.SENT}
    letters = [m for m in mailoutbox if m.attachments and m.attachments[0][0].startswith("vedtak")]
    assert len(letters) == 2
    for application in (rana, alstahaug):
        application.refresh_from_db()
        assert application.status == ApplicationStatus.DECIDED
