"""Writes for decisions: a caseworker proposes (or revises, while it is proposed or returned to
them); approving, returning to the caseworker and sending are transitions of `workflow.DECISION`,
the only writer of a decision's status."""

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application, ApplicationEvent, ApplicationStatus
from portal.exceptions import TransitionError

from ..exceptions import CaseworkError
from ..models import CaseworkEvent, Decision, DecisionStatus, Outcome
from ..notifications import CaseworkNotice
from ..permissions import can_propose_decision
from ..rules import assessment_locked, auditor_statement_required, outcome_for
from ..selectors import award_lines
from ..workflow import DECISION, decision_notify


def _lock(application: Application) -> Application:
    return (Application.objects.select_for_update(of=("self",)).select_related("round__office", "organisation")
            .prefetch_related("measures", "projects").get(pk=application.pk))


def decision_propose(*, application: Application, user, reasons: str, conditions: str = "",
                     reporting_deadline: dt.datetime | None = None, now=None) -> Decision:
    """Propose (or revise, while not yet approved) the decision from the proposed awards. The lines
    and what they were awarded are stored with it, so the decision can be explained from them. A
    proposal the approver returned is proposed again ("propose_again"): it waits for approval anew."""
    now = now or timezone.now()
    reasons, conditions = (reasons or "").strip(), (conditions or "").strip()
    with transaction.atomic():
        locked = _lock(application)
        verdict = can_propose_decision(user, locked)
        if not verdict:
            raise CaseworkError(str(verdict.reason))
        decision = Decision.objects.select_for_update().filter(application=locked).first()
        if assessment_locked(decision):  # approved (or sent): no longer the caseworker's to revise
            raise CaseworkError(_("The decision is already approved."))
        if locked.status != ApplicationStatus.IN_ASSESSMENT:
            raise CaseworkError(_("Only an application in assessment can get a decision."))
        lines = award_lines(locked)
        missing = [line["title"] for line in lines if line["awarded"] is None]
        if missing:
            raise CaseworkError(_("Set the proposed award (0 or more) for every line first: %(lines)s.") % {
                "lines": ", ".join(missing)})
        outcome = outcome_for(lines)
        if outcome != Outcome.GRANTED and not reasons:
            raise CaseworkError(_("Give the reasons: they are required when the application is partly "
                                  "granted or rejected (forvaltningsloven §§ 24–25)."))
        total_awarded = sum(line["awarded"] for line in lines)
        values = {
            "outcome": outcome, "lines": lines, "reasons": reasons, "conditions": conditions,
            "total_applied": sum(line["applied"] for line in lines), "total_awarded": total_awarded,
            "reporting_deadline": reporting_deadline or locked.round.reporting_deadline,
            "auditor_statement_required": auditor_statement_required(locked.round, total_awarded),
            "proposed_by": user, "proposed_at": now,
        }
        if decision is None:
            decision = Decision.objects.create(application=locked, **values)  # a new decision is proposed
        else:
            for name, value in values.items():
                setattr(decision, name, value)
            decision.save(update_fields=list(values))
        if decision.status == DecisionStatus.RETURNED:  # its event and the approvers' notice are the machine's
            return DECISION.perform(decision, "propose_again", user=user, now=now).object
        ApplicationEvent.objects.create(
            application=locked, actor=user, kind=CaseworkEvent.DECISION_PROPOSED, visible_to_applicant=False,
            data={"outcome": outcome, "total_awarded": total_awarded},
        )
        transaction.on_commit(lambda: decision_notify(decision=decision, kind=CaseworkNotice.DECISION_PROPOSED,
                                                      user=user), robust=True)
    return decision


def decision_return(*, decision: Decision, user, comment: str, now=None) -> Decision:
    """The approver sends a proposal back to the caseworker, saying what should change. The comment
    is stored in the transition's event; the caseworker who proposed it is told in the portal."""
    comment = (comment or "").strip()
    if not comment:
        raise CaseworkError(_("Write what the caseworker should change before you return the proposal."))
    return DECISION.perform(decision, "return", user=user, now=now, data={"comment": comment}).object


def decision_approve(*, decision: Decision, user, now=None) -> Decision:
    """Four eyes: an approver who did not propose it. Not while the round's proposals exceed its
    budget. Approval decides the application; the letter is made once, after commit."""
    return DECISION.perform(decision, "approve", user=user, now=now).object


@dataclass
class BulkApproval:
    """What approving several decisions at once did: approved now, approved before (a double click,
    another approver), and refused, each with why (in the user's language)."""

    approved: list[Decision] = field(default_factory=list)
    already: list[Decision] = field(default_factory=list)
    refused: list[tuple[Decision, str]] = field(default_factory=list)


def decisions_approve(*, round_, user, decision_ids: list[int], now=None) -> BulkApproval:
    """Approve the chosen decisions of the round, each through the same transition as one at a time
    (four eyes per decision, the budget guard, awards unchanged) and in its own transaction: one
    refused leaves the others approved, no lock is held from one decision to the next (each takes
    application, decision, round, as documented), and each letter is made by its task after its
    commit, with no lock held. A decision of another round is not touched."""
    result = BulkApproval()
    chosen = (Decision.objects.filter(application__round=round_, pk__in=decision_ids)
              .select_related("application__organisation").order_by("application__organisation__name", "pk"))
    for decision in chosen:
        try:
            outcome = DECISION.perform(decision, "approve", user=user, now=now)
        except TransitionError as error:
            result.refused.append((decision, str(error)))
            continue
        (result.approved if outcome.performed else result.already).append(outcome.object)
    return result


def decision_send(*, decision: Decision, user, now=None) -> Decision:
    """E-mail the stored letter to the municipality. Sending twice sends once."""
    return DECISION.perform(decision, "send", user=user, now=now).object


def decisions_send_for_round(*, round_, user) -> tuple[int, int]:
    """Send every approved letter of the round. Returns (sent, waiting for their letter)."""
    sent = waiting = 0
    for decision in Decision.objects.filter(application__round=round_, status=DecisionStatus.APPROVED):
        if not decision.letter_pdf:
            waiting += 1
            continue
        decision_send(decision=decision, user=user)
        sent += 1
    return sent, waiting
