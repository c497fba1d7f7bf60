"""The life of an application: one declared table of transitions and one service that performs them.

    draft ──submit──▶ submitted ──start──▶ in_assessment ──decide──▶ decided ──report──▶ reported ──approve──▶ closed
      │                  │  ▲                  │
      └─withdraw─▶ withdrawn  └──resubmit── returned ◀──ask for more information

No view or service writes `Application.status` except `transition_perform`. Templates ask
`transitions_available` which buttons to show, so the page and the rules cannot drift apart.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.models import Role

from .models import Application, ApplicationEvent, ApplicationStatus, EventKind

S = ApplicationStatus


class TransitionError(Exception):
    """The transition is not allowed now; `str(error)` says why, in the user's language."""


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str
    roles: tuple[str, ...]
    # guard(application, user, now) -> an error message, or "" when the transition may happen
    guard: Callable | None = None


def _round_is_open(application, user, now):
    round_ = application.round
    if round_.is_open(now):
        return ""
    if round_.has_not_opened(now):
        return _("The round has not opened yet.")
    return _("The application deadline has passed.")


def _application_complete(application, user, now):
    from .completeness import application_problems
    from .selectors import application_with_lines

    problems = application_problems(application=application_with_lines(pk=application.pk))
    if problems:
        return ngettext(
            "The application is not complete: %(count)d problem must be fixed first.",
            "The application is not complete: %(count)d problems must be fixed first.", len(problems),
        ) % {"count": len(problems)}
    return ""


def _can_submit(application, user, now):
    return _round_is_open(application, user, now) or _application_complete(application, user, now)


def _can_resubmit(application, user, now):
    # The round's deadline does not apply to a resubmission the office asked for.
    return _application_complete(application, user, now)


TRANSITIONS: dict[str, Transition] = {t.name: t for t in [
    Transition("submit", _("Submit"), (S.DRAFT,), S.SUBMITTED, (Role.SIGNATORY,), _can_submit),
    Transition("withdraw", _("Withdraw"), (S.SUBMITTED, S.IN_ASSESSMENT, S.RETURNED), S.WITHDRAWN,
               (Role.SIGNATORY,)),
    Transition("reopen", _("Reopen"), (S.WITHDRAWN,), S.DRAFT, (Role.EDITOR, Role.SIGNATORY), _round_is_open),
    Transition("start_assessment", _("Start assessment"), (S.SUBMITTED,), S.IN_ASSESSMENT, (Role.CASEWORKER,)),
    Transition("return", _("Ask for more information"), (S.IN_ASSESSMENT,), S.RETURNED, (Role.CASEWORKER,)),
    Transition("resubmit", _("Send again"), (S.RETURNED,), S.SUBMITTED, (Role.SIGNATORY,), _can_resubmit),
    Transition("decide", _("Decide"), (S.IN_ASSESSMENT,), S.DECIDED, (Role.APPROVER,)),
    Transition("report", _("Report"), (S.DECIDED,), S.REPORTED, (Role.SIGNATORY,)),
    Transition("close", _("Approve report"), (S.REPORTED,), S.CLOSED, (Role.CASEWORKER,)),
    Transition("return_report", _("Return the report"), (S.REPORTED,), S.DECIDED, (Role.CASEWORKER,)),
]}

EDITABLE_STATUSES = (S.DRAFT, S.RETURNED)

# Who hears of a transition (after commit): the applicant's users, the office's caseworkers.
# "return" and the decision are announced by their own services, with the message or the letter.
NOTIFY = {
    "submit": ("organisation", "office"), "resubmit": ("organisation", "office"),
    "start_assessment": ("organisation",), "withdraw": ("organisation", "office"),
    "reopen": ("organisation",),
}  # report, close and return_report are announced by reporting.services, with the report's own words


