"""The life of a report: its declared table of transitions, performed by `portal.workflow`.

    draft ──submit──▶ submitted ──approve──▶ approved
                       │    ▲
             return ◀──┘    └──submit── returned

Each report transition is followed, in the same transaction, by the application's own ("report",
"close", "return_report": decided ⇄ reported → closed), so the two can never disagree.
"""

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from applications.models import Application, ApplicationEvent
from applications.permissions import roles_of as application_roles_of
from applications.workflow import APPLICATION
from portal.models import Role
from portal.selectors import office_users, organisation_users
from portal.services import notify
from portal.workflow import Follow, Machine, Transition

from .models import GrantReport, ReportEvent
from .models import ReportStatus as R
from .notifications import ReportNotice
from .rules import report_problems


def roles_of(user, report: GrantReport) -> set[str]:
    return application_roles_of(user, report.application)


def report_lock(report: GrantReport) -> GrantReport:
    """The application's row, then the report's: the order every write takes its locks in
    (docs/architecture.md), so a report's transition, which its application's follows, never waits
    in a circle with a casework write that holds the application."""
    list(Application.objects.select_for_update(of=("self",)).filter(pk=report.application_id).values_list("pk"))
    return (GrantReport.objects.select_for_update(of=("self",))
            .select_related("application__round__office", "application__organisation").get(pk=report.pk))


def _complete(report, user, now) -> str:
    problems = report_problems(report=report)
    if problems:
        return gettext("The report is not complete: %(problems)s") % {
            "problems": "; ".join(message for _anchor, message in problems)}
    return ""


def _submitted(report, user, now, data) -> dict:
    return {"submitted_at": now, "submitted_by": user}


def _reviewed(report, user, now, data) -> dict:
    return {"reviewed_at": now, "reviewed_by": user}


def _returned(report, user, now, data) -> dict:
    return {**_reviewed(report, user, now, data), "return_message": data.get("message", "")}


EVENTS = {"submit": ReportEvent.REPORT_SUBMITTED, "approve": ReportEvent.REPORT_APPROVED,
          "return": ReportEvent.REPORT_RETURNED}
NOTICES = {"submit": ReportNotice.REPORT_SUBMITTED, "approve": ReportNotice.REPORT_APPROVED,
           "return": ReportNotice.REPORT_RETURNED}


def _record(report, transition, source, user, data) -> None:
    ApplicationEvent.objects.create(application_id=report.application_id, actor=user, kind=EVENTS[transition.name],
                                    object_id=report.pk, data=data)


def _after(report, transition, user, data) -> None:
    report_pk, name = report.pk, transition.name
    transaction.on_commit(lambda: report_notify(report_id=report_pk, transition=name), robust=True)


def report_notify(*, report_id: int, transition: str) -> None:
    """Submitted: the office's caseworkers hear of it. Approved or returned: the municipality's
    users, with what is missing when it is returned."""
    report = GrantReport.objects.select_related("application__organisation", "application__round").get(pk=report_id)
    application = report.application
    data = {"organisation": application.organisation.name, "application": application.pk}
    kind = NOTICES[transition]
    if transition == "submit":
        notify(users=office_users(office_id=application.round.office_id), kind=kind, data=data,
               url=reverse("reporting:review", kwargs={"pk": application.pk}))
    else:
        if transition == "return":
            data["message"] = report.return_message
        notify(users=organisation_users(organisation_id=application.organisation_id), kind=kind, data=data,
               url=report.get_absolute_url())


def _application_of(report):
    return report.application


REPORT = Machine(
    model=GrantReport,
    roles_of=roles_of,
    record=_record,
    lock=report_lock,
    after=_after,
    wrong_status=_("This cannot be done while the report is %(status)s."),
    transitions=[
        Transition("submit", _("Submit the report"), (R.DRAFT, R.RETURNED), R.SUBMITTED, (Role.SIGNATORY,),
                   _complete, _submitted, follows=(Follow(APPLICATION, "report", of=_application_of),)),
        Transition("approve", _("Approve the report"), (R.SUBMITTED,), R.APPROVED, (Role.CASEWORKER,),
                   effects=_reviewed, follows=(Follow(APPLICATION, "close", of=_application_of),)),
        Transition("return", _("Return the report"), (R.SUBMITTED,), R.RETURNED, (Role.CASEWORKER,),
                   effects=_returned, follows=(Follow(APPLICATION, "return_report", of=_application_of),)),
    ],
)
