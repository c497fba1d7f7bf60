"""Making a requested archive copy, once: the case's PDF/A (`document.archive_pdf`) and its Noark 5
metadata (`noark.case_metadata_xml`), with their SHA-256, stored with the copy. Called by the tasks
(tasks.py), never by a web request: a PDF takes seconds."""

import hashlib
import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from casework.letters import letter_language
from casework.models import Decision, DecisionStatus
from portal.offices import office_title

from .document import archive_pdf, case_for_archive
from .exceptions import ArchiveError
from .models import ArchiveCopy
from .noark import case_metadata_xml
from .selectors import archive_copies_not_made, decisions_sent_without_copy

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
        }


def archive_copy_make(*, copy_id: int) -> ArchiveCopy:
    """Make the requested copy's PDF/A and metadata, once: the row is locked while they are made, and
    a copy already made is returned untouched (a second run does nothing)."""
    with transaction.atomic():
        copy = ArchiveCopy.objects.select_for_update().get(pk=copy_id)
        if copy.is_made:
            return copy
        case = case_for_archive(copy.decision_id)
        decision = case["decision"]
        if decision.status != DecisionStatus.SENT:
            raise ArchiveError("Only a sent decision is archived.")
        made_at = timezone.now()
        copy.decision = decision
        pdf = archive_pdf(case, made_at=made_at, version=copy.version)
        stem = copy.file_stem()
        pdf_sha256 = hashlib.sha256(pdf).hexdigest()
        metadata = case_metadata_xml(case, version=copy.version, made_at=made_at, pdf_name=f"{stem}.pdf",
                                     pdf_sha256=pdf_sha256, pdf_size=len(pdf), titles=metadata_titles(decision))
        copy.pdf.save(f"{stem}.pdf", ContentFile(pdf), save=False)
        copy.metadata.save(f"{stem}.xml", ContentFile(metadata), save=False)
        copy.pdf_sha256 = pdf_sha256
        copy.metadata_sha256 = hashlib.sha256(metadata).hexdigest()
        copy.made_at = made_at
        copy.save(update_fields=["pdf", "pdf_sha256", "metadata", "metadata_sha256", "made_at"])
    logger.info("Archive copy %s (decision %s, version %s) made.", copy.pk, copy.decision_id, copy.version)
    return copy


def archive_copies_catch_up() -> list[int]:
    """What a lost task left undone: the first copy of every sent decision without one (sent before
    the archive existed; requested now), and every requested copy not made ten minutes on. Returns
    the ids of the copies to make."""
    requested = [ArchiveCopy.objects.get_or_create(decision=decision, version=1)[0].pk
                 for decision in decisions_sent_without_copy()]
    return sorted({*requested, *archive_copies_not_made()})
