"""Decisions: a caseworker proposes, an approver who is not the proposer approves (four eyes),
the letter is made once after approval, and sending e-mails it. Appeals are registered against
a decision. One declared table of transitions, one service that performs them.

    (none) ──propose──▶ proposed ──approve──▶ approved ──send──▶ sent
                         ▲   │
                         └───┘ propose again (revise) while proposed
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.models import Role
from portal.templatetags.portal_tags import kroner
from portal.permissions import office_ids_with_role

from .models import (
    Appeal,
    AppealHandling,
    Application,
    ApplicationEvent,
    ApplicationStatus,
    CompetenceMeasure,
    Decision,
    DecisionStatus,
    EventKind,
    InnovationProject,
    Outcome,
)
from .services import ApplicationError
from .workflow import transition_perform

APPEAL_WEEKS = 3  # forvaltningsloven § 29
NOT_IN_PLAY = (ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN)


@dataclass(frozen=True)
class DecisionTransition:
    name: str
    label: str
    sources: tuple[str | None, ...]
    target: str
    roles: tuple[str, ...]


DECISION_TRANSITIONS = {t.name: t for t in [
    DecisionTransition("propose", gettext_lazy("Propose decision"), (None, DecisionStatus.PROPOSED),
                       DecisionStatus.PROPOSED, (Role.CASEWORKER,)),
    DecisionTransition("approve", gettext_lazy("Approve decision"), (DecisionStatus.PROPOSED,),
                       DecisionStatus.APPROVED, (Role.APPROVER,)),
    DecisionTransition("send", gettext_lazy("Send decision letter"), (DecisionStatus.APPROVED,),
                       DecisionStatus.SENT, (Role.CASEWORKER, Role.APPROVER)),
]}


def _require_role(user, application: Application, transition: DecisionTransition) -> None:
    if application.round.office_id not in office_ids_with_role(user, *transition.roles):
        raise ApplicationError(_("Your role does not allow this."))


def decision_transitions_available(*, application: Application, user) -> list[DecisionTransition]:
    """For templates: which decision buttons this user may see (the services still check guards)."""
    decision = getattr(application, "decision", None)
    status = decision.status if decision else None
    return [t for t in DECISION_TRANSITIONS.values()
            if status in t.sources and application.round.office_id in office_ids_with_role(user, *t.roles)]


# --- what the awards say ------------------------------------------------------------------------

def lines_snapshot(application: Application) -> list[dict]:
    """The granted lines as they stand: part, kind, title, rus og psykisk helse, applied, awarded."""
    rows = []
    for measure in application.measures.all():
        rows.append({"part": "measure", "id": measure.pk, "title": measure.title, "kind": measure.kind,
                     "mental_health": measure.concerns_mental_health, "applied": measure.amount_applied or 0,
                     "awarded": measure.proposed_award})
    for project in application.projects.all():
        rows.append({"part": "project", "id": project.pk, "title": project.title, "kind": "",
                     "mental_health": False, "applied": project.amount_applied or 0,
                     "awarded": project.proposed_award})
    return rows


def outcome_for(lines: list[dict]) -> str:
    """Granted when every line gets what it applied for, rejected when nothing is granted,
    partly granted otherwise."""
    awarded = sum(line["awarded"] or 0 for line in lines)
    if awarded == 0:
        return Outcome.REJECTED
    if all((line["awarded"] or 0) == line["applied"] for line in lines):
        return Outcome.GRANTED
    return Outcome.PARTLY_GRANTED


def round_total_proposed(round_) -> int:
    """Everything proposed in the round, over the applications still in play."""
    total = 0
    for model in (CompetenceMeasure, InnovationProject):
        total += model.objects.filter(application__round=round_).exclude(
            application__status__in=NOT_IN_PLAY).aggregate(total=Sum("proposed_award"))["total"] or 0
    return total


# --- the transitions ----------------------------------------------------------------------------

def lock_round(round_id: int) -> None:
    """Serialise what changes a round's total proposed (award changes, approvals) on its row, so
    the budget guard cannot be raced. Locks are always taken application first, then round."""
    from schemes.models import Round

    list(Round.objects.select_for_update().filter(pk=round_id).values_list("pk", flat=True))


def _lock(application: Application) -> Application:
    return (Application.objects.select_for_update(of=("self",)).select_related("round__office", "organisation")
            .prefetch_related("measures", "projects").get(pk=application.pk))


def decision_propose(*, application: Application, user, reasons: str, conditions: str = "",
                     reporting_deadline: dt.datetime | None = None, now=None) -> Decision:
    """Propose (or revise, while not yet approved) the decision from the proposed awards."""
    transition = DECISION_TRANSITIONS["propose"]
    now = now or timezone.now()
    reasons, conditions = (reasons or "").strip(), (conditions or "").strip()
    with transaction.atomic():
        locked = _lock(application)
        _require_role(user, locked, transition)
        decision = Decision.objects.select_for_update().filter(application=locked).first()
        if (decision.status if decision else None) not in transition.sources:
            raise ApplicationError(_("The decision is already approved."))
        if locked.status != ApplicationStatus.IN_ASSESSMENT:
            raise ApplicationError(_("Only an application in assessment can get a decision."))
        lines = lines_snapshot(locked)
        missing = [line["title"] for line in lines if line["awarded"] is None]
        if missing:
            raise ApplicationError(_("Set the proposed award (0 or more) for every line first: %(lines)s.") % {
                "lines": ", ".join(missing)})
        outcome = outcome_for(lines)
        if outcome != Outcome.GRANTED and not reasons:
            raise ApplicationError(_("Give the reasons: they are required when the application is partly "
                                     "granted or rejected (forvaltningsloven §§ 24–25)."))
        total_awarded = sum(line["awarded"] for line in lines)
        values = {
            "outcome": outcome, "lines": lines, "reasons": reasons, "conditions": conditions,
            "total_applied": sum(line["applied"] for line in lines), "total_awarded": total_awarded,
            "reporting_deadline": reporting_deadline or locked.round.reporting_deadline,
            "auditor_statement_required": total_awarded > locked.round.auditor_statement_threshold,
            "proposed_by": user, "proposed_at": now, "status": DecisionStatus.PROPOSED,
        }
        if decision is None:
            decision = Decision.objects.create(application=locked, **values)
        else:
            for name, value in values.items():
                setattr(decision, name, value)
            decision.save()
        ApplicationEvent.objects.create(
            application=locked, actor=user, kind=EventKind.DECISION_PROPOSED, visible_to_applicant=False,
            data={"outcome": outcome, "total_awarded": total_awarded},
        )
        transaction.on_commit(lambda: decision_notify(decision=decision, kind="decision_proposed", user=user),
                              robust=True)
    return decision


def decision_approve(*, decision: Decision, user, now=None) -> Decision:
    """Four eyes: an approver who did not propose it. Not while the round's proposals exceed its
    budget. Approval decides the application; the letter is made once, after commit."""
    from .tasks import decision_letter_task

    transition = DECISION_TRANSITIONS["approve"]
    now = now or timezone.now()
    with transaction.atomic():
        locked_application = _lock(decision.application)
        locked = Decision.objects.select_for_update().get(pk=decision.pk)
        _require_role(user, locked_application, transition)
        if locked.status == DecisionStatus.APPROVED and locked.approved_by_id == user.pk:
            return locked  # a double click approves once
        if locked.status not in transition.sources:
            raise ApplicationError(_("The decision is not waiting for approval."))
        if locked.proposed_by_id == user.pk:
            raise ApplicationError(_("You proposed this decision; another approver must approve it (four eyes)."))
        if locked_application.status != ApplicationStatus.IN_ASSESSMENT:
            raise ApplicationError(_("Only an application in assessment can get a decision."))
        # the whole snapshot: a changed amount applied for (after a return) changes the outcome too
        if lines_snapshot(locked_application) != locked.lines:
            raise ApplicationError(_("The awards changed after the decision was proposed; it must be proposed again."))
        round_ = locked_application.round
        lock_round(round_.pk)
        total = round_total_proposed(round_)
        if round_.budget is not None and total > round_.budget:
            raise ApplicationError(_("The round's proposals add up to %(total)s, more than its budget of "
                                     "%(budget)s. Reduce the proposals before approving.") % {
                                         "total": kroner(total), "budget": kroner(round_.budget)})
        locked.status = DecisionStatus.APPROVED
        locked.approved_by = user
        locked.approved_at = now
        locked.letter_language = locked_application.organisation.language_form
        locked.save()
        # the municipality learns of the decision from the letter, not before (see applicant_status)
        transition_perform(application=locked_application, name="decide", user=user, now=now,
                           visible_to_applicant=False)
        from reporting.services import report_create_for_decision

        report_create_for_decision(decision=locked)
        ApplicationEvent.objects.create(
            application=locked_application, actor=user, kind=EventKind.DECISION_APPROVED,
            data={"outcome": locked.outcome, "total_awarded": locked.total_awarded}, visible_to_applicant=False,
        )
        decision_pk = locked.pk
        transaction.on_commit(lambda: decision_letter_task.delay(decision_pk), robust=True)
    return locked


def decision_send(*, decision: Decision, user, now=None) -> Decision:
    """E-mail the stored letter to the municipality. Sending twice sends once."""
    from .tasks import decision_letter_email_task

    transition = DECISION_TRANSITIONS["send"]
    now = now or timezone.now()
    with transaction.atomic():
        locked = Decision.objects.select_for_update(of=("self",)).select_related("application__round__office").get(
            pk=decision.pk)
        _require_role(user, locked.application, transition)
        if locked.status == DecisionStatus.SENT:
            return locked
        if locked.status not in transition.sources:
            raise ApplicationError(_("Only an approved decision can be sent."))
        if not locked.letter_pdf:
            raise ApplicationError(_("The decision letter is still being made; try again in a moment."))
        locked.status = DecisionStatus.SENT
        locked.sent_at = now
        locked.sent_by = user
        locked.save(update_fields=["status", "sent_at", "sent_by"])
        ApplicationEvent.objects.create(application=locked.application, actor=user, kind=EventKind.DECISION_SENT,
                                        data={"outcome": locked.outcome})
        decision_pk = locked.pk
        transaction.on_commit(lambda: decision_letter_email_task.delay(decision_pk), robust=True)
        transaction.on_commit(lambda: decision_notify(decision=locked, kind="decision_sent", user=user), robust=True)
    return locked


def decision_notify(*, decision: Decision, kind: str, user) -> None:
    """After commit: a proposed decision goes to the office's other approvers (four eyes: not the one
    who proposed it), a sent one to the municipality's editors and signatories."""
    from django.urls import reverse

    from portal.notifications import notify, office_users, organisation_users

    application = decision.application
    data = {"organisation": application.organisation.name, "application": application.pk,
            "outcome": decision.outcome}
    if kind == "decision_proposed":
        users = office_users(office_id=application.round.office_id, roles=(Role.APPROVER,)).exclude(pk=user.pk)
        url = reverse("office:decision", kwargs={"pk": application.pk})
    else:
        users, url = organisation_users(organisation_id=application.organisation_id), application.get_absolute_url()
    notify(users=users, kind=kind, data=data, url=url)


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


