"""Helpers for the report tests: a decided, granted application made through the real services
(assessment, proposal by a caseworker, approval by another user), and a report filled in."""

from applications.models import Application
from casework.services.decisions import decision_approve, decision_propose
from portal.models import Role
from tests.applications.factories import applying_for, assess, staff
from tests.helpers import stub_task


def no_letters(monkeypatch):
    """Approval queues the decision letter after commit; these tests have no use for the PDF."""
    return stub_task(monkeypatch, "casework.tasks.decision_letter_task")


def decided(round_, *applied, awarded=None, caseworker=None, approver=None, sent=True, **kwargs) -> Application:
    """A decided application in `round_` with one competence measure per amount applied for.
    `awarded` gives each measure's award in the same order (default: all it applied for).
    With `sent` (default) its letter has gone out, so the municipality knows of the decision."""
    application = applying_for(round_, *applied, **kwargs)
    caseworker = caseworker or staff(round_.office, Role.CASEWORKER)
    approver = approver or staff(round_.office, Role.APPROVER)
    measures = list(application.measures.order_by("pk"))
    amounts = awarded if awarded is not None else [m.amount_applied for m in measures]
    assess(application, caseworker, awards={("measure", m.pk): amount for m, amount in zip(measures, amounts)})
    decision = decision_propose(application=application, user=caseworker,
                                reasons="Søknadene i runden er større enn budsjettet.")
    decision_approve(decision=decision, user=approver)
    if sent:
        from django.utils import timezone

        type(decision).objects.filter(pk=decision.pk).update(status="sent", sent_at=timezone.now(), sent_by=approver)
    application.refresh_from_db()
    return application


def complete_lines(report, *, used=None, explanation="") -> dict[int, dict]:
    """What report_save takes for every line filled in: `used` kroner each (default: all it was granted)."""
    return {line.pk: {"amount_used": line.awarded if used is None else used, "participants_planned": 10,
                      "participants_completed": 8, "achievements": "Åtte fullførte videreutdanningen.",
                      "overspend_explanation": explanation}
            for line in report.lines.all()}


def fill(report, user, *, used=None, explanation="", overall="Midlene ble brukt som planlagt.", upload=None):
    """Fill the whole report through report_save, as the page would."""
    from reporting.services import report_save

    report.refresh_from_db()
    return report_save(report=report, user=user, data={"overall_account": overall},
                       lines=complete_lines(report, used=used, explanation=explanation),
                       base_version=report.version, upload=upload)
