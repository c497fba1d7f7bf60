"""Making a requested archive copy, once: the case's stored documents filed unchanged
(`filed.case_documents`), the PDF/A with the rest (`document.archive_pdf`) and the Noark 5 metadata
(`noark.case_metadata_xml`), each with its SHA-256, stored with the copy. Called by the tasks
(tasks.py), never by a web request: a PDF takes seconds.

The catch-up queues again what a lost task left, a batch at a time, each copy at most once per
`NOT_MADE_AFTER` since it was last queued, and gives up (`failed_at`) on a copy still not made
`RETRY_FOR` after it was requested: the office sees it failed and its admin asks for a new version."""

import hashlib
import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from casework.letters import letter_language
from casework.models import Decision, DecisionStatus
from portal.offices import office_title

from .document import archive_pdf, case_for_archive
from .exceptions import ArchiveError
from .filed import case_documents
from .models import ArchiveCopy, ArchiveFile
from .noark import case_metadata_xml
from .selectors import CATCH_UP_BATCH, archive_copies_given_up, archive_copies_to_queue, decisions_sent_without_copy

logger = logging.getLogger(__name__)


def metadata_titles(decision: Decision) -> dict:
    """The words of the metadata's titles, in the copy's language form."""
    round_ = decision.application.round
    language = letter_language(decision)
    with translation.override(language):
        return {
            "office": office_title(round_.office, round_.year, language=language),
            "classification_system": _("Kinds of case"),
            "classification": _("Individual decision (enkeltvedtak)"),
            "application": _("Application"),
            "decision": _("Decision"),
            "appeal": _("Appeal"),
            "attachment": _("Attachment"),
            "applicant": _("Applicant"),
            "case_summary": _("Archive copy: cover, assessment summary and appeals"),
        }


def archive_copy_make(*, copy_id: int) -> ArchiveCopy:
    """Make the requested copy's files, once. Everything is read, rendered and hashed with no row
    locked (WeasyPrint takes seconds; a lock held that long would stall the office's requests);
    then the copy is locked and, if no other run made it meanwhile, stored (a second run's render is
    thrown away). A copy already made is returned untouched. Raises ArchiveError for a decision not
    sent, ArchiveNotReady when a stored document is not there yet (the task tries again)."""
    copy = ArchiveCopy.objects.select_related("decision__application").get(pk=copy_id)
    if copy.is_made:
        return copy
    case = case_for_archive(copy.decision_id)
    decision = case["decision"]
    if decision.status != DecisionStatus.SENT:
        raise ArchiveError("Only a sent decision is archived.")
    copy.decision = decision
    stem = copy.file_stem()
    titles = metadata_titles(decision)
    filed = case_documents(case, stem=stem, titles=titles)
    made_at = timezone.now()
    pdf = archive_pdf(case, made_at=made_at, version=copy.version, filed=filed)
    pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    metadata = case_metadata_xml(case, version=copy.version, made_at=made_at, pdf_name=f"{stem}.pdf",
                                 pdf_sha256=pdf_sha256, pdf_size=len(pdf), titles=titles, filed=filed)
    with transaction.atomic():
        locked = ArchiveCopy.objects.select_for_update().get(pk=copy_id)
        if locked.is_made:
            logger.info("Archive copy %s was made by another run; this run's files are thrown away.", copy_id)
            return locked
        for document in filed:
            archived = ArchiveFile(copy=locked, role=document.role, position=document.position, name=document.name,
                                   title=document.title[:255], sha256=document.sha256, size=document.size,
                                   format=document.format)
            archived.file.save(document.name, ContentFile(document.content), save=False)
            archived.save()
        locked.pdf.save(f"{stem}.pdf", ContentFile(pdf), save=False)
        locked.metadata.save(f"{stem}.xml", ContentFile(metadata), save=False)
        locked.pdf_sha256 = pdf_sha256
        locked.metadata_sha256 = hashlib.sha256(metadata).hexdigest()
        locked.made_at = made_at
        locked.failed_at = None
        locked.save(update_fields=["pdf", "pdf_sha256", "metadata", "metadata_sha256", "made_at", "failed_at"])
    logger.info("Archive copy %s (decision %s, version %s) made.", copy_id, locked.decision_id, locked.version)
    return locked


def archive_copies_catch_up(*, now=None) -> list[int]:
    """What a lost task left undone, a batch at a time (`CATCH_UP_BATCH`): the first copy of sent
    decisions without one (sent before the archive existed; requested now), and requested copies not
    made `NOT_MADE_AFTER` since they were last queued, each counted as queued again now. A copy still
    not made `RETRY_FOR` after it was requested is given up (failed) instead. Returns the ids of the
    copies to queue."""
    now = now or timezone.now()
    given_up = list(archive_copies_given_up(now=now))
    if given_up:
        ArchiveCopy.objects.filter(pk__in=given_up).update(failed_at=now)
        logger.error("Archive copies %s not made within the retry window: marked failed.", given_up)
    requested = []
    for decision in decisions_sent_without_copy()[:CATCH_UP_BATCH]:
        copy, created = ArchiveCopy.objects.get_or_create(decision=decision, version=1,
                                                          defaults={"queued_at": now, "attempts": 1})
        if created:
            requested.append(copy.pk)
    with transaction.atomic():
        again = list(archive_copies_to_queue(now=now).select_for_update(skip_locked=True)
                     .values_list("pk", flat=True)[:max(CATCH_UP_BATCH - len(requested), 0)])
        ArchiveCopy.objects.filter(pk__in=again).update(queued_at=now, attempts=F("attempts") + 1)
    return sorted({*requested, *again})
