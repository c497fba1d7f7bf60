"""The decision letter: the individual decision (enkeltvedtak) as a PDF in the municipality's
language form, made once after approval and e-mailed once when the office sends it; and the
e-mail that tells the municipality the office has asked for more information.

`decision_letter_task` and `information_request_notify_task` (tasks.py) call these; every function
here is safe to run again: a stored letter is never made again, and each e-mail is sent at most
once (`portal.mail.send_once`).
"""

import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import capfirst

from applications.models import (
    Application,
    ApplicationEvent,
    CompetenceMeasure,
    EventKind,
    InnovationProject,
    LinePart,
    MeasureKind,
)
from applications.selectors import information_request_latest
from portal.language_forms import written_language_form
from portal.mail import recipients_clean, render_email, send_once
from portal.models import Role
from portal.offices import office_title
from portal.pdf import html_to_pdf, render_pdf_html
from portal.selectors import organisation_member_emails

from .exceptions import CaseworkError
from .models import CaseworkEvent, Decision, DecisionStatus, Outcome
from .rules import decision_known_to_applicant
from .selectors import decision_email_key, information_request_email_key

logger = logging.getLogger(__name__)

LETTER_STATUSES = (DecisionStatus.APPROVED, DecisionStatus.SENT)


# --- the PDF ---------------------------------------------------------------------------------------

def _part_labels() -> dict[str, str]:
    return {
        LinePart.MEASURE: capfirst(CompetenceMeasure._meta.verbose_name),
        LinePart.PROJECT: capfirst(InnovationProject._meta.verbose_name),
    }


def _letter_lines(decision: Decision) -> list[dict]:
    """The lines as the decision stored them, with their labels in the active language."""
    parts = _part_labels()
    kinds = dict(MeasureKind.choices)
    return [{
        "title": line["title"],
        "part": parts.get(line["part"], line["part"]),
        "kind": str(kinds.get(line["kind"], "")) if line.get("kind") else "",
        "mental_health": bool(line.get("mental_health")),
        "applied": line["applied"] or 0,
        "awarded": line["awarded"] or 0,
    } for line in decision.lines]


def _address_one_line(address: str) -> str:
    return ", ".join(line.strip() for line in (address or "").splitlines() if line.strip())


def decision_letter_context(*, decision: Decision) -> dict:
    """What the letter shows, in the active language (the caller overrides it)."""
    application = decision.application
    round_ = application.round
    office = round_.office
    letter_date = timezone.localtime(decision.approved_at or timezone.now()).date()
    return {
        "decision": decision,
        "application": application,
        "organisation": application.organisation,
        "round": round_,
        "scheme": round_.scheme,
        "office": office,
        # the letterhead is Norwegian (the letter's language form), the office named as in the round's year
        "office_name": office_title(office, round_.year, language=letter_language(decision)),
        "office_address": _address_one_line(office.postal_address),
        "appeal_email": office.email or round_.contact_email,
        "letter_date": letter_date,
        "lines": _letter_lines(decision),
        "granted": decision.total_awarded > 0,
        "threshold": round_.auditor_statement_threshold,
        "Outcome": Outcome,
    }


def letter_language(decision: Decision) -> str:
    """The language form stored at approval; before that, what the organisation's present choice
    means for a letter from the round's office (`portal.language_forms`)."""
    return decision.letter_language or application_letter_language(decision.application)


def application_letter_language(application: Application, decision: Decision | None = None) -> str:
    """'nb' or 'nn': the form the application's decision letter is (or will be) written in."""
    if decision is not None and decision.letter_language:
        return decision.letter_language
    return written_language_form(application.organisation, application.round.office)


def decision_letter_html(*, decision: Decision) -> str:
    """The decision letter as the HTML its PDF is made from, in the decision's language form and
    Norwegian time: the one rendering of the letter, for the PDF and for the decision page's preview."""
    return render_pdf_html(template="casework/pdf/decision_letter.html", language=letter_language(decision),
                           context=lambda: decision_letter_context(decision=decision))


def decision_letter_render_pdf(*, decision: Decision) -> bytes:
    """The decision letter as a PDF (PDF/A-2a): `decision_letter_html` made into a PDF."""
    return html_to_pdf(decision_letter_html(decision=decision))


def decision_letter_file_name(*, decision: Decision) -> str:
    return f"vedtak-{decision.application.reference.replace('/', '-')}.pdf"


def decision_for_letter(pk: int) -> Decision:
    return Decision.objects.select_related(
        "application__organisation", "application__round__scheme", "application__round__office",
        "proposed_by", "approved_by",
    ).get(pk=pk)


# --- making it once --------------------------------------------------------------------------------

