"""The life of an application: its declared table of transitions, performed by `portal.workflow`.

    draft ──submit──▶ submitted ──start──▶ in_assessment ──decide──▶ decided ──report──▶ reported ──close──▶ closed
      │                  │  ▲                  │                        ▲                  │
      └─withdraw─▶ withdrawn  └──resubmit── returned ◀──return             └──return_report───┘

The municipality moves it from draft to submitted (and withdraws, reopens, resubmits). The layers
above move the rest through this same table, each from its own workflow: casework starts the
assessment and returns it (`casework.services`), and the decision's approval *follows* into
"decide" (`casework.workflow`); each report transition follows into "report", "close" or
"return_report" (`reporting.workflow`). So the application's status never mirrors the decision's
or the report's by hand: it moves only here, in the same transaction as theirs.

No view or service writes `Application.status`. Templates ask `APPLICATION.available(...)` which
buttons to show.
"""

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.models import Role
from portal.selectors import organisation_and_office_users
from portal.services import notify
from portal.workflow import Machine, Transition

from .completeness import application_problems
from .models import Application, ApplicationEvent, ApplicationStatus, EventKind
from .notifications import ApplicationNotice
from .permissions import roles_of, shown_status_label
from .rules import round_closed_reason
from .selectors import application_with_lines

S = ApplicationStatus

# Who hears of a transition (after commit): the applicant's users, the office's caseworkers. The
# office's request for more information and the decision are announced by casework, with the
# message or the letter; the report's transitions by reporting, in the report's own words.
NOTIFY: dict[str, tuple[str, ...]] = {
    "submit": ("organisation", "office"), "resubmit": ("organisation", "office"),
    "start_assessment": ("organisation",), "withdraw": ("organisation", "office"), "reopen": ("organisation",),
}



# --- guards: "" when the transition may happen, otherwise why not --------------------------------------

def round_is_open(application, user, now) -> str:
    return round_closed_reason(application.round, now)


def application_is_complete(application, user, now) -> str:
    problems = application_problems(application=application_with_lines(pk=application.pk, read=application))
    if problems:
        return ngettext(
            "The application is not complete: %(count)d problem must be fixed first.",
            "The application is not complete: %(count)d problems must be fixed first.", len(problems),
        ) % {"count": len(problems)}
    return ""


def _may_submit(application, user, now) -> str:
    return round_is_open(application, user, now) or application_is_complete(application, user, now)


def _may_resubmit(application, user, now) -> str:
    # The round's deadline does not apply to a resubmission the office asked for.
    return application_is_complete(application, user, now)


# --- effects: the fields a transition sets besides the status -----------------------------------------

def _submitted(application, user, now, data) -> dict:
    return {"submitted_at": now, "submitted_by": user, "submission_count": application.submission_count + 1}


def _withdrawn(application, user, now, data) -> dict:
    return {"withdrawn_at": now, "withdrawal_reason": data.get("reason", "")}


def _reopened(application, user, now, data) -> dict:
    return {"withdrawn_at": None, "submitted_at": None, "submitted_by": None}


# --- the machine --------------------------------------------------------------------------------------

def _lock(application: Application) -> Application:
    return (Application.objects.select_for_update(of=("self",)).select_related("round", "organisation")
            .get(pk=application.pk))


def _record(application, transition, source, user, data) -> None:
    ApplicationEvent.objects.create(
        application=application, kind=EventKind.STATUS_CHANGED, actor=user, from_status=source,
        to_status=transition.target, data={"transition": transition.name, **data},
        visible_to_applicant=not transition.internal,
    )


def _after(application, transition, user, data) -> None:
    audiences = NOTIFY.get(transition.name)
    if audiences:
        # what the notification says, as the transition left it (the row is locked here, with its
        # organisation and round): nothing is read again after the commit but the people to tell
        told = {"application_id": application.pk, "organisation_id": application.organisation_id,
                "office_id": application.round.office_id, "organisation": application.organisation.name,
                "status": application.status, "url": application.get_absolute_url(), "audiences": audiences}
        transaction.on_commit(lambda: status_notify(**told), robust=True)


def status_notify(*, application_id: int, organisation_id: int, office_id: int, organisation: str, status: str,
                  url: str, audiences) -> None:
    """Tell the application's users and/or the office's caseworkers its new status."""
    users = organisation_and_office_users(
        organisation_id=organisation_id if "organisation" in audiences else None,
        office_id=office_id if "office" in audiences else None)
    notify(users=users, kind=ApplicationNotice.STATUS_CHANGED, url=url,
           data={"organisation": organisation, "status": status, "application": application_id})


APPLICATION = Machine(
    model=Application,
    roles_of=roles_of,
    record=_record,
    lock=_lock,
    after=_after,
    wrong_status=_("This cannot be done while the application is %(status)s."),
    shown_status=shown_status_label,
    transitions=[
        Transition("submit", _("Submit the application"), (S.DRAFT,), S.SUBMITTED, (Role.SIGNATORY,), _may_submit, _submitted),
        Transition("withdraw", _("Withdraw the application"), (S.SUBMITTED, S.IN_ASSESSMENT, S.RETURNED), S.WITHDRAWN,
                   (Role.SIGNATORY,), effects=_withdrawn),
        Transition("reopen", _("Reopen"), (S.WITHDRAWN,), S.DRAFT, (Role.EDITOR, Role.SIGNATORY), round_is_open,
                   _reopened),
        Transition("start_assessment", _("Start assessment"), (S.SUBMITTED,), S.IN_ASSESSMENT, (Role.CASEWORKER,)),
        Transition("return", _("Ask for more information"), (S.IN_ASSESSMENT,), S.RETURNED, (Role.CASEWORKER,)),
        Transition("resubmit", _("Send the application again"), (S.RETURNED,), S.SUBMITTED, (Role.SIGNATORY,), _may_resubmit,
                   _submitted),
        # the municipality learns of the decision from its letter, not from this (see casework.rules)
        Transition("decide", _("Decide"), (S.IN_ASSESSMENT,), S.DECIDED, (Role.APPROVER,), internal=True,
                   follow_only=True),
        Transition("report", _("Report"), (S.DECIDED,), S.REPORTED, (Role.SIGNATORY,), follow_only=True),
        Transition("close", _("Approve report"), (S.REPORTED,), S.CLOSED, (Role.CASEWORKER,), follow_only=True),
        Transition("return_report", _("Return the report"), (S.REPORTED,), S.DECIDED, (Role.CASEWORKER,),
                   follow_only=True),
    ],
)
