"""The caseworker's assessment: scores with the round's weights, internal notes, awards within
what was applied for, and asking the municipality for more information."""

import pytest

from applications.models import ApplicationEvent, ApplicationStatus, EventKind
from applications.services import application_submit, measure_save
from casework.exceptions import CaseworkError
from casework.models import CaseworkEvent
from casework.rules import weighted_score
from casework.services.assessments import assessment_save, assessment_start, information_request
from portal.exceptions import StaleEdit
from portal.models import Role
from schemes.models import AssessmentCriterion
from tests.applications.factories import (
    InnovationProjectFactory,
    member,
    staff,
)
from tests.casework.factories import line_awards
from tests.helpers import stub_task
from tests.portal.factories import OfficeFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture(autouse=True)
def complete_with_a_project(round_, submitted):
    """`submitted` (one competence measure of 200 000 kr) with an innovation project of 400 000 kr too,
    and complete, so the municipality can send it again when it is returned."""
    round_.competence_plan_required = False
    round_.save(update_fields=["competence_plan_required"])
    submitted.project_priorities, submitted.competence_raising_plan = "Prosjekt 1 først.", "Vi skal heve kompetansen."
    submitted.save(update_fields=["project_priorities", "competence_raising_plan"])
    InnovationProjectFactory(application=submitted, amount_applied=400_000, total_budget=800_000)


def all_scores(application, value):
    return {c.pk: value for c in application.round.criteria.all()}


def test_opening_the_assessment_moves_a_submitted_application_to_in_assessment(submitted, caseworker):
    assessment_start(application=submitted, user=caseworker)
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.IN_ASSESSMENT
    assert ApplicationEvent.objects.filter(application=submitted, to_status=ApplicationStatus.IN_ASSESSMENT).count() == 1
    assessment_start(application=submitted, user=caseworker)  # again: nothing new
    assert ApplicationEvent.objects.filter(application=submitted, to_status=ApplicationStatus.IN_ASSESSMENT).count() == 1


def test_the_weighted_score_uses_the_rounds_weights():
    criteria = [AssessmentCriterion(pk=1, weight=30), AssessmentCriterion(pk=2, weight=10)]
    assert weighted_score({1: 5, 2: 0}, criteria) == 75
    assert weighted_score({1: 0, 2: 5}, criteria) == 25
    assert weighted_score({1: 5}, criteria) is None  # not every criterion scored yet


def test_saving_scores_notes_and_awards(submitted, caseworker):
    assessment = assessment_save(application=submitted, user=caseworker, scores=all_scores(submitted, 4),
                                 notes="Godt forankret i kompetanseplanen.",
                                 awards=line_awards(submitted, [150_000, 400_000]), base_version=0)
    assert assessment.score == 80
    assert assessment.notes == "Godt forankret i kompetanseplanen."
    assert submitted.measures.get().proposed_award == 150_000
    assert submitted.projects.get().proposed_award == 400_000
    change = ApplicationEvent.objects.get(application=submitted, kind=CaseworkEvent.AWARDS_CHANGED)
    assert change.visible_to_applicant is False
    assert {c["to"] for c in change.data["changes"]} == {150_000, 400_000}


def test_an_award_above_what_was_applied_for_is_refused_and_nothing_is_saved(submitted, caseworker):
    with pytest.raises(CaseworkError, match="cannot be more than"):
        assessment_save(application=submitted, user=caseworker, scores=all_scores(submitted, 3), notes="x",
                        awards=line_awards(submitted, [200_001, 0]), base_version=0)
    assert submitted.measures.get().proposed_award is None
    assert submitted.events.filter(kind=CaseworkEvent.ASSESSMENT_SAVED).count() == 0


def test_a_score_outside_0_to_5_is_refused(submitted, caseworker):
    with pytest.raises(CaseworkError):
        assessment_save(application=submitted, user=caseworker, scores=all_scores(submitted, 6), notes="",
                        awards={}, base_version=0)


