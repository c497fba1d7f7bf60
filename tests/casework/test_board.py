"""The prioritisation board: what the office has to spend and what is asked for, the suggestion that
allocates by score within the budget, accepting it, and the page the caseworker works on.

The page is read in bokmål (the default) where the issue quotes bokmål ("2,3 × budsjettet"),
otherwise in English (the language cookie) so messages read as in the source."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from applications.models import ApplicationEvent, ApplicationStatus, CompetenceMeasure
from applications.services import application_withdraw
from casework.allocation import allocation_suggest, lines_for_amount
from casework.models import CaseworkEvent
from casework.selectors import board_for_round, round_total_proposed
from casework.services.assessments import information_request
from casework.services.board import board_accept_suggestion
from portal.models import Role
from tests.applications.factories import (
    ApplicationFactory,
    CompetenceMeasureFactory,
    InnovationProjectFactory,
    applying_for,
    member,
    staff,
)
from tests.casework.factories import DecisionFactory, assess, line_awards
from tests.helpers import in_english, page_text, url
from tests.schemes.factories import RoundFactory

# The services' refusals are matched in English (`english`); pages follow the request's language
# (bokmål unless the test sets the English cookie with `in_english`).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def board_url(round_, **query):
    return url("office:board", round_) + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def four(round_, caseworker):
    """23 000 000 applied for on a budget of 10 000 000, scored 100, 80 and 60, and one not scored yet.
    A draft and another office's application must not count."""
    top = applying_for(round_, 6_000_000)
    assess(top, caseworker, level=5)
    second = applying_for(round_, 3_000_000, 2_000_000)
    assess(second, caseworker, level=4)
    third = applying_for(round_, 4_000_000)
    assess(third, caseworker, level=3)
    unscored = applying_for(round_, 8_000_000)
    CompetenceMeasureFactory(application=ApplicationFactory(round=round_), amount_applied=99_000)  # a draft
    applying_for(RoundFactory(budget=1_000_000), 50_000)  # another office's round
    return top, second, third, unscored


# --- the board's sums (service) ---------------------------------------------------------------------

def test_board_sums_before_anything_is_proposed(round_, four):
    board = board_for_round(round_=round_)

    assert len(board.rows) == 4
    assert board.budget == 10_000_000
    assert board.total_applied == 23_000_000
    assert board.ratio == Decimal("2.3")
    assert all(row.proposed is None for row in board.rows)
    assert board.total_proposed == 0
    assert board.remaining == 10_000_000
    assert board.over_budget is False


def test_board_sums_when_the_proposals_exceed_the_budget(round_, caseworker, four):
    for application in four:
        assess(application, caseworker, awards="full")

    board = board_for_round(round_=round_)

    assert board.total_applied == 23_000_000
    assert board.ratio == Decimal("2.3")
    assert board.total_proposed == 23_000_000
    assert board.remaining == -13_000_000
    assert board.over_budget is True


def test_a_proposal_exactly_at_the_budget_is_not_over_it(round_, caseworker):
    application = applying_for(round_, 10_000_000)
    assess(application, caseworker, awards="full")

    board = board_for_round(round_=round_)

    assert (board.total_proposed, board.remaining, board.over_budget) == (10_000_000, 0, False)


def test_a_partly_set_proposal_counts_on_the_board_as_it_does_for_approval(round_, caseworker):
    partly = applying_for(round_, 6_000_000, 1_000_000)
    assess(partly, caseworker, awards={("measure", partly.measures.order_by("pk").first().pk): 6_000_000})
    assess(applying_for(round_, 5_000_000), caseworker, awards="full")

    board = board_for_round(round_=round_)

    assert {row.key: row.proposed for row in board.rows}[partly.pk] is None  # "not set" on the page
    assert board.total_proposed == round_total_proposed(round_) == 11_000_000
    assert board.over_budget is True


# --- the suggestion ---------------------------------------------------------------------------------

