"""Archived cases for the archive's tests, made the way the office makes them: an application with an
attachment and the receipt of its submission, assessed (with internal notes) and decided, its letter
sent (which requests the first archive copy, `casework.signals.decision_sent`), an appeal if asked for.

    archived_case(round_)                       the case, its first copy requested and not made
    archived_case(round_, notes="X", appeal=…)  with these internal notes, and an appeal with this text
    archived_case(round_, receipt=False)        its receipt not made (yet)
"""

from archive.models import ArchiveCopy
from casework.services.appeals import appeal_handle
from portal.models import Role
from tests.applications.factories import AttachmentFactory, ReceiptFactory, applying_for, staff
from tests.casework.factories import AppealFactory, AssessmentFactory, DecisionFactory


def archived_case(round_, *, notes="", appeal_text="", appeal_notes="", priorities="Prosjekt 1 først.",
                  reasons="Søknadene i runden er større enn budsjettet.", receipt=True, **kwargs):
    application = applying_for(round_, 300_000, project_priorities=priorities, **kwargs)
    if receipt:  # what the receipt task leaves (a minimal PDF unless the test stores a real one)
        ReceiptFactory(application=application, submission_number=application.submission_count)
    AttachmentFactory(application=application, original_name="Kompetanseplan 2025.pdf")
    caseworker = staff(round_.office, Role.CASEWORKER)
    AssessmentFactory(application=application, started_by=caseworker, scored=4, awarded="full", notes=notes)
    decision = DecisionFactory(application=application, caseworker=caseworker, reasons=reasons, sent=True)
    if appeal_text:
        appeal = AppealFactory(decision=decision, text=appeal_text, registered_by=caseworker)
        appeal_handle(appeal=appeal, user=caseworker, handling="upheld", notes=appeal_notes)
    return decision


def first_copy(decision) -> ArchiveCopy:
    return ArchiveCopy.objects.get(decision=decision, version=1)