def test_a_stale_assessment_save_is_refused(submitted, caseworker):
    assessment_save(application=submitted, user=caseworker, scores={}, notes="Første", awards={}, base_version=0)
    with pytest.raises(StaleEdit):
        assessment_save(application=submitted, user=caseworker, scores={}, notes="Andre", awards={}, base_version=0)
    assert submitted.assessment.notes == "Første"


@pytest.mark.parametrize("role", [Role.APPROVER, Role.OFFICE_ADMIN])
def test_only_caseworkers_assess(submitted, role):
    with pytest.raises(CaseworkError):
        assessment_save(application=submitted, user=staff(submitted.round.office, role), scores={}, notes="",
                        awards={}, base_version=0)


def test_a_caseworker_of_another_office_cannot_assess(submitted):
    with pytest.raises(CaseworkError):
        assessment_start(application=submitted, user=staff(OfficeFactory(), Role.CASEWORKER))
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.SUBMITTED


def test_asking_for_more_information_returns_it_and_the_municipality_can_send_it_again_after_the_deadline(
        submitted, caseworker, django_capture_on_commit_callbacks, monkeypatch):
    notified = stub_task(monkeypatch, "casework.tasks.information_request_email_task")
    stub_task(monkeypatch, "applications.tasks.receipt_create_task")
    with django_capture_on_commit_callbacks(execute=True):
        information_request(application=submitted, user=caseworker, message="Legg ved vedtatt kompetanseplan.")
        information_request(application=submitted, user=caseworker, message="Legg ved vedtatt kompetanseplan.")
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.RETURNED
    assert notified.first_args == [submitted.pk]  # a double click asks once
    event = submitted.events.get(kind=EventKind.STATUS_CHANGED, to_status=ApplicationStatus.RETURNED)
    assert event.visible_to_applicant and event.data["message"] == "Legg ved vedtatt kompetanseplan."

    # the round closed meanwhile: the resubmission the office asked for is still accepted
    round_ = submitted.round
    round_.opens_at, round_.closes_at = round_.opens_at.replace(year=2019), round_.opens_at.replace(year=2020)
    round_.save(update_fields=["opens_at", "closes_at"])
    submitted.refresh_from_db()
    signatory = member(submitted.organisation, Role.SIGNATORY)
    with django_capture_on_commit_callbacks(execute=True):
        application_submit(application=submitted, user=signatory)
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.SUBMITTED and submitted.submission_count == 2


def test_a_second_different_request_while_returned_is_refused_not_passed_off_as_a_repeat(
        submitted, caseworker, english, django_capture_on_commit_callbacks, monkeypatch):
    notified = stub_task(monkeypatch, "casework.tasks.information_request_email_task")
    with django_capture_on_commit_callbacks(execute=True):
        information_request(application=submitted, user=caseworker, message="Legg ved kompetanseplanen.")
    with pytest.raises(CaseworkError, match="already returned to the municipality with another request"):
        information_request(application=submitted, user=caseworker, message="Og budsjettet.")
    assert notified.first_args == [submitted.pk]
    returns = submitted.events.filter(kind=EventKind.STATUS_CHANGED, to_status=ApplicationStatus.RETURNED)
    assert [event.data["message"] for event in returns] == ["Legg ved kompetanseplanen."]


def test_asking_for_more_information_needs_a_message(submitted, caseworker):
    with pytest.raises(CaseworkError):
        information_request(application=submitted, user=caseworker, message="  ")
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.SUBMITTED


def test_lowering_the_amount_applied_for_clears_an_award_above_it(submitted, caseworker):
    assessment_save(application=submitted, user=caseworker, scores={}, notes="",
                    awards=line_awards(submitted, [200_000, 0]), base_version=0)
    information_request(application=submitted, user=caseworker, message="Senk beløpet for tiltaket.")
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.RETURNED
    measure = submitted.measures.get()
    editor = member(submitted.organisation, Role.EDITOR)
    measure_save(application=submitted, user=editor, data={"amount_applied": 100_000}, measure_pk=measure.pk,
                 base_version=measure.version)
    measure.refresh_from_db()
    assert measure.amount_applied == 100_000 and measure.proposed_award is None