def test_the_suggestion_allocates_by_score_within_the_budget(round_, four):
    top, second, third, unscored = four

    board = board_for_round(round_=round_)

    assert [row.key for row in board.rows] == [top.pk, second.pk, third.pk, unscored.pk]  # by score, unscored last
    assert [row.rank for row in board.rows] == [1, 2, 3, 4]
    assert [row.score for row in board.rows] == [100, 80, 60, None]
    # the top gets all it applied for, the one that does not fit gets what is left, the rest nothing
    assert [row.suggested for row in board.rows] == [6_000_000, 4_000_000, 0, 0]
    assert board.total_suggested == board.budget == 10_000_000


def test_the_suggestion_gives_everyone_what_they_applied_for_when_the_budget_allows():
    round_ = RoundFactory(budget=20_000_000, with_criteria=True)
    for level, amount in [(5, 6_000_000), (2, 5_000_000), (None, 4_000_000)]:
        assess(applying_for(round_, amount), staff(round_.office), level=level)

    board = board_for_round(round_=round_)

    assert [row.suggested for row in board.rows] == [6_000_000, 5_000_000, 4_000_000]
    assert board.total_suggested == board.total_applied == 15_000_000


def test_the_suggestion_keeps_what_approved_decisions_granted(round_, caseworker, four):
    """An approved decision is fixed: the suggestion counts it as decided and shares out the rest."""
    top, second, third, unscored = four
    # the caseworker's discretion: all 4 000 000 to the third, approved
    DecisionFactory(application=third, caseworker=caseworker, awarded="full", approved=True)

    board = board_for_round(round_=round_)

    assert {row.key: row.suggested for row in board.rows} == {
        top.pk: 6_000_000, second.pk: 0, third.pk: 4_000_000, unscored.pk: 0}
    assert board.total_suggested == board.budget
    board_accept_suggestion(round_=round_, user=caseworker)
    assert board_for_round(round_=round_).total_proposed == 10_000_000


def test_on_equal_scores_the_suggestion_prefers_rus_og_psykisk_helse(round_, caseworker):
    general = applying_for(round_, 6_000_000, mental_health=False)
    mental_health = applying_for(round_, 6_000_000, mental_health=True)
    for application in (general, mental_health):
        assess(application, caseworker, level=4)

    board = board_for_round(round_=round_)

    assert [(row.key, row.suggested) for row in board.rows] == [
        (mental_health.pk, 6_000_000), (general.pk, 4_000_000)]


def test_allocation_never_suggests_below_zero_when_the_budget_is_used_up(round_, four):
    board = board_for_round(round_=round_)
    allocation_suggest(board.rows, 1_000_000)
    assert [row.suggested for row in board.rows] == [1_000_000, 0, 0, 0]


def test_lines_for_amount_favours_rus_og_psykisk_helse_then_formal_education_then_projects(round_):
    application = ApplicationFactory(round=round_, submitted=True)
    other = CompetenceMeasureFactory(application=application, kind="leadership", gives_credits=False,
                                     concerns_mental_health=False, service_area="home_services",
                                     amount_applied=300_000)
    formal = CompetenceMeasureFactory(application=application, kind="further_education", gives_credits=True,
                                      concerns_mental_health=False, service_area="home_services",
                                      amount_applied=200_000)
    project = InnovationProjectFactory(application=application, amount_applied=400_000)
    mental_health = CompetenceMeasureFactory(application=application, kind="continuing_education",
                                             gives_credits=False, concerns_mental_health=True,
                                             amount_applied=250_000)

    awards = lines_for_amount(application.measures.all(), application.projects.all(), 550_000)

    assert awards == {
        ("measure", mental_health.pk): 250_000,  # rus og psykisk helse first, in full
        ("measure", formal.pk): 200_000,  # then what raises the formal education level
        ("project", project.pk): 100_000,  # then the projects, which get what is left
        ("measure", other.pk): 0,
    }
    assert sum(lines_for_amount(application.measures.all(), application.projects.all(), 10_000_000).values()) == 1_150_000  # never more than applied


# --- accepting the suggestion -----------------------------------------------------------------------