def decision_letter_create(*, decision_id: int) -> Decision:
    """Make and store the letter of an approved (or sent) decision, once.

    The PDF is rendered with no row locked (WeasyPrint takes a second or more; a lock held that long
    would stall the approval and the board), then stored under the locks, application then decision,
    if no other run stored one meanwhile (its own render is then thrown away). A decision that already
    has its letter is returned untouched: a letter that may have been sent is never made again
    silently. Raises CaseworkError for a decision that is not approved."""
    decision = decision_for_letter(decision_id)
    if decision.letter_pdf:
        return decision
    if decision.status not in LETTER_STATUSES:
        raise CaseworkError("Only an approved decision gets a letter.")
    pdf = decision_letter_render_pdf(decision=decision)
    with transaction.atomic():
        # application, then decision: the order every casework write locks them in
        list(Application.objects.select_for_update(of=("self",)).filter(pk=decision.application_id).values_list("pk"))
        locked = Decision.objects.select_for_update(of=("self",)).get(pk=decision_id)
        if locked.letter_pdf:
            return locked
        if locked.status not in LETTER_STATUSES:
            raise CaseworkError("Only an approved decision gets a letter.")
        locked.letter_pdf.save(decision_letter_file_name(decision=decision), ContentFile(pdf), save=False)
        locked.letter_created_at = timezone.now()
        locked.save(update_fields=["letter_pdf", "letter_created_at"])
        ApplicationEvent.objects.create(
            application_id=locked.application_id, kind=CaseworkEvent.LETTER_CREATED, actor=None, object_id=locked.pk,
            visible_to_applicant=False, data={"language": letter_language(decision)},
        )
    return locked


# --- sending it once -------------------------------------------------------------------------------

def decision_letter_recipients(*, application: Application) -> list[str]:
    """The organisation's signatories, the application's contact person and the organisation's
    own address, each once."""
    organisation = application.organisation
    return recipients_clean([
        *organisation_member_emails(organisation_id=organisation.pk, roles=[Role.SIGNATORY]),
        application.contact_email, organisation.email,
    ])


def decision_letter_email(*, decision_id: int) -> bool:
    """E-mail the stored letter once to the municipality. True when it was sent now.

    Only a decision the office has sent (status sent) with a stored letter goes out."""
    decision = decision_for_letter(decision_id)
    if not decision_known_to_applicant(decision) or not decision.letter_pdf:
        logger.warning("Decision %s not e-mailed: it is %s and %s a letter.", decision_id, decision.status,
                       "has" if decision.letter_pdf else "has no")
        return False
    application = decision.application
    to = decision_letter_recipients(application=application)
    if not to:
        logger.warning("Decision %s has nobody to go to: no signatory, contact or organisation e-mail.", decision_id)
        return False
    language = letter_language(decision)
    round_ = application.round
    context = {
        "decision": decision,
        "application": application,
        "organisation": application.organisation,
        "scheme": round_.scheme,
        "office": office_title(round_.office, round_.year, language=language),
        "round": round_,
        "Outcome": Outcome,
    }
    subject, body = render_email(subject_template="casework/email/decision_subject.txt",
                                 body_template="casework/email/decision_body.txt", context=context, language=language)
    with decision.letter_pdf.open("rb") as file:
        pdf = file.read()
    sent = send_once(
        key=decision_email_key(decision_id), to=to, subject=subject, body=body, language=language,
        attachments=[(decision_letter_file_name(decision=decision), pdf, "application/pdf")],
        office_id=round_.office_id,
    )
    if sent:
        ApplicationEvent.objects.create(
            application=application, kind=EventKind.EMAIL_SENT, actor=None, object_id=decision.pk,
            data={"to": to, "what": "decision"},
        )
    return sent


# --- asking for more information -------------------------------------------------------------------

def information_request_recipients(*, application: Application) -> list[str]:
    """Everyone who can change and send the application again, and the contact person, each once."""
    return recipients_clean([
        *organisation_member_emails(organisation_id=application.organisation_id, roles=[Role.SIGNATORY, Role.EDITOR]),
        application.contact_email,
    ])


def application_link(application: Application) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + application.get_absolute_url()


def information_request_email(*, application_id: int) -> bool:
    """Tell the municipality, once per request, what the office asked for. True when it was sent now.

    Nothing is sent once the application is no longer returned (sent again or withdrawn)."""
    application = Application.objects.select_related("organisation", "round__scheme", "round__office").get(
        pk=application_id)
    request = information_request_latest(application=application)
    if request is None:
        logger.info("No information request to send for application %s (now %s).", application_id,
                    application.status)
        return False
    to = information_request_recipients(application=application)
    if not to:
        logger.warning("Information request %s has nobody to go to.", request.pk)
        return False
    round_ = application.round
    language = written_language_form(application.organisation, round_.office)
    context = {
        "application": application,
        "organisation": application.organisation,
        "scheme": round_.scheme,
        "office": office_title(round_.office, round_.year, language=language),
        "round": round_,
        "message": request.data.get("message", ""),
        "link": application_link(application),
    }
    subject, body = render_email(subject_template="casework/email/information_request_subject.txt",
                                 body_template="casework/email/information_request_body.txt", context=context,
                                 language=language)
    sent = send_once(key=information_request_email_key(application_id, request.pk), to=to, subject=subject, body=body,
                     language=language, office_id=round_.office_id)
    if sent:
        ApplicationEvent.objects.create(
            application=application, kind=EventKind.EMAIL_SENT, actor=None, object_id=request.pk,
            data={"to": to, "what": "information_request"},
        )
    return sent
