"""What reporting draws on the application side's pages (registered in `ReportingConfig.ready()`):
the report on the use of funds, on the application's page, once the municipality knows of the
decision."""

from django.template.loader import render_to_string

from casework.rules import decision_known_to_applicant
from casework.selectors import decision_or_none

from .models import GrantReport
from .rules import EDITABLE_REPORT_STATUSES


def report_panel(request, application) -> str:
    if not decision_known_to_applicant(decision_or_none(application)):
        return ""
    report = GrantReport.objects.filter(application=application).first()
    if report is None:
        return ""
    return render_to_string("reporting/includes/report_panel.html", {
        "application": application, "report": report, "editable": report.status in EDITABLE_REPORT_STATUSES,
    })
