"""The life of a decision: its declared table of transitions, performed by `portal.workflow`.

    (none) ──propose──▶ proposed ──approve──▶ approved ──send──▶ sent
                         ▲   │  ▲     │
                         └───┘  │   return (the approver, with a comment)
                   revise while │     ▼
                   proposed     └── returned ◀ (the caseworker revises and proposes again)

A caseworker proposes (`services.decisions.decision_propose` writes the decision's content; a new
decision starts as proposed). An approver who did not propose it approves (four eyes, also a
database constraint): the application *follows* into "decided" in the same transaction, the
`decision_approved` signal lets reporting create the report, and the letter is made once after
commit. Sending e-mails the stored letter; only then does the municipality learn of the decision
(`rules.decision_known_to_applicant`).

An approver who will not approve a proposal returns it to the caseworker with a comment (stored in
the transition's event, told to the proposer in the portal); the caseworker revises it and
proposes again (`decision_propose` performs "propose_again"), and it waits for approval anew.
"""

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.models import Application, ApplicationEvent, ApplicationStatus
from applications.permissions import roles_of as application_roles_of
from applications.workflow import APPLICATION
from portal.models import Role
from portal.selectors import office_users, organisation_users
from portal.services import notify
from portal.workflow import Follow, Machine, Transition
from schemes.services import round_lock

from .letters import letter_language
from .models import CaseworkEvent, Decision, DecisionStatus
from .notifications import CaseworkNotice
from .rules import budget_refusal, four_eyes_refusal
from .selectors import award_lines, round_total_proposed
from .signals import decision_approved, decision_sent
from .tasks import decision_letter_email_task, decision_letter_task

D = DecisionStatus
PROPOSER_ROLES = (Role.CASEWORKER,)  # who proposes (writes) a decision; the table says who moves it on


def roles_of(user, decision: Decision) -> set[str]:
    return application_roles_of(user, decision.application)


def _lock(decision: Decision) -> Decision:
    """Application, then decision: the order every casework write takes its locks in (the approval's
    guard then takes the round's, see `_may_approve`)."""
    list(Application.objects.select_for_update(of=("self",)).filter(pk=decision.application_id).values_list("pk"))
    return (Decision.objects.select_for_update(of=("self",))
            .select_related("application__round__office", "application__round__scheme", "application__organisation")
            .get(pk=decision.pk))


# --- guards -------------------------------------------------------------------------------------------

def _may_approve(decision: Decision, user, now) -> str:
    if refusal := four_eyes_refusal(decision, user):
        return refusal
    application = decision.application
    if application.status != ApplicationStatus.IN_ASSESSMENT:
        return _("Only an application in assessment can get a decision.")
    # all of it: a changed amount applied for (after a return) changes the outcome too
    if award_lines(application) != decision.lines:
        return _("The awards changed after the decision was proposed; it must be proposed again.")
    # the round's row serialises what changes its total proposed (award changes, approvals), so the
    # budget guard cannot be raced: locked last, after the application and the decision
    round_lock(round_id=application.round_id)
    return budget_refusal(application.round, round_total_proposed(application.round))


def _letter_is_made(decision: Decision, user, now) -> str:
    if not decision.letter_pdf:
        return _("The decision letter is still being made; try again in a moment.")
    return ""


# --- effects ------------------------------------------------------------------------------------------

def _approved(decision, user, now, data) -> dict:
    return {"approved_by": user, "approved_at": now,
            "letter_language": letter_language(decision)}


def _sent(decision, user, now, data) -> dict:
    return {"sent_at": now, "sent_by": user}


# --- event and side effects ---------------------------------------------------------------------------

EVENTS = {"approve": CaseworkEvent.DECISION_APPROVED, "send": CaseworkEvent.DECISION_SENT,
          "return": CaseworkEvent.DECISION_RETURNED, "propose_again": CaseworkEvent.DECISION_PROPOSED}


def _record(decision, transition, source, user, data) -> None:
    comment = {"comment": data["comment"]} if data.get("comment") else {}
    ApplicationEvent.objects.create(
        application_id=decision.application_id, actor=user, kind=EVENTS[transition.name], object_id=decision.pk,
        data={"outcome": decision.outcome, "total_awarded": decision.total_awarded, **comment},
        visible_to_applicant=not transition.internal,
    )


def _after(decision, transition, user, data) -> None:
    decision_pk = decision.pk
    if transition.name == "approve":
        decision_approved.send(sender=Decision, decision=decision, user=user)
        transaction.on_commit(lambda: decision_letter_task.delay(decision_pk), robust=True)
    elif transition.name == "return":
        comment = data.get("comment", "")
        transaction.on_commit(lambda: decision_return_notify(decision=decision, approver=user, comment=comment),
                              robust=True)
    elif transition.name == "propose_again":
        transaction.on_commit(lambda: decision_notify(decision=decision, kind=CaseworkNotice.DECISION_PROPOSED,
                                                      user=user), robust=True)
    elif transition.name == "send":
        decision_sent.send(sender=Decision, decision=decision, user=user)
        transaction.on_commit(lambda: decision_letter_email_task.delay(decision_pk), robust=True)
        transaction.on_commit(lambda: decision_notify(decision=decision, kind=CaseworkNotice.DECISION_SENT,
                                                      user=user), robust=True)


def decision_notify(*, decision: Decision, kind: str, user) -> None:
    """After commit: a proposed decision goes to the office's other approvers (four eyes: not the one
    who proposed it), a sent one to the municipality's editors and signatories."""
    application = decision.application
    data = {"organisation": application.organisation.name, "application": application.pk,
            "outcome": decision.outcome}
    if kind == CaseworkNotice.DECISION_PROPOSED:
        users = office_users(office_id=application.round.office_id, roles=(Role.APPROVER,)).exclude(pk=user.pk)
        url = reverse("office:decision", kwargs={"pk": application.pk})
    else:
        users, url = organisation_users(organisation_id=application.organisation_id), application.get_absolute_url()
    notify(users=users, kind=kind, data=data, url=url)


def decision_return_notify(*, decision: Decision, approver, comment: str) -> None:
    """After commit: the caseworker who proposed it hears that the approver returned it, and why."""
    application = decision.application
    notify(users=[decision.proposed_by], kind=CaseworkNotice.DECISION_RETURNED,
           url=reverse("office:decision", kwargs={"pk": application.pk}),
           data={"organisation": application.organisation.name, "application": application.pk,
                 "approver": str(approver), "comment": comment})


DECISION = Machine(
    model=Decision,
    roles_of=roles_of,
    record=_record,
    lock=_lock,
    after=_after,
    wrong_status=gettext_lazy("This cannot be done while the decision is %(status)s."),
    transitions=[
        Transition("approve", gettext_lazy("Approve decision"), (D.PROPOSED,), D.APPROVED, (Role.APPROVER,),
                   _may_approve, _approved, internal=True,
                   follows=(Follow(APPLICATION, "decide", of=lambda decision: decision.application),)),
        Transition("return", gettext_lazy("Return to the caseworker"), (D.PROPOSED,), D.RETURNED, (Role.APPROVER,),
                   internal=True),
        # performed by `decision_propose` when the caseworker revises a returned proposal (no button)
        Transition("propose_again", gettext_lazy("Propose again"), (D.RETURNED,), D.PROPOSED, PROPOSER_ROLES,
                   internal=True, button=False),  # performed by decision_propose with the revised proposal
        Transition("send", gettext_lazy("Send decision letter"), (D.APPROVED,), D.SENT,
                   (Role.CASEWORKER, Role.APPROVER), _letter_is_made, _sent),
    ],
)
