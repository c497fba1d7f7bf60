"""Writes for the County Governor's assessment: scores, internal notes, proposed awards, and asking
the municipality for more information. Views call these; they never write the models."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import LINE_MODELS, Application, ApplicationEvent, ApplicationStatus
from applications.selectors import information_request_latest
from applications.workflow import APPLICATION
from portal.exceptions import StaleEdit
from portal.selectors import organisation_users
from portal.services import notify
from schemes.services import round_lock

from ..exceptions import CaseworkError
from ..models import MAX_CRITERION_SCORE, Assessment, CaseworkEvent, CriterionScore
from ..notifications import CaseworkNotice
from ..permissions import can_assess
from ..rules import assessment_locked, line_key, weighted_score
from ..tasks import information_request_email_task


def _lock_for_assessment(application: Application, user) -> Application:
    locked = (Application.objects.select_for_update(of=("self",)).select_related("round__office", "organisation")
              .get(pk=application.pk))
    verdict = can_assess(user, locked)
    if not verdict:
        raise CaseworkError(str(verdict.reason))
    if assessment_locked(getattr(locked, "decision", None)):
        raise CaseworkError(_("The decision is approved; the assessment can no longer be changed."))
    return locked


def _into_assessment(locked: Application, user) -> Application:
    """A submitted application is taken into assessment by the first thing the caseworker does."""
    if locked.status == ApplicationStatus.SUBMITTED:
        return APPLICATION.perform(locked, "start_assessment", user=user).object
    return locked


def assessment_start(*, application: Application, user) -> Assessment:
    """Open the assessment; a submitted application moves to in assessment. Safe to call again."""
    with transaction.atomic():
        locked = _lock_for_assessment(application, user)
        locked = _into_assessment(locked, user)
        assessment, _created = Assessment.objects.get_or_create(application=locked, defaults={"started_by": user})
    return assessment


def assessment_save(*, application: Application, user, scores: dict[int, int | None], notes: str,
                    awards: dict[tuple[str, int], int | None], base_version: int,
                    from_suggestion: bool = False) -> Assessment:
    """Save scores per criterion, the internal notes and the proposed award per line, at once.

    `awards` maps ("measure"|"project", line id) to kroner (or None). An award above the amount
    applied for, or a criterion of another round, is refused and nothing is written. An award that
    changes is recorded as set by hand, unless `from_suggestion` (the board's accept): the board may
    later replace only its own (`rules.awards_set_by_hand`)."""
    with transaction.atomic():
        locked = _lock_for_assessment(application, user)
        locked = _into_assessment(locked, user)
        assessment, _created = Assessment.objects.select_for_update().get_or_create(
            application=locked, defaults={"started_by": user})
        if base_version != assessment.version:
            raise StaleEdit(current_version=assessment.version)
        criteria = {c.pk: c for c in locked.round.criteria.all()}
        if set(scores) - set(criteria):
            raise CaseworkError(_("A criterion does not belong to this round."))
        for criterion_pk, value in scores.items():
            if value is None:
                CriterionScore.objects.filter(assessment=assessment, criterion_id=criterion_pk).delete()
                continue
            if not 0 <= value <= MAX_CRITERION_SCORE:
                raise CaseworkError(_("A score is between 0 and %(max)d.") % {"max": MAX_CRITERION_SCORE})
            CriterionScore.objects.update_or_create(assessment=assessment, criterion_id=criterion_pk,
                                                    defaults={"score": value})
        stored = dict(assessment.scores.values_list("criterion_id", "score"))
        if awards:
            round_lock(round_id=locked.round_id)
        changed_awards = _awards_save(locked, awards)
        _suggested_lines_record(assessment, awards if from_suggestion else {}, changed_awards)
        assessment.notes = notes
        assessment.score = weighted_score(stored, criteria.values())
        assessment.version += 1
        assessment.save()
        ApplicationEvent.objects.create(
            application=locked, actor=user, kind=CaseworkEvent.ASSESSMENT_SAVED, visible_to_applicant=False,
            version=assessment.version,
            data={"score": assessment.score, "scores": {str(k): v for k, v in stored.items()}},
        )
        if changed_awards:
            ApplicationEvent.objects.create(
                application=locked, actor=user, kind=CaseworkEvent.AWARDS_CHANGED, visible_to_applicant=False,
                data={"changes": changed_awards},
            )
    return assessment


def _award_set(part: str, line, amount: int | None) -> dict | None:
    """Set one line's proposed award (not saved): refused above the amount applied for; returns the
    change as the AWARDS_CHANGED event records it, or None when the award stays as it was."""
    if amount is not None and amount > (line.amount_applied or 0):
        raise CaseworkError(_("%(title)s: the award cannot be more than the %(applied)s kroner applied for.") % {
            "title": line.title, "applied": line.amount_applied or 0})
    if line.proposed_award == amount:
        return None
    change = {"part": part, "id": line.pk, "title": line.title, "from": line.proposed_award, "to": amount}
    line.proposed_award = amount
    return change


def _awards_save(application: Application, awards) -> list[dict]:
    changes = []
    for (part, line_pk), amount in awards.items():
        line = LINE_MODELS[part].objects.select_for_update().filter(application=application, pk=line_pk).first()
        if line is None:
            raise CaseworkError(_("A line does not belong to this application."))
        change = _award_set(part, line, amount)
        if change:
            changes.append(change)
            line.save(update_fields=["proposed_award", "updated_at"])
    return changes


def lines_locked(*, application_ids) -> dict[int, tuple[list, list]]:
    """The lines of these applications, read afresh and locked (two queries, one per kind of line):
    {application id: (measures by id, projects by priority and id)}. The caller holds the
    applications' locks (and the round's: lines come after it, as `assessment_save` locks them)."""
    lines: dict[int, tuple[list, list]] = {pk: ([], []) for pk in application_ids}
    orders = {"measure": ("id",), "project": ("priority_rank", "id")}
    for index, (part, model) in enumerate(LINE_MODELS.items()):
        for line in model.objects.select_for_update().filter(application_id__in=application_ids).order_by(*orders[part]):
            lines[line.application_id][index].append(line)
    return lines


def assessments_save_suggested(*, round_, user, awards: dict[Application, dict], lines: dict[int, tuple]) -> None:
    """What `assessment_save(from_suggestion=True)` does with the scores and notes as they are, for
    many applications of `round_` at once (the board's accept), in a constant number of queries: the
    awards set (none above what was applied for), the lines recorded as the board's, the weighted
    score and version renewed, and each application's ASSESSMENT_SAVED and, when awards changed,
    AWARDS_CHANGED events, in that order. The caller holds the applications' and the round's locks
    and passes the lines it read under them (`lines_locked`); anything refused writes nothing."""
    if not awards:
        return
    for application in awards:
        verdict = can_assess(user, application)
        if not verdict:
            raise CaseworkError(str(verdict.reason))
        if assessment_locked(getattr(application, "decision", None)):
            raise CaseworkError(_("The decision is approved; the assessment can no longer be changed."))
        if application.status != ApplicationStatus.IN_ASSESSMENT:  # the board passes only those
            raise ValueError(f"Application {application.pk} is not in assessment.")
    ids = [application.pk for application in awards]
    assessments = {a.application_id: a for a in Assessment.objects.select_for_update().filter(application_id__in=ids)}
    missing = [Assessment(application=application, started_by=user) for application in awards
               if application.pk not in assessments]
    for assessment in Assessment.objects.bulk_create(missing):
        assessments[assessment.application_id] = assessment
    criteria = list(round_.criteria.all())
    stored: dict[int, dict[int, int]] = {pk: {} for pk in ids}
    for assessment_id, criterion_id, score in CriterionScore.objects.filter(
            assessment__application_id__in=ids).values_list("assessment__application_id", "criterion_id", "score"):
        stored[assessment_id][criterion_id] = score
    now = timezone.now()
    changed_lines: dict[str, list] = {part: [] for part in LINE_MODELS}
    events = []
    for application, application_awards in awards.items():
        measures, projects = lines[application.pk]
        by_key = {**{("measure", m.pk): m for m in measures}, **{("project", p.pk): p for p in projects}}
        changes = []
        for (part, line_pk), amount in application_awards.items():
            line = by_key.get((part, line_pk))
            if line is None:
                raise CaseworkError(_("A line does not belong to this application."))
            change = _award_set(part, line, amount)
            if change:
                changes.append(change)
                line.updated_at = now
                changed_lines[part].append(line)
        assessment = assessments[application.pk]
        _suggested_lines_record(assessment, application_awards, changes)
        assessment.score = weighted_score(stored[application.pk], criteria)
        assessment.version += 1
        assessment.updated_at = now
        events.append(ApplicationEvent(
            application=application, actor=user, kind=CaseworkEvent.ASSESSMENT_SAVED, visible_to_applicant=False,
            version=assessment.version,
            data={"score": assessment.score, "scores": {str(k): v for k, v in stored[application.pk].items()}}))
        if changes:
            events.append(ApplicationEvent(
                application=application, actor=user, kind=CaseworkEvent.AWARDS_CHANGED, visible_to_applicant=False,
                data={"changes": changes}))
    for part, changed in changed_lines.items():
        if changed:
            LINE_MODELS[part].objects.bulk_update(changed, ["proposed_award", "updated_at"])
    Assessment.objects.bulk_update(assessments.values(), ["suggested_lines", "score", "version", "updated_at"])
    ApplicationEvent.objects.bulk_create(events)


def _suggested_lines_record(assessment: Assessment, suggested: dict, changed: list[dict]) -> None:
    """Lines the suggestion set are the board's; a line changed otherwise is the caseworker's."""
    by_board = {line_key(part, pk) for (part, pk), amount in suggested.items() if amount is not None}
    by_hand = {line_key(change["part"], change["id"]) for change in changed} - by_board
    assessment.suggested_lines = sorted((set(assessment.suggested_lines) - by_hand) | by_board)


def award_clear_when_above_applied(*, application: Application, line, user, **kwargs) -> None:
    """Receiver of `applications.signals.line_changing`: when the municipality lowers what it applies
    for below the award the office proposed, the award no longer holds; the caseworker must set it
    again (an internal event says so)."""
    if line.proposed_award is None or (line.amount_applied or 0) >= line.proposed_award:
        return
    part = next(part for part, model in LINE_MODELS.items() if isinstance(line, model))
    ApplicationEvent.objects.create(
        application=application, actor=user, kind=CaseworkEvent.AWARDS_CHANGED, visible_to_applicant=False,
        data={"changes": [{"part": part, "id": line.pk, "title": line.title, "from": line.proposed_award,
                           "to": None, "reason": "amount_applied_lowered"}]},
    )
    line.proposed_award = None


def information_request(*, application: Application, user, message: str) -> Application:
    """Return the application to the municipality saying what is missing. It can then change it and
    send it again; the round's deadline does not apply to that resubmission. A repeated request
    (a double click) returns it once and tells the municipality once."""
    message = (message or "").strip()
    if not message:
        raise CaseworkError(_("Write what the municipality must add or change."))
    with transaction.atomic():
        locked = _lock_for_assessment(application, user)
        locked = _into_assessment(locked, user)
        outcome = APPLICATION.perform(locked, "return", user=user, data={"message": message})
        returned = outcome.object
        if not outcome.performed:  # a double click asks once; a different request is not a repeat
            latest = information_request_latest(application=returned)
            if latest is None or latest.data.get("message") != message:
                raise CaseworkError(_("The application is already returned to the municipality with another "
                                      "request; it comes back here when they send it again."))
        if outcome.performed:  # the return's own event holds the message: the request's one record
            application_id = returned.pk
            transaction.on_commit(lambda: information_request_email_task.delay(application_id), robust=True)
            transaction.on_commit(lambda: information_request_notify(application=returned, message=message),
                                  robust=True)
    return returned


def information_request_notify(*, application: Application, message: str) -> None:
    """Put the request in the notification list of the municipality's editors and signatories."""
    notify(users=organisation_users(organisation_id=application.organisation_id),
           kind=CaseworkNotice.INFORMATION_REQUESTED, url=application.get_absolute_url(),
           data={"organisation": application.organisation.name, "message": message, "application": application.pk})