def test_accepting_the_suggestion_sets_the_awards_and_writes_events(round_, caseworker, four):
    top, second, third, unscored = four

    result = board_accept_suggestion(round_=round_, user=caseworker)

    assert result.accepted == [top, second, third]
    board = board_for_round(round_=round_)
    assert {row.key: row.proposed for row in board.rows} == {
        top.pk: 6_000_000, second.pk: 4_000_000, third.pk: 0, unscored.pk: None}
    assert (board.total_proposed, board.remaining, board.over_budget) == (10_000_000, 0, False)
    second_lines = CompetenceMeasure.objects.filter(application=second).order_by("pk")
    assert [m.proposed_award for m in second_lines] == [3_000_000, 1_000_000]
    changed = ApplicationEvent.objects.filter(kind=CaseworkEvent.AWARDS_CHANGED, actor=caseworker)
    assert set(changed.values_list("application", flat=True)) == {top.pk, second.pk, third.pk}
    assert all(not event.visible_to_applicant for event in changed)


def test_the_suggestion_is_not_accepted_for_an_application_not_taken_into_assessment(round_, caseworker, four):
    """Nobody has read it yet: a proposal of 0 kroner (a rejection) must not come from the board."""
    unscored = four[3]

    result = board_accept_suggestion(round_=round_, user=caseworker)

    assert result.skipped == [(unscored, "it is not taken into assessment yet")]
    unscored.refresh_from_db()
    assert unscored.status == ApplicationStatus.SUBMITTED
    assert CompetenceMeasure.objects.get(application=unscored).proposed_award is None


def test_the_suggestion_never_overwrites_an_award_set_by_hand(round_, caseworker, four):
    top, second, third, unscored = four
    assess(second, caseworker, awards=line_awards(second, [1_000_000, 500_000]))  # the caseworker's own proposal

    result = board_accept_suggestion(round_=round_, user=caseworker)

    assert (second, "its awards were set by hand in the assessment") in result.skipped
    assert second not in result.accepted and top in result.accepted
    lines = CompetenceMeasure.objects.filter(application=second).order_by("pk")
    assert [m.proposed_award for m in lines] == [1_000_000, 500_000]


def test_one_line_set_by_hand_keeps_the_whole_application_as_it_is(round_, caseworker, four):
    second = four[1]
    first_line = CompetenceMeasure.objects.filter(application=second).order_by("pk").first()
    assess(second, caseworker, awards={("measure", first_line.pk): 100_000})

    result = board_accept_suggestion(round_=round_, user=caseworker, application_ids=[second.pk])

    assert result.accepted == []
    assert [m.proposed_award for m in CompetenceMeasure.objects.filter(application=second).order_by("pk")] == [
        100_000, None]


def test_the_board_replaces_its_own_suggestion_when_accepted_again(round_, caseworker, four):
    top, second, third, unscored = four
    board_accept_suggestion(round_=round_, user=caseworker)
    assess(top, caseworker, level=1)  # top now scores lowest: the suggestion moves its money to the others

    result = board_accept_suggestion(round_=round_, user=caseworker)

    assert set(result.accepted) == {top, second, third}
    proposed = {row.key: row.proposed for row in board_for_round(round_=round_).rows}
    assert proposed[third.pk] == 4_000_000 and proposed[top.pk] == 1_000_000


def test_an_award_changed_by_hand_after_the_suggestion_is_the_caseworkers(round_, caseworker, four):
    second = four[1]
    board_accept_suggestion(round_=round_, user=caseworker)
    lines = list(CompetenceMeasure.objects.filter(application=second).order_by("pk"))
    assess(second, caseworker, awards={("measure", lines[1].pk): 2_000_000})  # the first stays the board's

    result = board_accept_suggestion(round_=round_, user=caseworker, application_ids=[second.pk])

    assert result.skipped == [(second, "its awards were set by hand in the assessment")]
    assert [m.proposed_award for m in CompetenceMeasure.objects.filter(application=second).order_by("pk")] == [
        3_000_000, 2_000_000]


def test_saving_the_assessment_without_changing_an_award_keeps_it_the_boards(round_, caseworker, four):
    """The assessment form posts every award each time: only a changed one becomes the caseworker's."""
    top = four[0]
    board_accept_suggestion(round_=round_, user=caseworker, application_ids=[top.pk])
    assess(top, caseworker, level=4, awards="full")  # the same 6 000 000 as the suggestion gave

    assert board_accept_suggestion(round_=round_, user=caseworker, application_ids=[top.pk]).accepted == [top]