def user_roles_for(application: Application, user) -> set[str]:
    """The roles the user holds for this application: in its organisation or in its round's office."""
    from portal.permissions import office_ids_with_role, organisation_ids_with_role

    roles = set()
    for role in (Role.EDITOR, Role.SIGNATORY):
        if application.organisation_id in organisation_ids_with_role(user, role):
            roles.add(role)
    for role in (Role.CASEWORKER, Role.APPROVER, Role.OFFICE_ADMIN):
        if application.round.office_id in office_ids_with_role(user, role):
            roles.add(role)
    return roles


def transition_check(*, application: Application, name: str, user, now=None) -> str:
    """'' when `user` may perform `name` now, else the reason (translated)."""
    transition = TRANSITIONS[name]
    now = now or timezone.now()
    if application.status not in transition.sources:
        return _("This cannot be done while the application is %(status)s.") % {
            "status": application.get_status_display().lower()}
    if not user_roles_for(application, user) & set(transition.roles):
        return _("Your role does not allow this.")
    if transition.guard:
        return str(transition.guard(application, user, now) or "")
    return ""


def transitions_available(*, application: Application, user, now=None) -> list[Transition]:
    """The transitions the user could start from this page (the guard may still say no, with why)."""
    roles = user_roles_for(application, user)
    return [t for t in TRANSITIONS.values() if application.status in t.sources and roles & set(t.roles)]


def transition_perform(*, application: Application, name: str, user, data: dict | None = None,
                       now=None, idempotent: bool = False, visible_to_applicant: bool = True) -> Application:
    """Lock the row, check status, role and guard, write the new status and its event, atomically.

    With `idempotent=True`, an application already in the target status is returned unchanged:
    a double click or a retried request performs the transition once."""
    transition = TRANSITIONS[name]
    now = now or timezone.now()
    with transaction.atomic():
        locked = Application.objects.select_for_update(of=("self",)).select_related("round", "organisation").get(pk=application.pk)
        if idempotent and locked.status == transition.target:
            if not user_roles_for(locked, user) & set(transition.roles):
                raise TransitionError(_("Your role does not allow this."))
            return locked
        reason = transition_check(application=locked, name=name, user=user, now=now)
        if reason:
            raise TransitionError(reason)
        source = locked.status
        locked.status = transition.target
        updates = ["status", "updated_at"]
        for field, value in _effects(transition, locked, user, now, data or {}).items():
            setattr(locked, field, value)
            updates.append(field)
        locked.save(update_fields=updates)
        ApplicationEvent.objects.create(
            application=locked, kind=EventKind.STATUS_CHANGED, actor=user, from_status=source,
            to_status=transition.target, data={"transition": name, **(data or {})},
            visible_to_applicant=visible_to_applicant,
        )
        if name in NOTIFY:
            application_id, audiences = locked.pk, NOTIFY[name]
            transaction.on_commit(lambda: notify_status(application_id=application_id, audiences=audiences),
                                  robust=True)
    return locked


def notify_status(*, application_id: int, audiences) -> None:
    """Tell the application's users and/or the office's caseworkers its new status."""
    from portal.notifications import notify, office_users, organisation_users

    application = Application.objects.select_related("organisation", "round").get(pk=application_id)
    users = []
    if "organisation" in audiences:
        users += list(organisation_users(organisation_id=application.organisation_id))
    if "office" in audiences:
        users += list(office_users(office_id=application.round.office_id))
    notify(users=users, kind="status_changed", url=application.get_absolute_url(),
           data={"organisation": application.organisation.name, "status": application.status,
                 "application": application.pk})


def _effects(transition: Transition, application: Application, user, now, data: dict) -> dict:
    """Fields a transition sets besides the status."""
    if transition.name in ("submit", "resubmit"):
        return {"submitted_at": now, "submitted_by": user, "submission_count": application.submission_count + 1}
    if transition.name == "withdraw":
        return {"withdrawn_at": now, "withdrawal_reason": data.get("reason", "")}
    if transition.name == "reopen":
        return {"withdrawn_at": None, "submitted_at": None, "submitted_by": None}
    return {}
