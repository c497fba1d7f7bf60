"""The report's enums in every template, so templates compare with `ReportStatus.RETURNED`, never
with a string literal."""

from .models import ReportStatus


def enums(request) -> dict:
    return {"ReportStatus": ReportStatus}
