"""Reads for reports on the use of funds. Every queryset starts from what the user may see: an
application id in a URL never reaches another organisation's or another office's report."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Max, QuerySet
from django.utils import timezone

from applications.models import Application, ApplicationEvent, EventKind
from applications.selectors import marks_not_emailed
from casework.rules import DECISION_KNOWN_STATUSES
from casework.selectors import WORKING_ROLES
from portal.mail import FIRST_TRY, RETRY_FOR
from portal.models import OFFICE_ROLES, ORGANISATION_ROLES, Role
from portal.permissions import office_ids_with_role, organisation_ids_with_role

from .models import GrantReport, ReportSignatureRequest, ReportStatus
from .rules import EDITABLE_REPORT_STATUSES, IN_STATUSES, REPORT_SECTION, report_overdue_q


def _with_everything(queryset: QuerySet[GrantReport]) -> QuerySet[GrantReport]:
    return queryset.select_related(
        "application__round__scheme", "application__round__office", "application__organisation",
        "application__decision", "submitted_by", "reviewed_by",
    ).prefetch_related("lines")


def reports_for_organisations(*, user) -> QuerySet[GrantReport]:
    """The reports of the organisations the user edits or signs for, once the decision's letter is
    sent (before that the decision, and so its report, is not yet known to them)."""
    return GrantReport.objects.filter(
        application__organisation_id__in=organisation_ids_with_role(user, *ORGANISATION_ROLES),
        application__decision__status__in=DECISION_KNOWN_STATUSES)


def reports_for_offices(*, user) -> QuerySet[GrantReport]:
    """The reports of the rounds of the user's offices (which role may read them is the
    permissions' to say, with a reason)."""
    return GrantReport.objects.filter(application__round__office_id__in=office_ids_with_role(user, *OFFICE_ROLES))


def report_get_for_organisation(*, user, application_pk: int) -> GrantReport:
    """The report of one application, if it belongs to the user's organisation, with its lines.
    Raises GrantReport.DoesNotExist otherwise (a 404)."""
    return _with_everything(reports_for_organisations(user=user)).get(application_id=application_pk)


def report_get_for_office(*, user, application_pk: int) -> GrantReport:
    """The report of one application, if it belongs to a round of the user's office.
    Raises GrantReport.DoesNotExist otherwise (a 404)."""
    return _with_everything(reports_for_offices(user=user)).get(application_id=application_pk)


@dataclass(frozen=True)
class RoundReportRow:
    report: GrantReport
    used: int | None  # None while no line has an amount used
    unused: int


@dataclass(frozen=True)
class RoundReports:
    rows: list[RoundReportRow]
    awarded: int
    used: int
    to_be_repaid: int
    repayments: list  # (application, kroner), from repayments_for_round


def reports_for_round(*, user, round_) -> RoundReports:
    """The office's overview of a round's reports: each granted application with its due date,
    status, amount used and unused, and the total to be repaid. Constant queries, whatever the
    number of reports."""
    reports = list(
        GrantReport.objects.filter(application__round=round_, application__round__office_id__in=office_ids_with_role(
            user, *WORKING_ROLES))
        .select_related("application__organisation").prefetch_related("lines")
        .order_by("application__organisation__name", "pk")
    )
    rows = []
    for report in reports:
        lines = list(report.lines.all())
        reported = [line for line in lines if line.amount_used is not None]
        rows.append(RoundReportRow(
            report=report, used=sum(line.amount_used for line in reported) if reported else None,
            unused=sum(line.unused for line in lines),
        ))
    repayments = repayments_for_round(round_=round_)
    return RoundReports(
        rows=rows, awarded=sum(row.report.total_awarded for row in rows), used=sum(row.used or 0 for row in rows),
        to_be_repaid=sum(amount for _application, amount in repayments), repayments=repayments,
    )


def repayments_for_round(*, round_) -> list[tuple[Application, int]]:
    """Unused funds to be repaid, per application whose report is submitted or approved."""
    reports = (GrantReport.objects.filter(application__round=round_, status__in=IN_STATUSES)
               .select_related("application__organisation").prefetch_related("lines"))
    result = []
    for report in reports:
        unused = sum(line.unused for line in report.lines.all())
        if unused:
            result.append((report.application, unused))
    return result


def report_counts_by_status(*, rows: list[RoundReportRow]) -> list[tuple[str, int]]:
    """(status label, number of reports) for every status, in the workflow's order."""
    counts = {status: 0 for status in ReportStatus.values}
    for row in rows:
        counts[row.report.status] += 1
    return [(label, counts[value]) for value, label in ReportStatus.choices]


# --- "My page" -----------------------------------------------------------------------------------------

def reports_due_for_organisations(*, user) -> QuerySet[GrantReport]:
    """The reports the user's organisations still have to write or correct (a draft or returned, its
    decision known to them), soonest deadline first."""
    return (reports_for_organisations(user=user).filter(status__in=EDITABLE_REPORT_STATUSES)
            .select_related("application__organisation", "application__round__office", "application__round__scheme")
            .order_by("due_at", "pk"))


