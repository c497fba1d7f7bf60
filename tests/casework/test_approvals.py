"""Approving several proposed decisions of a round in one go (casework.services.decisions.
decisions_approve, casework.views.approvals): each through its own transition, four eyes per decision,
the refused ones listed with why, a double click approving each once."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from applications.models import ApplicationStatus
from casework.models import CaseworkEvent, Decision, DecisionStatus
from casework.services.decisions import decisions_approve
from portal.models import Role
from tests.applications.factories import staff
from tests.casework.factories import DecisionFactory
from tests.helpers import in_english, messages_of, page_text, stub_task, url, warm_user_context
from tests.portal.factories import MembershipFactory, OfficeFactory
from tests.schemes.factories import RoundFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def three(round_, caseworker, approver):
    """Three proposals of the round: two by the caseworker, one by the approver himself, who is a
    caseworker too (four eyes: not his to approve)."""
    MembershipFactory(role=Role.CASEWORKER, office=round_.office, user=approver)
    first = DecisionFactory(round=round_, caseworker=caseworker, approver=approver)
    second = DecisionFactory(round=round_, caseworker=caseworker, approver=approver)
    his_own = DecisionFactory(round=round_, caseworker=approver, approver=approver)
    return first, second, his_own


def statuses(*decisions):
    return [Decision.objects.get(pk=d.pk).status for d in decisions]


# --- the service ------------------------------------------------------------------------------------

def test_the_ticked_decisions_are_approved_and_his_own_proposal_is_refused_with_why(round_, approver, three):
    first, second, his_own = three

    result = decisions_approve(round_=round_, user=approver, decision_ids=[first.pk, second.pk, his_own.pk])

    assert {d.pk for d in result.approved} == {first.pk, second.pk}
    assert [(d.pk, reason) for d, reason in result.refused] == [
        (his_own.pk, "You proposed this decision; another approver must approve it (four eyes).")]
    assert statuses(first, second, his_own) == [DecisionStatus.APPROVED, DecisionStatus.APPROVED,
                                                DecisionStatus.PROPOSED]
    for decision in (first, second):
        decision.application.refresh_from_db()
        assert decision.application.status == ApplicationStatus.DECIDED  # the same transition as one by one
        assert decision.application.events.filter(kind=CaseworkEvent.DECISION_APPROVED).count() == 1
        assert Decision.objects.get(pk=decision.pk).approved_by == approver


def test_approving_twice_approves_each_once(round_, approver, three, django_capture_on_commit_callbacks,
                                           monkeypatch):
    first, second, _ = three
    letters = stub_task(monkeypatch, "casework.tasks.decision_letter_task")

    with django_capture_on_commit_callbacks(execute=True):
        decisions_approve(round_=round_, user=approver, decision_ids=[first.pk, second.pk])
    with django_capture_on_commit_callbacks(execute=True):
        again = decisions_approve(round_=round_, user=approver, decision_ids=[first.pk, second.pk])

    assert (again.approved, again.refused) == ([], [])
    assert {d.pk for d in again.already} == {first.pk, second.pk}
    assert sorted(letters.first_args) == sorted([first.pk, second.pk])  # one letter each
    assert first.application.events.filter(kind=CaseworkEvent.DECISION_APPROVED).count() == 1


def test_one_refused_for_the_budget_leaves_nothing_else_undone(office, caseworker, approver):
    round_ = RoundFactory(office=office, with_criteria=True, budget=300_000)
    fits = DecisionFactory(round=round_, caseworker=caseworker, approver=approver, applied=(200_000,))
    over = DecisionFactory(round=round_, caseworker=caseworker, approver=approver, applied=(200_000,))

    result = decisions_approve(round_=round_, user=approver, decision_ids=[fits.pk, over.pk])

    # the round's proposals (400 000) exceed its budget: the guard refuses each, and says so for each
    assert result.approved == []
    assert len(result.refused) == 2
    assert all("more than its budget" in reason for _d, reason in result.refused)


def test_a_caseworker_is_refused_each_decision(round_, caseworker, three):
    first, second, _ = three

    result = decisions_approve(round_=round_, user=caseworker, decision_ids=[first.pk, second.pk])

    assert result.approved == [] and len(result.refused) == 2
    assert statuses(first, second) == [DecisionStatus.PROPOSED, DecisionStatus.PROPOSED]


def test_a_decision_of_another_round_is_never_touched(round_, approver, three):
    elsewhere = DecisionFactory(round=RoundFactory(office=round_.office, with_criteria=True, year=2019))

    result = decisions_approve(round_=round_, user=approver, decision_ids=[elsewhere.pk])

    assert (result.approved, result.already, result.refused) == ([], [], [])
    assert statuses(elsewhere) == [DecisionStatus.PROPOSED]


def test_no_lock_is_held_while_a_letter_renders(round_, approver, three, django_capture_on_commit_callbacks,
                                                monkeypatch):
    """The letters are made by their task, queued after each decision's commit: nothing renders while
    the approval holds its locks."""
    first, second, _ = three
    rendered = []
    monkeypatch.setattr("casework.letters.decision_letter_render_pdf",
                        lambda *, decision: rendered.append(decision.pk) or b"%PDF-1.4")
    letters = stub_task(monkeypatch, "casework.tasks.decision_letter_task")

    with django_capture_on_commit_callbacks() as callbacks:
        decisions_approve(round_=round_, user=approver, decision_ids=[first.pk, second.pk])
        assert (rendered, letters) == ([], [])  # inside the approvals: nothing made, nothing queued yet
    for callback in callbacks:
        callback()

    assert rendered == [] and sorted(letters.first_args) == sorted([first.pk, second.pk])


# --- the page ---------------------------------------------------------------------------------------

def test_the_page_lists_the_rounds_decisions_with_boxes_only_for_what_he_may_approve(
        approver_client, round_, caseworker, three):
    first, second, his_own = three

    page = page_text(in_english(approver_client).get(url("office:round_decisions", round_)))

    ticks = set(map(int, re.findall(r'name="decisions" value="(\d+)"', page)))
    assert ticks == {first.pk, second.pk, his_own.pk}  # his_own is another approver's: this one may approve it
    assert "Your own proposal" not in page


def test_his_own_proposal_has_no_box_and_says_why(client, round_, approver, three):
    first, second, his_own = three
    client.force_login(approver)

    page = page_text(in_english(client).get(url("office:round_decisions", round_)))

    assert set(map(int, re.findall(r'name="decisions" value="(\d+)"', page))) == {first.pk, second.pk}
    assert "Your own proposal: another approver approves it." in page
    assert page.count("<h1") == 1


def test_ticked_decisions_are_approved_on_the_page_and_the_refused_listed_with_why(
        client, round_, approver, three):
    first, second, his_own = three
    client.force_login(approver)

    response = in_english(client).post(url("office:round_decisions_approve", round_),
                                       {"decisions": [first.pk, second.pk, his_own.pk]}, follow=True)

    said = " ".join(messages_of(response))
    assert "2 decisions are approved:" in said
    assert (f"1 decision was not approved: {his_own.application.organisation}: You proposed this decision; "
            "another approver must approve it (four eyes).") in said
    assert statuses(first, second, his_own) == [DecisionStatus.APPROVED, DecisionStatus.APPROVED,
                                                DecisionStatus.PROPOSED]


def test_a_double_click_on_the_page_approves_once_and_says_so(client, round_, approver, three):
    first, second, _ = three
    client.force_login(approver)
    in_english(client).post(url("office:round_decisions_approve", round_), {"decisions": [first.pk, second.pk]})

    response = client.post(url("office:round_decisions_approve", round_), {"decisions": [first.pk, second.pk]},
                           follow=True)

    assert "2 decisions were already approved:" in " ".join(messages_of(response))
    assert first.application.events.filter(kind=CaseworkEvent.DECISION_APPROVED).count() == 1


def test_nothing_ticked_or_a_foreign_id_is_a_clear_message_not_an_error(client, round_, approver, three):
    client.force_login(approver)
    in_english(client)
    elsewhere = DecisionFactory(round=RoundFactory(with_criteria=True))

    nothing = client.post(url("office:round_decisions_approve", round_), {}, follow=True)
    foreign = client.post(url("office:round_decisions_approve", round_), {"decisions": [elsewhere.pk]}, follow=True)
    nonsense = client.post(url("office:round_decisions_approve", round_), {"decisions": ["x"]}, follow=True)

    assert "Tick the decisions you approve." in messages_of(nothing)
    assert "A ticked decision is not one of this round's." in messages_of(foreign)
    assert nonsense.status_code == 200 and messages_of(nonsense)
    assert statuses(elsewhere) == [DecisionStatus.PROPOSED]


def test_a_caseworker_sees_the_list_without_boxes_and_may_not_post(caseworker_client, round_, three):
    first = three[0]
    page = page_text(in_english(caseworker_client).get(url("office:round_decisions", round_)))
    assert 'name="decisions"' not in page

    response = caseworker_client.post(url("office:round_decisions_approve", round_), {"decisions": [first.pk]})

    assert response.status_code == 403
    assert statuses(first) == [DecisionStatus.PROPOSED]


def test_another_offices_approver_gets_404(client, round_, three):
    client.force_login(staff(OfficeFactory(), Role.APPROVER))
    assert client.get(url("office:round_decisions", round_)).status_code == 404
    assert client.post(url("office:round_decisions_approve", round_), {"decisions": [three[0].pk]}).status_code == 404


def test_the_board_links_to_the_rounds_decisions(approver_client, round_):
    page = page_text(approver_client.get(url("office:board", round_)))
    assert url("office:round_decisions", round_) in page


def test_the_list_queries_do_not_grow_with_the_number_of_decisions(approver_client, office, caseworker):
    def count(n):
        round_ = RoundFactory(office=office, with_criteria=True, year=2000 + n)
        for _ in range(n):
            DecisionFactory(round=round_, caseworker=caseworker)
        warm_user_context(approver_client)
        with CaptureQueriesContext(connection) as queries:
            assert approver_client.get(url("office:round_decisions", round_)).status_code == 200
        return len(queries)

    assert count(2) == count(12)
