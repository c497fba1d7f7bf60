"""Writes for the County Governor's assessment: scores, internal notes, proposed awards, and
asking the municipality for more information. Views call these; they never write the models."""

from django.db import transaction
from django.utils.translation import gettext as _

from .models import (
    Application,
    ApplicationEvent,
    ApplicationStatus,
    Assessment,
    CompetenceMeasure,
    CriterionScore,
    EventKind,
    InnovationProject,
)
from .models.assessment import MAX_CRITERION_SCORE
from .permissions import can_assess
from .services import ApplicationError, StaleEdit
from .workflow import transition_perform


def _lock_for_assessment(application: Application, user) -> Application:
    locked = (Application.objects.select_for_update(of=("self",)).select_related("round__office", "organisation")
              .get(pk=application.pk))
    verdict = can_assess(user, locked)
    if not verdict:
        raise ApplicationError(str(verdict.reason))
    if hasattr(locked, "decision") and locked.decision.status != "proposed":
        raise ApplicationError(_("The decision is approved; the assessment can no longer be changed."))
    return locked


def assessment_start(*, application: Application, user) -> Assessment:
    """Open the assessment; a submitted application moves to in assessment. Safe to call again."""
    with transaction.atomic():
        locked = _lock_for_assessment(application, user)
        if locked.status == ApplicationStatus.SUBMITTED:
            transition_perform(application=locked, name="start_assessment", user=user)
        assessment, _created = Assessment.objects.get_or_create(application=locked, defaults={"started_by": user})
    return assessment


def weighted_score(scores: dict[int, int], criteria) -> int | None:
    """0–100 from criterion scores (0–5) and the round's weights; None until every criterion has a score."""
    criteria = list(criteria)
    if not criteria or any(c.pk not in scores for c in criteria):
        return None
    total_weight = sum(c.weight for c in criteria)
    return round(100 * sum(scores[c.pk] * c.weight for c in criteria) / (MAX_CRITERION_SCORE * total_weight))


def assessment_save(*, application: Application, user, scores: dict[int, int | None], notes: str,
                    awards: dict[tuple[str, int], int | None], base_version: int) -> Assessment:
    """Save scores per criterion, the internal notes and the proposed award per line, at once.

    `awards` maps ("measure"|"project", line id) to kroner (or None). An award above the amount
    applied for, or a criterion of another round, is refused and nothing is written."""
    with transaction.atomic():
        locked = _lock_for_assessment(application, user)
        if locked.status == ApplicationStatus.SUBMITTED:
            transition_perform(application=locked, name="start_assessment", user=user)
        assessment, _created = Assessment.objects.select_for_update().get_or_create(
            application=locked, defaults={"started_by": user})
        if base_version != assessment.version:
            raise StaleEdit(current_version=assessment.version)
        criteria = {c.pk: c for c in locked.round.criteria.all()}
        unknown = set(scores) - set(criteria)
        if unknown:
            raise ApplicationError(_("A criterion does not belong to this round."))
        for criterion_pk, value in scores.items():
            if value is None:
                CriterionScore.objects.filter(assessment=assessment, criterion_id=criterion_pk).delete()
                continue
            if not 0 <= value <= MAX_CRITERION_SCORE:
                raise ApplicationError(_("A score is between 0 and %(max)d.") % {"max": MAX_CRITERION_SCORE})
            CriterionScore.objects.update_or_create(assessment=assessment, criterion_id=criterion_pk,
                                                    defaults={"score": value})
        stored = dict(assessment.scores.values_list("criterion_id", "score"))
        if awards:
            from .decisions import lock_round

            lock_round(locked.round_id)
        changed_awards = _awards_save(locked, awards)
        assessment.notes = notes
        assessment.score = weighted_score(stored, criteria.values())
        assessment.version += 1
        assessment.save()
        ApplicationEvent.objects.create(
            application=locked, actor=user, kind=EventKind.ASSESSMENT_SAVED, visible_to_applicant=False,
            version=assessment.version, data={"score": assessment.score, "scores": {str(k): v for k, v in stored.items()}},
        )
        if changed_awards:
            ApplicationEvent.objects.create(
                application=locked, actor=user, kind=EventKind.AWARDS_CHANGED, visible_to_applicant=False,
                data={"changes": changed_awards},
            )
    return assessment


def _awards_save(application: Application, awards) -> list[dict]:
    models = {"measure": CompetenceMeasure, "project": InnovationProject}
    changes = []
    for (kind, line_pk), amount in awards.items():
        line = models[kind].objects.select_for_update().filter(application=application, pk=line_pk).first()
        if line is None:
            raise ApplicationError(_("A line does not belong to this application."))
        if amount is not None and amount > (line.amount_applied or 0):
            raise ApplicationError(_("%(title)s: the award cannot be more than the %(applied)s kroner applied for.") % {
                "title": line.title, "applied": line.amount_applied or 0})
        if line.proposed_award != amount:
            changes.append({"part": kind, "id": line.pk, "title": line.title,
                            "from": line.proposed_award, "to": amount})
            line.proposed_award = amount
            line.save(update_fields=["proposed_award", "updated_at"])
    return changes


def information_request(*, application: Application, user, message: str) -> Application:
    """Return the application to the municipality saying what is missing. It can then change it
    and send it again; the round's deadline does not apply to that resubmission."""
    message = (message or "").strip()
    if not message:
        raise ApplicationError(_("Write what the municipality must add or change."))
    with transaction.atomic():
        locked = _lock_for_assessment(application, user)
        if locked.status == ApplicationStatus.SUBMITTED:
            transition_perform(application=locked, name="start_assessment", user=user)
        returned = transition_perform(application=locked, name="return", user=user, data={"message": message})
        ApplicationEvent.objects.create(application=returned, actor=user, kind=EventKind.INFORMATION_REQUESTED,
                                        data={"message": message})
        transaction.on_commit(lambda: _notify_information_request(returned.pk), robust=True)
        transaction.on_commit(lambda: information_request_notify_users(
            application=returned, message=message), robust=True)
    return returned


def information_request_notify_users(*, application: Application, message: str) -> None:
    """Put the request in the notification list of the municipality's editors and signatories."""
    from portal.notifications import notify, organisation_users

    notify(users=organisation_users(organisation_id=application.organisation_id), kind="information_requested",
           url=application.get_absolute_url(),
           data={"organisation": application.organisation.name, "message": message, "application": application.pk})


def _notify_information_request(application_id: int) -> None:
    from .tasks import information_request_notify_task

    information_request_notify_task.delay(application_id)
