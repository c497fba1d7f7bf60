"""The one write of the prioritisation board: accepting the suggestion as the proposed awards."""

from django.db import transaction

from applications.models import Application
from schemes.services import round_lock

from ..allocation import lines_for_amount
from ..rules import assessment_locked
from ..selectors import board_for_round
from .assessments import assessment_save


def board_accept_suggestion(*, round_, user, application_ids: list[int] | None = None) -> int:
    """Set the proposed awards of the chosen applications (all when None) to the suggestion. Goes
    through the assessment service, so the same rules and events apply. Returns how many."""
    board = board_for_round(round_=round_)
    accepted = 0
    with transaction.atomic():
        # every chosen application first, in one order, then the round: as every casework write
        # locks them (application before round), so two caseworkers never wait on each other in a circle
        chosen = [row.application.pk for row in board.rows
                  if application_ids is None or row.application.pk in application_ids]
        list(Application.objects.select_for_update(of=("self",)).filter(pk__in=chosen).order_by("pk")
             .values_list("pk"))
        round_lock(round_id=round_.pk)
        for row in board.rows:
            application = row.application
            if application_ids is not None and application.pk not in application_ids:
                continue
            if assessment_locked(getattr(application, "decision", None)):
                continue
            assessment = getattr(application, "assessment", None)
            scores = dict(assessment.scores.values_list("criterion_id", "score")) if assessment else {}
            assessment_save(
                application=application, user=user, scores=scores, notes=assessment.notes if assessment else "",
                awards=lines_for_amount(application.measures.all(), application.projects.all(), row.suggested),
                base_version=assessment.version if assessment else 0,
            )
            accepted += 1
    return accepted
