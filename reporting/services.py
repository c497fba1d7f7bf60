"""Writes for reports on the use of funds. Views and tasks call these."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application, ApplicationEvent, EventKind
from applications.services import ApplicationError, StaleEdit
from applications.uploads import upload_inspect
from applications.workflow import transition_perform, user_roles_for
from portal.templatetags.portal_tags import kroner

from .models import GrantReport, ReportLine
from .workflow import EDITABLE_REPORT_STATUSES, REPORT_TRANSITIONS

REPORT_FIELDS = ["overall_account"]
LINE_FIELDS = ["amount_used", "participants_planned", "participants_completed", "achievements",
               "overspend_explanation"]


def report_create_for_decision(*, decision) -> GrantReport | None:
    """A granted decision gets its report, due at the decision's reporting deadline, with one line
    per line that was granted something. A rejection gets none. Safe to call again."""
    if decision.total_awarded <= 0:
        return None
    report, created = GrantReport.objects.get_or_create(application=decision.application, defaults={
        "due_at": decision.reporting_deadline, "total_awarded": decision.total_awarded,
        "auditor_statement_required": decision.auditor_statement_required,
    })
    if created:
        measures = {m.pk: m for m in decision.application.measures.all()}
        ReportLine.objects.bulk_create(
            ReportLine(report=report, part=line["part"], line_id=line["id"], title=line["title"],
                       awarded=line["awarded"], position=position,
                       participants_planned=measures[line["id"]].participants
                       if line["part"] == "measure" and line["id"] in measures else None)
            for position, line in enumerate(decision.lines) if line["awarded"]
        )
    return report


def report_problems(*, report: GrantReport) -> list[tuple[str, str]]:
    """What must be fixed before the report can be submitted: (field anchor, message)."""
    problems = []
    if not report.overall_account.strip():
        problems.append(("id_overall_account", _("Write the overall account of how the grant was used.")))
    if report.auditor_statement_required and not report.auditor_statement:
        problems.append(("id_auditor_statement", _(
            "Upload the auditor's statement: it is required when the grant exceeds %(threshold)s.") % {
            "threshold": kroner(report.application.round.auditor_statement_threshold)}))
    for line in report.lines.all():
        prefix = f"id_line-{line.pk}-"
        if line.amount_used is None:
            problems.append((prefix + "amount_used", _("%(title)s: give the amount used.") % {"title": line.title}))
        if line.part == "measure" and line.participants_completed is None:
            problems.append((prefix + "participants_completed",
                             _("%(title)s: give how many participants completed.") % {"title": line.title}))
        if not line.achievements.strip():
            problems.append((prefix + "achievements",
                             _("%(title)s: say what was achieved against the sub-goals.") % {"title": line.title}))
        if line.overspent and not line.overspend_explanation.strip():
            problems.append((prefix + "overspend_explanation",
                             _("%(title)s: more was used than granted; explain why.") % {"title": line.title}))
    return problems


def report_totals(*, report: GrantReport) -> dict:
    lines = list(report.lines.all())
    used = sum(line.amount_used or 0 for line in lines)
    return {"awarded": sum(line.awarded for line in lines), "used": used,
            "unused": sum(line.unused for line in lines)}


def _lock(report: GrantReport) -> GrantReport:
    return (GrantReport.objects.select_for_update(of=("self",))
            .select_related("application__round__office", "application__organisation").get(pk=report.pk))


def report_save(*, report: GrantReport, user, data: dict, lines: dict[int, dict], base_version: int,
                upload=None) -> GrantReport:
    """Save the draft: the overall account, each line's figures and texts, and the auditor's
    statement (checked by its content). A save on a stale page is refused; nothing is lost."""
    with transaction.atomic():
        locked = _lock(report)
        roles = user_roles_for(locked.application, user)
        if not roles & {"editor", "signatory"}:
            raise ApplicationError(_("Only the municipality's own users write its report."))
        if locked.status not in EDITABLE_REPORT_STATUSES:
            raise ApplicationError(_("The report is submitted and can no longer be changed."))
        if base_version != locked.version:
            raise StaleEdit(current_version=locked.version)
        if upload is not None:
            inspected = upload_inspect(upload)
            upload.name = inspected.safe_name
            locked.auditor_statement = upload
            locked.auditor_statement_name = inspected.safe_name
        for name in REPORT_FIELDS:
            if name in data:
                setattr(locked, name, data[name])
        stored = {line.pk: line for line in locked.lines.select_for_update()}
        for line_pk, values in lines.items():
            line = stored.get(line_pk)
            if line is None:
                raise ApplicationError(_("A line does not belong to this report."))
            for name in LINE_FIELDS:
                if name in values:
                    setattr(line, name, values[name])
            line.save()
        locked.version += 1
        locked.save()
        ApplicationEvent.objects.create(application=locked.application, actor=user, kind=EventKind.SECTION_SAVED,
                                        section="report", version=locked.version,
                                        data={"totals": report_totals(report=locked)})
    return locked


def _report_transition(*, report: GrantReport, user, name: str, message: str = "") -> GrantReport:
    transition = REPORT_TRANSITIONS[name]
    with transaction.atomic():
        locked = _lock(report)
        # the role first: a double click by the right person does it once, anyone else is refused
        if not user_roles_for(locked.application, user) & set(transition.roles):
            raise ApplicationError(_("Your role does not allow this."))
        if locked.status == transition.target:
            return locked
        if locked.status not in transition.sources:
            raise ApplicationError(_("This cannot be done while the report is %(status)s.") % {
                "status": locked.get_status_display().lower()})
        if name == "submit":
            problems = report_problems(report=locked)
            if problems:
                raise ApplicationError(_("The report is not complete: %(problems)s") % {
                    "problems": "; ".join(message for _anchor, message in problems)})
            locked.submitted_at, locked.submitted_by = timezone.now(), user
        else:
            locked.reviewed_at, locked.reviewed_by = timezone.now(), user
        if name == "return":
            if not message.strip():
                raise ApplicationError(_("Write what is missing from the report."))
            locked.return_message = message.strip()
        locked.status = transition.target
        locked.save()
        transition_perform(application=locked.application, name=transition.application_transition, user=user,
                           data={"report": name, **({"message": locked.return_message} if name == "return" else {})})
        report_pk = locked.pk
        transaction.on_commit(lambda: report_notify(report_id=report_pk, transition=name), robust=True)
    return locked


def report_notify(*, report_id: int, transition: str) -> None:
    """Submitted: the office's caseworkers hear of it. Approved or returned: the municipality's
    users, with what is missing when it is returned."""
    from django.urls import reverse

    from portal.notifications import notify, office_users, organisation_users

    report = GrantReport.objects.select_related("application__organisation", "application__round").get(pk=report_id)
    application = report.application
    data = {"organisation": application.organisation.name, "application": application.pk}
    if transition == "submit":
        notify(users=office_users(office_id=application.round.office_id), kind="report_submitted", data=data,
               url=reverse("reporting:review", kwargs={"pk": application.pk}))
    elif transition == "approve":
        notify(users=organisation_users(organisation_id=application.organisation_id), kind="report_approved",
               data=data, url=report.get_absolute_url())
    elif transition == "return":
        notify(users=organisation_users(organisation_id=application.organisation_id), kind="report_returned",
               data={**data, "message": report.return_message}, url=report.get_absolute_url())


def report_submit(*, report: GrantReport, user) -> GrantReport:
    return _report_transition(report=report, user=user, name="submit")


def report_approve(*, report: GrantReport, user) -> GrantReport:
    return _report_transition(report=report, user=user, name="approve")


def report_return(*, report: GrantReport, user, message: str) -> GrantReport:
    return _report_transition(report=report, user=user, name="return", message=message)


def repayments_for_round(*, round_) -> list[tuple[Application, int]]:
    """Unused funds to be repaid, per application whose report is submitted or approved."""
    reports = (GrantReport.objects.filter(application__round=round_, status__in=["submitted", "approved"])
               .select_related("application__organisation").prefetch_related("lines"))
    result = []
    for report in reports:
        unused = sum(line.unused for line in report.lines.all())
        if unused:
            result.append((report.application, unused))
    return result


__all__ = ["report_approve", "report_create_for_decision", "report_problems", "report_return",
           "report_save", "report_submit", "report_totals", "repayments_for_round"]
