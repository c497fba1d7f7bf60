"""The one write of the prioritisation board: accepting the suggestion as the proposed awards.

It never touches an application that is not in assessment (submitted and not yet taken up,
returned for more information, decided), one with a decision already proposed from its awards, or
one whose awards a caseworker set by hand (`rules.awards_set_by_hand`): those are skipped, each with
the reason, so the caseworker is told what was left as it was and why."""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from applications.models import Application, ApplicationStatus
from applications.rules import NOT_IN_PLAY
from schemes.services import round_lock

from ..allocation import lines_for_amount
from ..rules import DECISION_OPEN_STATUSES, assessment_locked, awards_set_by_hand
from ..selectors import board_for_round, decision_or_none
from .assessments import assessments_save_suggested, lines_locked


@dataclass
class BoardAcceptance:
    """What accepting the suggestion did: the applications whose awards are now the suggestion, and
    those left as they were, each with why (in the user's language)."""

    accepted: list[Application] = field(default_factory=list)
    skipped: list[tuple[Application, str]] = field(default_factory=list)


def _skip_reason(application: Application, measures: list, projects: list) -> str:
    """"" when the suggestion may become the application's proposed awards; otherwise why not."""
    decision = decision_or_none(application)
    if assessment_locked(decision):
        return _("its decision is approved")
    if application.status == ApplicationStatus.SUBMITTED:
        return _("it is not taken into assessment yet")
    if application.status == ApplicationStatus.RETURNED:
        return _("it is returned to the municipality for more information")
    if application.status != ApplicationStatus.IN_ASSESSMENT:
        return _("it is not in assessment")
    if decision is not None and decision.status in DECISION_OPEN_STATUSES:  # proposed, or returned for revision
        return _("a decision is already proposed from its awards")
    lines = [("measure", m) for m in measures] + [("project", p) for p in projects]
    if awards_set_by_hand(getattr(application, "assessment", None), lines):
        return _("its awards were set by hand in the assessment")
    return ""


def board_accept_suggestion(*, round_, user, application_ids: list[int] | None = None) -> BoardAcceptance:
    """Set the proposed awards of the chosen applications (all when None) to the suggestion, where
    `_skip_reason` allows, with the rules and events of the assessment service
    (`assessments_save_suggested`), in a constant number of queries whatever the round's size."""
    result = BoardAcceptance()
    with transaction.atomic():
        # every chosen application first, in one order, then the round: as every casework write
        # locks them (application before round), so two caseworkers never wait on each other in a circle
        chosen = Application.objects.filter(round=round_).exclude(status__in=NOT_IN_PLAY)
        if application_ids is not None:
            chosen = chosen.filter(pk__in=application_ids)
        list(chosen.select_for_update(of=("self",)).order_by("pk").values_list("pk"))
        round_lock(round_id=round_.pk)
        # read under the locks: a status, an award or a decision changed meanwhile is seen here
        board = board_for_round(round_=round_)
        rows = [row for row in sorted(board.rows, key=lambda row: row.rank)
                if application_ids is None or row.key in application_ids]
        # the board's rows are values: the applications it skips or changes are read as models here
        applications = (Application.objects.filter(round=round_, pk__in=[row.key for row in rows])
                        .select_related("organisation", "assessment", "decision").in_bulk())
        lines = lines_locked(application_ids=[row.key for row in rows])
        awards = {}
        for row in rows:
            application = applications[row.key]
            application.round = round_  # not read again per application
            measures, projects = lines[application.pk]
            reason = _skip_reason(application, measures, projects)
            if reason:
                result.skipped.append((application, reason))
                continue
            awards[application] = lines_for_amount(measures, projects, row.suggested)
            result.accepted.append(application)
        assessments_save_suggested(round_=round_, user=user, awards=awards, lines=lines)
    return result