def test_a_returned_application_is_left_out_and_keeps_its_awards(round_, caseworker, four):
    top = four[0]
    information_request(application=top, user=caseworker, message="Legg ved kompetanseplanen.")

    result = board_accept_suggestion(round_=round_, user=caseworker)

    assert (top, "it is returned to the municipality for more information") in result.skipped
    assert CompetenceMeasure.objects.get(application=top).proposed_award is None


def test_an_application_withdrawn_is_never_on_the_board_nor_accepted(round_, caseworker, four):
    third = four[2]
    application_withdraw(application=third, user=member(third.organisation, Role.SIGNATORY), reason="Trekt")

    result = board_accept_suggestion(round_=round_, user=caseworker, application_ids=[third.pk])

    assert (result.accepted, result.skipped) == ([], [])


def test_an_application_with_a_proposed_decision_is_left_out(round_, caseworker, four):
    top = four[0]
    DecisionFactory(application=top, caseworker=caseworker, awarded=[5_000_000])

    result = board_accept_suggestion(round_=round_, user=caseworker)

    assert (top, "a decision is already proposed from its awards") in result.skipped
    assert CompetenceMeasure.objects.get(application=top).proposed_award == 5_000_000


def test_accepting_the_suggestion_for_ticked_applications_leaves_the_others(round_, caseworker, four):
    top, second, third, unscored = four

    assert board_accept_suggestion(round_=round_, user=caseworker,
                                   application_ids=[second.pk, third.pk]).accepted == [second, third]

    proposed = {row.key: row.proposed for row in board_for_round(round_=round_).rows}
    assert proposed == {top.pk: None, second.pk: 4_000_000, third.pk: 0, unscored.pk: None}


# --- the page ---------------------------------------------------------------------------------------

def test_board_page_shows_the_ratio_in_bokmal_and_the_sums(caseworker_client, round_, caseworker, four):
    for application in four:
        assess(application, caseworker, awards="full")

    response = caseworker_client.get(board_url(round_))

    assert response.status_code == 200
    page = page_text(response)
    assert "2,3 × budsjettet" in page
    assert re.search(r'id="total-applied">23 000 000 kr<', page)
    assert re.search(r'id="total-proposed">23 000 000 kr<', page)
    assert re.search(r'id="remaining">-13 000 000 kr<', page)
    assert re.search(r'id="total-suggested">10 000 000 kr<', page)
    assert 'id="over-budget"' in page
    assert page.count("<h1") == 1


def test_board_page_in_english_says_why_approval_is_blocked(caseworker_client, round_, caseworker, four):
    for application in four:
        assess(application, caseworker, awards="full")

    page = page_text(in_english(caseworker_client).get(board_url(round_)))

    assert "2.3 × the budget" in page
    assert "The proposals exceed the budget by NOK 13,000,000." in page
    assert "No decision in this round can be approved until the total proposed is within the budget." in page


def test_board_page_within_the_budget_has_no_warning(caseworker_client, round_, caseworker, four):
    board_accept_suggestion(round_=round_, user=caseworker)

    page = page_text(in_english(caseworker_client).get(board_url(round_)))

    assert 'id="over-budget"' not in page
    assert re.search(r'id="total-proposed">NOK 10,000,000<', page)
    assert page.count(">not set<") == 1  # the application not taken into assessment keeps none


def test_board_page_shows_not_set_and_not_scored(caseworker_client, round_, four):
    page = page_text(in_english(caseworker_client).get(board_url(round_)))
    assert "not set" in page
    assert "not scored" in page


@pytest.mark.parametrize("sort", ["score", "name", "applied", "proposed"])
def test_board_sorts_by_get_parameter(caseworker_client, round_, caseworker, four, sort):
    top, second, third, unscored = four
    assess(third, caseworker, awards="full")
    response = caseworker_client.get(board_url(round_, sort=sort))
    page = page_text(response)
    order = sorted(four, key=lambda a: page.index(f'value="{a.pk}" id="pick-{a.pk}"'))
    expected = {
        "score": [top, second, third, unscored],
        "name": sorted(four, key=lambda a: a.organisation.name),
        "applied": [unscored, top, second, third],
        "proposed": [third, *sorted([top, second, unscored], key=lambda a: a.organisation.name)],
    }[sort]
    assert order == expected
    assert f'<option value="{sort}" selected>' in page


