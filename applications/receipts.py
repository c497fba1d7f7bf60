"""The receipt: the whole application as it was submitted, as a PDF made once per submission, and
the e-mail that sends it to the signatory and the contact person once.

`receipt_create_task` (tasks.py) calls `receipt_create` and then `receipt_send`; both are safe to run
again: the unique (application, submission number) row makes the PDF once, and the e-mail's
idempotency key in `portal.mail.send_once` sends it once.
"""

import datetime as dt
import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from portal.formatting import kroner
from portal.language_forms import written_language_form
from portal.mail import recipients_clean, render_email, send_once
from portal.models import Organisation
from portal.offices import office_title
from portal.pdf import html_to_pdf, render_pdf_html
from schemes.models import Round

from .completeness import competence_plan
from .models import (
    MEASURE_FIELDS,
    PROJECT_FIELDS,
    Application,
    ApplicationEvent,
    ApplicationStatus,
    Attachment,
    AttachmentKind,
    CompetenceMeasure,
    EventKind,
    InnovationProject,
    Receipt,
)
from .selectors import application_totals, line_prefetches, receipt_email_key

logger = logging.getLogger(__name__)

MONEY_FIELDS = {"total_cost", "own_funding", "amount_applied", "total_budget", "own_share"}
APPLICATION_LABELS = [
    "organisation", "contact_name", "contact_email", "contact_phone", "project_priorities",
    "competence_raising_plan", "competence_plan_updated_on", "competence_plan_adopted_by", "submitted_at",
    "submitted_by",
]


# --- the PDF ---------------------------------------------------------------------------------------