# --- appeals ------------------------------------------------------------------------------------

def appeal_deadline(decision: Decision) -> dt.date | None:
    """Three weeks from the day the letter was sent (forvaltningsloven § 29)."""
    if not decision.sent_at:
        return None
    return timezone.localtime(decision.sent_at).date() + dt.timedelta(weeks=APPEAL_WEEKS)


def appeal_register(*, decision: Decision, user, received_on: dt.date, text: str) -> Appeal:
    text = (text or "").strip()
    if not text:
        raise ApplicationError(_("Write or paste the appeal's text."))
    if decision.status != DecisionStatus.SENT:
        raise ApplicationError(_("An appeal can only be registered against a decision that was sent."))
    if received_on > timezone.localdate():
        raise ApplicationError(_("The date received cannot be in the future."))
    with transaction.atomic():
        _require_role(user, decision.application, DECISION_TRANSITIONS["send"])
        deadline = appeal_deadline(decision)
        appeal = Appeal.objects.create(decision=decision, received_on=received_on, text=text,
                                       within_deadline=received_on <= deadline, registered_by=user)
        ApplicationEvent.objects.create(
            application=decision.application, actor=user, kind=EventKind.APPEAL_REGISTERED, object_id=appeal.pk,
            data={"received_on": received_on.isoformat(), "within_deadline": appeal.within_deadline},
        )
    return appeal


def appeal_handle(*, appeal: Appeal, user, handling: str, notes: str = "", now=None) -> Appeal:
    if handling not in AppealHandling.values or handling == AppealHandling.PENDING:
        raise ApplicationError(_("Choose how the appeal was handled."))
    with transaction.atomic():
        locked = Appeal.objects.select_for_update(of=("self",)).select_related("decision__application__round").get(pk=appeal.pk)
        _require_role(user, locked.decision.application, DECISION_TRANSITIONS["send"])
        locked.handling = handling
        locked.handling_notes = (notes or "").strip()
        locked.handled_at = now or timezone.now()
        locked.save()
        ApplicationEvent.objects.create(
            application=locked.decision.application, actor=user, kind=EventKind.APPEAL_HANDLED, object_id=locked.pk,
            data={"handling": handling},
        )
    return locked


def letters_waiting_to_send(*, round_) -> dict:
    """For the board: approved decisions whose letter is ready to send, and those still being made."""
    from django.db.models import Count, Q

    return Decision.objects.filter(application__round=round_, status=DecisionStatus.APPROVED).aggregate(
        ready=Count("pk", filter=~Q(letter_pdf="")), waiting=Count("pk", filter=Q(letter_pdf="")))