def _reports_of_caseworker(user) -> QuerySet[GrantReport]:
    return (GrantReport.objects.filter(application__round__office_id__in=office_ids_with_role(user, Role.CASEWORKER))
            .select_related("application__organisation", "application__round__office"))


def reports_to_review(*, user) -> QuerySet[GrantReport]:
    """Submitted reports of the rounds of the offices where the user is a caseworker, oldest first."""
    return _reports_of_caseworker(user).filter(status=ReportStatus.SUBMITTED).order_by("submitted_at", "pk")


def reports_overdue(*, user, now: dt.datetime | None = None) -> QuerySet[GrantReport]:
    """Reports of the caseworker's offices past their deadline and not handed in (a draft or returned),
    whose decision the municipality knows of (before its letter nobody owes a report), longest overdue first."""
    return _reports_of_caseworker(user).filter(report_overdue_q(now or timezone.now())).order_by("due_at", "pk")


# --- the hand-over to the signatory ------------------------------------------------------------------

def report_signature_request_email_key(request_id: int, user_id: int) -> str:
    """The key the e-mail telling one signatory of one mark of a report is claimed under."""
    return f"report-signature-request:{request_id}:{user_id}"


def report_signature_requests_not_emailed(*, now: dt.datetime | None = None) -> list[int]:
    """As `applications.selectors.signature_requests_not_emailed`, for the marks of reports still
    editable: what the catch-up queues again (the task sends only for a mark still current)."""
    now = now or timezone.now()
    requests = list(ReportSignatureRequest.objects.filter(
        requested_at__lte=now - FIRST_TRY, requested_at__gt=now - RETRY_FOR,
        report__status__in=EDITABLE_REPORT_STATUSES).values_list("pk", "report__application__organisation_id"))
    return marks_not_emailed(requests, report_signature_request_email_key)


def _since_last_submission(report: GrantReport):
    requests = report.signature_requests.all()
    return requests.filter(requested_at__gt=report.submitted_at) if report.submitted_at else requests


def report_signature_request_current(*, report: GrantReport) -> ReportSignatureRequest | None:
    """The editor's newest mark "ready for signature" since the report was last submitted, while the
    municipality may still change and submit it; None otherwise."""
    if report.status not in EDITABLE_REPORT_STATUSES:
        return None
    return _since_last_submission(report).select_related("requested_by").order_by("-requested_at", "-id").first()


def report_changed_since(*, report: GrantReport, since) -> ApplicationEvent | None:
    """The newest save of the report after `since` (a mark for signature), or None."""
    return (ApplicationEvent.objects.filter(application_id=report.application_id, kind=EventKind.SECTION_SAVED,
                                            section=REPORT_SECTION, created_at__gt=since)
            .select_related("actor").order_by("-created_at", "-id").first())


def reports_ready_for_signature(*, user, due: list[GrantReport] | None = None) -> list[GrantReport]:
    """For the signatory's home page: the reports of the organisations the user signs for that an
    editor has marked ready for signature since they were last submitted, and that can be submitted
    now (a draft or returned), oldest mark first. Each carries `ready_marked_at`, `ready_marked_by` (a
    name) and `changed_since_mark`. `due`: `reports_due_for_organisations` of the user, when the page
    has read them already (My page). No query beyond them while none is due; one while none is
    marked; two when some are, whatever the number."""
    if due is None:
        due = list(reports_due_for_organisations(user=user))
    if not due:
        return []
    signs_for = organisation_ids_with_role(user, Role.SIGNATORY)
    candidates = {r.pk: r for r in due if r.application.organisation_id in signs_for
                  and r.status in EDITABLE_REPORT_STATUSES}
    if not candidates:
        return []
    newest: dict[int, ReportSignatureRequest] = {}
    for mark in (ReportSignatureRequest.objects.filter(report_id__in=candidates).select_related("requested_by")
                 .order_by("report_id", "-requested_at", "-id")):
        submitted_at = candidates[mark.report_id].submitted_at
        if (submitted_at is None or mark.requested_at > submitted_at) and mark.report_id not in newest:
            newest[mark.report_id] = mark
    reports = []
    for pk, mark in newest.items():
        report = candidates[pk]
        report.ready_marked_at, report.ready_marked_by = mark.requested_at, str(mark.requested_by)
        reports.append(report)
    if not reports:
        return []
    last_save = dict(ApplicationEvent.objects.filter(application_id__in=[r.application_id for r in reports],
                                                     kind=EventKind.SECTION_SAVED, section=REPORT_SECTION)
                     .values("application_id").annotate(last=Max("created_at"))
                     .values_list("application_id", "last").order_by())
    for report in reports:
        saved = last_save.get(report.application_id)
        report.changed_since_mark = saved is not None and saved > report.ready_marked_at
    return sorted(reports, key=lambda r: (r.ready_marked_at, r.pk))
