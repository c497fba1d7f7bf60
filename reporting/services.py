"""Writes for reports on the use of funds. Views, tasks and signal receivers call these; the
report's status moves only through `workflow.REPORT`."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import ApplicationEvent, EventKind, LinePart
from portal.exceptions import StaleEdit
from portal.uploads import upload_inspect

from .exceptions import ReportError
from .handover import report_signature_request_notify
from .models import GrantReport, ReportEvent, ReportLine, ReportSignatureRequest
from .permissions import can_edit_report, can_mark_report_ready_for_signature
from .rules import REPORT_SECTION, report_problems, report_totals
from .selectors import report_changed_since, report_signature_request_current
from .tasks import report_signature_request_email_task
from .workflow import REPORT, report_lock

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
                       if line["part"] == LinePart.MEASURE and line["id"] in measures else None)
            for position, line in enumerate(decision.lines) if line["awarded"]
        )
    return report


def report_create_on_approval(*, decision, **kwargs) -> None:
    """Receiver of `casework.signals.decision_approved`, inside the approving transaction."""
    report_create_for_decision(decision=decision)


def report_save(*, report: GrantReport, user, data: dict, lines: dict[int, dict], base_version: int,
                upload=None) -> GrantReport:
    """Save the draft: the overall account, each line's figures and texts, and the auditor's
    statement (checked by its content). A save on a stale page is refused; nothing is lost."""
    with transaction.atomic():
        locked = report_lock(report)
        verdict = can_edit_report(user, locked)
        if not verdict:
            raise ReportError(str(verdict.reason))
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
                raise ReportError(_("A line does not belong to this report."))
            for name in LINE_FIELDS:
                if name in values:
                    setattr(line, name, values[name])
            line.save()
        locked.version += 1
        locked.save()
        ApplicationEvent.objects.create(application=locked.application, actor=user, kind=EventKind.SECTION_SAVED,
                                        section=REPORT_SECTION, version=locked.version,
                                        data={"totals": report_totals(report=locked)})
    return locked


def report_submit(*, report: GrantReport, user) -> GrantReport:
    return REPORT.perform(report, "submit", user=user).object


def report_approve(*, report: GrantReport, user) -> GrantReport:
    return REPORT.perform(report, "approve", user=user).object


def report_return(*, report: GrantReport, user, message: str) -> GrantReport:
    message = (message or "").strip()
    if not message:
        raise ReportError(_("Write what is missing from the report."))
    return REPORT.perform(report, "return", user=user, data={"message": message}).object


def report_mark_ready_for_signature(*, report: GrantReport, user, now=None) -> tuple[ReportSignatureRequest, bool]:
    """Mark the report ready for the signatory to submit, and tell its signatories (in the portal and
    by e-mail, after commit). Only an editor, while the report may be edited, and only when nothing
    is missing (`rules.report_problems`, which also stops a submission). Returns (the mark, whether it
    was made now): marking again with no save since makes no new mark and tells nobody again."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = report_lock(report)
        verdict = can_mark_report_ready_for_signature(user, locked)
        if not verdict:
            raise ReportError(str(verdict.reason))
        problems = report_problems(report=locked)
        if problems:
            raise ReportError(_("The report is not complete: %(problems)s") % {
                "problems": "; ".join(message for _anchor, message in problems)})
        current = report_signature_request_current(report=locked)
        if current is not None and report_changed_since(report=locked, since=current.requested_at) is None:
            return current, False
        request = ReportSignatureRequest.objects.create(report=locked, requested_by=user, requested_at=now)
        ApplicationEvent.objects.create(application_id=locked.application_id, actor=user, object_id=locked.pk,
                                        kind=ReportEvent.REPORT_READY_FOR_SIGNATURE, data={"request": request.pk})
        request_id = request.pk
        transaction.on_commit(lambda: report_signature_request_notify(request_id=request_id), robust=True)
        transaction.on_commit(lambda: report_signature_request_email_task.delay(request_id), robust=True)
    return request, True