def _value(obj, name: str) -> str:
    """A field as a person reads it, in the active language; "" when nothing was given."""
    field = obj._meta.get_field(name)
    if field.many_to_many:
        return "\n".join(str(o) for o in getattr(obj, name).all())  # sub-goals are sentences: one a line
    if name == "partners":
        return ", ".join(obj.partner_labels())
    value = getattr(obj, name)
    if value is None or value == "":
        return ""
    if name in MONEY_FIELDS:
        return kroner(value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    return str(value)


def _line(obj, fields, number: int) -> dict:
    return {
        "number": number,
        "title": obj.title,
        "rows": [(capfirst(obj._meta.get_field(name).verbose_name), _value(obj, name))
                 for name in fields if name != "title"],
    }


def _labels() -> dict:
    """Headings the models already name (and translate): the same words as on the forms."""
    def label(model, name):
        return capfirst(model._meta.get_field(name).verbose_name)

    return {
        **{name: label(Application, name) for name in APPLICATION_LABELS},
        "organisation_number": label(Organisation, "organisation_number"),
        "scheme": label(Round, "scheme"),
        "office": label(Round, "office"),
        "year": label(Round, "year"),
        "submission_number": label(Receipt, "submission_number"),
        "file_name": label(Attachment, "original_name"),
        "competence_plan": AttachmentKind.COMPETENCE_PLAN.label,
        "measures": capfirst(CompetenceMeasure._meta.verbose_name_plural),
        "projects": capfirst(InnovationProject._meta.verbose_name_plural),
    }


def receipt_context(*, application: Application) -> dict:
    """What the receipt shows, in the active language. Reads the lines through the application's
    relations, so a prefetched application renders without further queries per line."""
    measures = list(application.measures.all())
    projects = list(application.projects.all())
    return {
        "application": application,
        "organisation": application.organisation,
        "round": application.round,
        "scheme": application.round.scheme,
        "office": application.round.office_title,
        "labels": _labels(),
        "plan": competence_plan(application),
        "measures": [_line(m, MEASURE_FIELDS, i) for i, m in enumerate(measures, 1)],
        "projects": [_line(p, PROJECT_FIELDS, i) for i, p in enumerate(projects, 1)],
        "totals": application_totals(application=application),
    }


def receipt_language(application: Application) -> str:
    """The receipt's language form: the organisation's, as a letter from the round's office is written."""
    return written_language_form(application.organisation, application.round.office)


def receipt_html(*, application: Application) -> str:
    """The whole application as the HTML its receipt is made from, in the organisation's language form
    and Norwegian time: the one rendering of the application as submitted (the receipt, the archive copy)."""
    return render_pdf_html(template="applications/pdf/receipt.html", language=receipt_language(application),
                           context=lambda: receipt_context(application=application))


def receipt_render_pdf(*, application: Application) -> bytes:
    """The whole application as a PDF (`receipt_html` made into a PDF/A)."""
    return html_to_pdf(receipt_html(application=application))


def receipt_file_name(*, application: Application, submission_number: int) -> str:
    return f"kvittering-{application.reference.replace('/', '-')}-{submission_number}.pdf"


def application_for_receipt(pk: int) -> Application:
    """The application with everything its receipt reads (a constant number of queries)."""
    return (
        Application.objects.select_related("round__scheme", "round__office", "organisation", "submitted_by")
        .prefetch_related(*line_prefetches())
        .get(pk=pk)
    )


# --- making it once --------------------------------------------------------------------------------

def _receipt_stale(application: Application, submission_number: int) -> bool:
    """The application no longer holds what its `submission_number`-th submission sent: it was
    submitted again, or opened for editing (a draft, or returned) since."""
    return application.submission_count != submission_number or application.status in (
        ApplicationStatus.DRAFT, ApplicationStatus.RETURNED,
    )


def receipt_create(*, application_id: int, submission_number: int) -> Receipt | None:
    """The receipt of the application's `submission_number`-th submission, made if it has no PDF yet.

    The PDF is rendered with no row locked (WeasyPrint takes a second or more; a lock held that long
    would stall the office and the municipality), from what the application holds now, then stored
    in a short transaction under the application's lock, if the application still is at that
    submission and not open for editing (so what was rendered is what was submitted: every edit
    needs a reopening or a return, and every new submission raises the count), and no other run
    stored a PDF meanwhile (this run's render is then thrown away: two runs make one receipt). A
    receipt shows what was submitted; if the application has since been opened for editing or
    submitted again, what it holds now may differ, so no PDF is made (None)."""
    existing = Receipt.objects.filter(application_id=application_id, submission_number=submission_number).first()
    if existing is not None and existing.pdf:
        return existing
    application = application_for_receipt(application_id)
    if _receipt_stale(application, submission_number):
        logger.warning(
            "Receipt %s for application %s not made: the application is now %s after %s submissions.",
            submission_number, application_id, application.status, application.submission_count,
        )
        return None
    pdf = receipt_render_pdf(application=application)
    with transaction.atomic():
        locked = Application.objects.select_for_update(of=("self",)).get(pk=application_id)
        if _receipt_stale(locked, submission_number):
            logger.warning("Receipt %s for application %s not stored: the application changed while it was "
                           "made (now %s after %s submissions).", submission_number, application_id,
                           locked.status, locked.submission_count)
            return None
        receipt, _created = Receipt.objects.get_or_create(application=locked, submission_number=submission_number)
        if receipt.pdf:
            logger.info("Receipt %s for application %s was made by another run; this run's PDF is thrown "
                        "away.", submission_number, application_id)
            return receipt
        receipt.pdf.save(
            receipt_file_name(application=application, submission_number=submission_number),
            ContentFile(pdf), save=True,
        )
        ApplicationEvent.objects.create(
            application=locked, kind=EventKind.RECEIPT_CREATED, actor=None,
            object_id=receipt.pk, data={"submission_number": submission_number},
        )
    return receipt


# --- sending it once -------------------------------------------------------------------------------

def receipt_recipients(*, application: Application) -> list[str]:
    """The signatory who submitted and the contact person, each once."""
    signatory = application.submitted_by.email if application.submitted_by else ""
    return recipients_clean([signatory, application.contact_email])


def receipt_send(*, receipt: Receipt) -> bool:
    """E-mail the receipt once to the signatory and the contact person. True when it was sent now."""
    application = application_for_receipt(receipt.application_id)
    to = receipt_recipients(application=application)
    if not to:
        logger.warning("Receipt %s has nobody to go to: no signatory or contact e-mail.", receipt.pk)
        return False
    language = receipt_language(application)
    context = {
        "application": application,
        "organisation": application.organisation,
        "scheme": application.round.scheme,
        "office": office_title(application.round.office, application.round.year, language=language),
        "round": application.round,
        "receipt": receipt,
    }
    subject, body = render_email(subject_template="applications/email/receipt_subject.txt",
                                 body_template="applications/email/receipt_body.txt", context=context,
                                 language=language)
    with receipt.pdf.open("rb") as file:
        pdf = file.read()
    sent = send_once(
        key=receipt_email_key(receipt.application_id, receipt.submission_number),
        to=to, subject=subject, body=body, language=language, office_id=application.round.office_id,
        attachments=[(receipt_file_name(application=application, submission_number=receipt.submission_number),
                      pdf, "application/pdf")],
    )
    if sent:
        ApplicationEvent.objects.create(
            application=application, kind=EventKind.EMAIL_SENT, actor=None, object_id=receipt.pk,
            data={"to": to, "what": "receipt", "submission_number": receipt.submission_number},
        )
    return sent
