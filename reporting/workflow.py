"""The life of a report: one declared table, one service performing it.

    draft ──submit──▶ submitted ──approve──▶ approved
                       │    ▲
             return ◀──┘    └──submit── returned

Each report transition also moves the application (decided ⇄ reported → closed) through the
application's own state machine, so the two can never disagree."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from portal.models import Role

from .models import ReportStatus as R


@dataclass(frozen=True)
class ReportTransition:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str
    roles: tuple[str, ...]
    application_transition: str


REPORT_TRANSITIONS = {t.name: t for t in [
    ReportTransition("submit", _("Submit the report"), (R.DRAFT, R.RETURNED), R.SUBMITTED, (Role.SIGNATORY,),
                     "report"),
    ReportTransition("approve", _("Approve the report"), (R.SUBMITTED,), R.APPROVED, (Role.CASEWORKER,), "close"),
    ReportTransition("return", _("Return the report"), (R.SUBMITTED,), R.RETURNED, (Role.CASEWORKER,),
                     "return_report"),
]}

EDITABLE_REPORT_STATUSES = (R.DRAFT, R.RETURNED)