def test_unknown_sort_falls_back_to_score(caseworker_client, round_, four):
    assert caseworker_client.get(board_url(round_, sort="drop table")).status_code == 200


def test_accepting_the_ticked_suggestions_on_the_page(caseworker_client, round_, four):
    top, second, third, unscored = four

    response = in_english(caseworker_client).post(
        url("office:board_accept", round_),
        {"scope": "selected", "applications": [top.pk, second.pk], "sort": "name"}, follow=True)

    assert response.redirect_chain[-1][0] == board_url(round_, sort="name")
    assert "The suggestion is now the proposed award of 2 applications." in page_text(response)
    proposed = {row.key: row.proposed for row in board_for_round(round_=round_).rows}
    assert proposed == {top.pk: 6_000_000, second.pk: 4_000_000, third.pk: None, unscored.pk: None}


def test_accepting_for_all_on_the_page(caseworker_client, round_, four):
    caseworker_client.post(url("office:board_accept", round_), {"scope": "all"})
    assert board_for_round(round_=round_).total_proposed == 10_000_000


def test_the_page_says_which_applications_were_left_as_they_were_and_why(caseworker_client, round_, caseworker,
                                                                         four):
    top, second, third, unscored = four
    assess(second, caseworker, awards="full")

    response = in_english(caseworker_client).post(url("office:board_accept", round_), {"scope": "all"}, follow=True)

    page = page_text(response)
    assert "The suggestion is now the proposed award of 2 applications." in page
    assert (f"2 applications were left as they were: {second.organisation} (its awards were set by hand in the "
            f"assessment); {unscored.organisation} (it is not taken into assessment yet).") in page


def test_accepting_with_nothing_ticked_says_so_and_changes_nothing(caseworker_client, round_, four):
    response = in_english(caseworker_client).post(
        url("office:board_accept", round_), {"scope": "selected"}, follow=True)

    assert "Tick the applications whose suggestion you accept, or accept it for all." in page_text(response)
    assert not ApplicationEvent.objects.filter(kind=CaseworkEvent.AWARDS_CHANGED).exists()


def test_an_approver_sees_the_board_but_cannot_accept_the_suggestion(approver_client, round_, four):
    page = page_text(in_english(approver_client).get(board_url(round_)))
    assert "Accept the suggestion for all applications" not in page

    response = approver_client.post(url("office:board_accept", round_),
                                    {"scope": "all"}, follow=True)

    assert "Only the office's caseworkers assess applications." in page_text(response)
    assert board_for_round(round_=round_).total_proposed == 0


def test_board_recomputes_from_stored_awards_on_every_load(caseworker_client, round_, caseworker, four):
    in_english(caseworker_client)
    assert re.search(r'id="total-proposed">NOK 0<', page_text(caseworker_client.get(board_url(round_))))
    assess(four[0], caseworker, awards="full")
    assert re.search(r'id="total-proposed">NOK 6,000,000<', page_text(caseworker_client.get(board_url(round_))))


def test_board_query_count_does_not_grow_with_the_number_of_applications(caseworker_client, office, caseworker):
    def round_with(n):
        round_ = RoundFactory(office=office, year=2020 + n % 7, budget=1_000_000, with_criteria=True)
        for i in range(n):
            application = applying_for(round_, 100_000 + i)
            InnovationProjectFactory(application=application)
            assess(application, caseworker, level=i % 6, awards="full" if i % 2 else None)
        return round_

    small, large = round_with(5), round_with(50)
    caseworker_client.get(board_url(small))  # warm up (session, translations)

    counts = []
    for round_ in (small, large):
        with CaptureQueriesContext(connection) as queries:
            response = caseworker_client.get(board_url(round_))
        assert response.status_code == 200
        assert len(re.findall(r'id="pick-\d+"', page_text(response))) == (5 if round_ is small else 50)
        counts.append(len(queries))
    assert counts[0] == counts[1], f"{counts[0]} queries with 5 applications, {counts[1]} with 50"
