"""The archive PDF of a decided case: one PDF/A with what the case has no stored document for, in this
order: a cover with the contents and the list of the documents filed with the copy (their names and
SHA-256); the attachments (names, sizes, checksums) and the assessment summary (scores per criterion,
weighted score, awards per line; never the internal notes); the appeals, if any (what was appealed,
when, and how the office handled it; not the office's notes).

The application as submitted and the decision letter are not rendered here: they are filed as their
own documents, the stored PDFs unchanged (`filed.case_documents`), since a rendering made today would
show today's data, not what was sent.

Written in the letter's language form, in Norwegian time."""

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.text import capfirst

from applications.models import Attachment, LinePart, MeasureKind
from applications.receipts import application_for_receipt
from casework.letters import decision_for_letter, letter_language
from casework.models import Appeal, Assessment, CriterionScore, Decision
from portal.offices import office_title
from portal.pdf import html_documents_to_pdf, render_pdf_html

from .filed import FiledDocument, last_receipt


def case_for_archive(decision_id: int) -> dict:
    """Everything the archive copy reads of a case, in a constant number of queries."""
    decision = decision_for_letter(decision_id)
    application = application_for_receipt(decision.application_id)
    decision.application = application
    assessment = (Assessment.objects.filter(application_id=application.pk)
                  .prefetch_related(Prefetch("scores", queryset=CriterionScore.objects.select_related("criterion")))
                  .first())
    return {
        "decision": decision,
        "application": application,
        "assessment": assessment,
        "attachments": list(Attachment.objects.filter(application_id=application.pk).order_by("kind", "uploaded_at",
                                                                                               "pk")),
        "appeals": list(Appeal.objects.filter(decision_id=decision.pk).order_by("received_on", "pk")),
        "receipt": last_receipt(application),
    }


def _award_lines(decision: Decision) -> list[dict]:
    kinds = dict(MeasureKind.choices)
    parts = dict(LinePart.choices)
    return [{
        "title": line["title"],
        "part": str(parts.get(line["part"], line["part"])),
        "kind": str(kinds.get(line.get("kind"), "")) if line.get("kind") else "",
        "applied": line["applied"] or 0,
        "awarded": line["awarded"] or 0,
    } for line in decision.lines]


def _scores(assessment: Assessment | None) -> list[dict]:
    if assessment is None:
        return []
    return [{"criterion": score.criterion.label, "weight": score.criterion.weight, "score": score.score}
            for score in assessment.scores.all()]


def _context(case: dict, *, made_at, version: int, filed: list[FiledDocument]) -> dict:
    decision, application = case["decision"], case["application"]
    round_ = application.round
    return {
        **case,
        "filed": filed,
        "version": version,
        "made_at": made_at,
        "organisation": application.organisation,
        "round": round_,
        "scheme": round_.scheme,
        "office_name": office_title(round_.office, round_.year, language=letter_language(decision)),
        "scores": _scores(case["assessment"]),
        "lines": _award_lines(decision),
        "attachment_label": capfirst(Attachment._meta.verbose_name_plural),
    }


def archive_pdf_htmls(case: dict, *, made_at=None, version: int = 1, filed: list[FiledDocument] = ()) -> list[str]:
    """The HTML documents the archive PDF is made of, in order (see the module's docstring)."""
    decision = case["decision"]
    language = letter_language(decision)
    made_at = made_at or timezone.now()

    def context():
        return _context(case, made_at=made_at, version=version, filed=list(filed))

    htmls = [
        render_pdf_html(template="archive/pdf/cover.html", context=context, language=language),
        render_pdf_html(template="archive/pdf/assessment.html", context=context, language=language),
    ]
    if case["appeals"]:
        htmls.append(render_pdf_html(template="archive/pdf/appeals.html", context=context, language=language))
    return htmls


def archive_pdf(case: dict, *, made_at=None, version: int = 1, filed: list[FiledDocument] = ()) -> bytes:
    """What the case has no stored document for, as one PDF/A-2a (`portal.pdf.PDF_VARIANT`);
    `filed` are the documents filed beside it, listed on the cover."""
    return html_documents_to_pdf(archive_pdf_htmls(case, made_at=made_at, version=version, filed=filed))
