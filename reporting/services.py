"""Writes for reports on the use of funds. Views, tasks and signal receivers call these; the
report's status moves only through `workflow.REPORT`."""

from django.db import transaction
from django.utils.translation import gettext as _

from applications.models import ApplicationEvent, EventKind, LinePart
from portal.exceptions import StaleEdit
from portal.uploads import upload_inspect

from .exceptions import ReportError
from .models import GrantReport, ReportLine
from .permissions import can_edit_report
from .rules import report_totals
from .workflow import REPORT

REPORT_FIELDS = ["overall_account"]
LINE_FIELDS = ["amount_used", "participants_planned", "participants_completed", "achievements",
               "overspend_explanation"]
REPORT_SECTION = "report"  # the section its saves are recorded under in the application's history


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


def _lock(report: GrantReport) -> GrantReport:
    return (GrantReport.objects.select_for_update(of=("self",))
            .select_related("application__round__office", "application__organisation").get(pk=report.pk))


def report_save(*, report: GrantReport, user, data: dict, lines: dict[int, dict], base_version: int,
                upload=None) -> GrantReport:
    """Save the draft: the overall account, each line's figures and texts, and the auditor's
    statement (checked by its content). A save on a stale page is refused; nothing is lost."""
    with transaction.atomic():
        locked = _lock(report)
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
