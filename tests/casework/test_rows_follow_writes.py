"""The caseworker's list and the board read their rows as values (no models; issue 13). After every
kind of write that changes what a row shows, made through the services, each row equals what the
models say, and the page's rows equal the rows written from the models: submit, take into
assessment, score and set awards, accept the suggestion, propose, return to the caseworker and
propose again, approve and send the decision, ask the municipality for more, its line edit and
resubmission, withdrawal; in another office nothing of it shows."""

import pytest
from django.utils import timezone, translation

from applications.models import Application, ApplicationStatus
from applications.rules import NOT_IN_PLAY, competence_plan_is_up_to_date
from applications.services import application_submit, application_withdraw, project_save
from casework.models import Decision
from casework.rules import assessment_locked
from casework.selectors import BoardRow, ListRow, applications_for_office_round, board_for_round, decision_or_none
from casework.services.assessments import assessment_start, information_request
from casework.services.board import board_accept_suggestion
from casework.services.decisions import decision_approve, decision_propose, decision_return, decision_send
from casework.templatetags.casework_rows import board_rows, round_application_rows
from portal.models import Role
from tests.applications.factories import applying_for, member, ready_to_submit, staff
from tests.casework.factories import assess, letter_stored
from tests.helpers import in_english, url
from tests.portal.factories import OfficeFactory
from tests.schemes.factories import RoundFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _from_models(round_) -> tuple[dict[int, ListRow], dict[int, BoardRow]]:
    """What each row shows, worked out from the models one application at a time (lines, assessment
    and decision read afresh): {application id: row} for the list and for the board."""
    listed, board = {}, {}
    applications = (Application.objects.filter(round=round_).exclude(status=ApplicationStatus.DRAFT)
                    .select_related("organisation", "round"))
    for application in applications:
        lines = [*application.measures.all(), *application.projects.all()]
        applied = sum(line.amount_applied or 0 for line in lines)
        mental_health = [m for m in application.measures.all() if m.concerns_mental_health]
        assessment = getattr(application, "assessment", None)
        score = assessment.score if assessment else None
        decision = decision_or_none(application)
        plan = competence_plan_is_up_to_date(application)
        listed[application.pk] = ListRow(
            application.pk, application.organisation.name, application.organisation.organisation_number,
            application.status, applied, bool(mental_health), plan, score, application.submitted_at,
            application.created_at, decision.status if decision else "")
        if application.status in NOT_IN_PLAY:
            continue
        awards = [line.proposed_award for line in lines]
        board[application.pk] = BoardRow(
            key=application.pk, organisation=application.organisation.name, status=application.status,
            decision_status=decision.status if decision else "", applied=applied,
            proposed=None if not lines or None in awards else sum(awards), score=score,
            mental_health_applied=sum(m.amount_applied or 0 for m in mental_health), plan_up_to_date=plan,
            decided=decision.total_awarded if assessment_locked(decision) else None,
            proposed_so_far=sum(award or 0 for award in awards))
    return listed, board


def _pages(client, round_) -> tuple[str, str]:
    return (client.get(url("office:round_applications", round_)).content.decode(),
            client.get(url("office:board", round_)).content.decode())


def assert_rows_follow_the_models(client, caseworker, round_):
    listed, board = _from_models(round_)
    rows = applications_for_office_round(user=caseworker, round_=round_)
    assert {row.pk: row for row in rows} == listed
    board_ = board_for_round(round_=round_)
    # the suggestion and rank are the allocation's, from these values (tests/casework/test_board.py)
    assert {row.key: BoardRow(**{**{f: getattr(row, f) for f in BoardRow.__dataclass_fields__},
                                 "suggested": 0, "rank": None}) for row in board_.rows} == board
    list_page, board_page = _pages(client, round_)
    with translation.override("en"):  # the client reads in English
        from_models = [listed[row.pk] for row in rows]  # in the page's order
        assert str(round_application_rows(from_models)) in list_page
        for row in board_.rows:  # the allocation's columns as the page shows them, the rest from the models
            expected = board[row.key]
            expected.suggested, expected.rank = row.suggested, row.rank
        assert str(board_rows([board[row.key] for row in board_.rows], True)) in board_page
    return list_page, board_page


def test_every_write_shows_on_the_list_and_the_board_as_the_models_say(client_class, office, round_, caseworker,
                                                                      approver):
    client = in_english(client_class())
    client.force_login(caseworker)
    today = timezone.localdate()
    scored = applying_for(round_, 3_000_000, 2_000_000, competence_plan_updated_on=today)
    plain = applying_for(round_, 1_000_000, mental_health=False, competence_plan_updated_on=today.replace(year=2001))
    draft = ready_to_submit(round=round_)
    elsewhere = applying_for(RoundFactory(office=OfficeFactory(), with_criteria=True), 777_000)
    check = lambda: assert_rows_follow_the_models(client, caseworker, round_)  # noqa: E731
    list_page, board_page = check()
    assert draft.organisation.name not in list_page  # a draft is the municipality's
    assert elsewhere.organisation.name not in list_page + board_page  # another office's round

    application_submit(application=draft, user=member(draft.organisation, Role.SIGNATORY))
    list_page, _board = check()
    assert draft.organisation.name in list_page

    assessment_start(application=scored, user=caseworker)
    check()
    assess(scored, caseworker, level=4, awards={("measure", scored.measures.order_by("pk").first().pk): 1_000_000})
    check()  # scored, and 1 000 000 proposed so far
    assessment_start(application=plain, user=caseworker)
    assess(plain, caseworker, level=2)
    board_accept_suggestion(round_=round_, user=caseworker)  # `plain`: its awards were not set by hand
    check()

    first, second = scored.measures.order_by("pk")
    assess(scored, caseworker, level=5, awards={("measure", first.pk): 3_000_000, ("measure", second.pk): 500_000})
    decision = decision_propose(application=scored, user=caseworker, reasons="Godt begrunnet.")
    check()
    other_approver = staff(office, Role.APPROVER)
    decision_return(decision=decision, user=other_approver, comment="Nevn budsjettet.")
    check()
    decision = decision_propose(application=scored, user=caseworker, reasons="Godt begrunnet, med budsjettet.")
    decision_approve(decision=decision, user=approver)
    _list, board_page = check()  # decided: what it granted is fixed on the board
    letter_stored(Decision.objects.get(pk=decision.pk))
    decision_send(decision=Decision.objects.get(pk=decision.pk), user=caseworker)
    check()

    assessment_start(application=draft, user=caseworker)
    information_request(application=draft, user=caseworker, message="Legg ved planen.")
    check()
    signatory = member(draft.organisation, Role.SIGNATORY)
    project = draft.projects.get()
    project_save(application=Application.objects.get(pk=draft.pk), user=signatory, project_pk=project.pk,
                 base_version=project.version, data={"amount_applied": 300_000, "own_share": 500_000})
    check()  # what it applies for now
    application_submit(application=draft, user=signatory)
    check()

    application_withdraw(application=Application.objects.get(pk=plain.pk), user=member(plain.organisation, Role.SIGNATORY),
                         reason="Trekker den.")
    list_page, board_page = check()
    assert plain.organisation.name in list_page and plain.organisation.name not in board_page
