"""The report's rules, each one named function:

- `EDITABLE_REPORT_STATUSES`: the municipality writes its report while it is a draft or returned;
  `IN_STATUSES`: once submitted (or approved) the office reads it and counts what is to be repaid;
- `report_problems`: what must be fixed before it can be submitted (the page lists them, the
  submit transition's guard refuses while there are any);
- `report_totals`: granted, used, unused (to be repaid).
- `report_owed_q` / `report_overdue_q`: a report the municipality owes (its decision's letter is
  sent, and it is a draft or returned), and one it owes past its deadline, as query conditions;
- `line_unused_sql`: `ReportLine.unused` (what is to be repaid of a line) counted in the database.
"""

import datetime as dt

from django.db.models import BigIntegerField, Case, F, Q, Value, When
from django.db.models.functions import Greatest
from django.utils.translation import gettext as _

from applications.models import LinePart
from casework.rules import DECISION_KNOWN_STATUSES
from portal.formatting import kroner

from .models import GrantReport
from .models import ReportStatus as R

REPORT_SECTION = "report"  # the section its saves are recorded under in the application's history
EDITABLE_REPORT_STATUSES = (R.DRAFT, R.RETURNED)
IN_STATUSES = (R.SUBMITTED, R.APPROVED)  # the municipality has handed it in: the office reads it, counts its repayment


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
        if line.part == LinePart.MEASURE and line.participants_completed is None:
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
    return {"awarded": sum(line.awarded for line in lines), "used": sum(line.amount_used or 0 for line in lines),
            "unused": sum(line.unused for line in lines)}


def report_owed_q(prefix: str = "") -> Q:
    """The municipality owes the report: it knows the decision (its letter is sent; before that
    nobody owes a report) and has not handed the report in (a draft, or returned to it)."""
    return Q(**{f"{prefix}status__in": EDITABLE_REPORT_STATUSES,
                f"{prefix}application__decision__status__in": DECISION_KNOWN_STATUSES})


def report_overdue_q(now: dt.datetime, prefix: str = "") -> Q:
    """An owed report whose deadline has passed."""
    return report_owed_q(prefix) & Q(**{f"{prefix}due_at__lt": now})


def line_unused_sql(prefix: str = ""):
    """`ReportLine.unused` as a database expression: granted less used, never below 0, and 0 while
    no amount used is given."""
    money = BigIntegerField()
    return Case(When(**{f"{prefix}amount_used__isnull": False},
                     then=Greatest(F(f"{prefix}awarded") - F(f"{prefix}amount_used"), Value(0), output_field=money)),
                default=Value(0), output_field=money)
