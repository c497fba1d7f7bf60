"""The reminder e-mails: subject, body and links, in the organisation's language form (the office's
summaries in bokmål). `reminders` decides what is due and sends; this module only composes."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.formatting import deadline_text
from portal.mail import one_line, paragraphs
from portal.offices import office_title
from reporting.models import ReportStatus
from schemes.models import Round, Scheme

from .models import ReminderKind
from .occasions import Occasion
from .schedule import OSLO


def _absolute(path: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def _round_reports_path(round_: Round) -> str:
    """The office's overview of the round's reports."""
    return reverse("reporting:round_reports", kwargs={"round_pk": round_.pk})


def _link(occasion: Occasion) -> str:
    if occasion.kind == ReminderKind.APPLICATION_DEADLINE:
        if occasion.application is not None:
            return _absolute(reverse("applications:overview", kwargs={"pk": occasion.application[0]}))
        return _absolute(occasion.round.get_absolute_url())
    if occasion.kind == ReminderKind.OVERDUE_SUMMARY:
        return _absolute(_round_reports_path(occasion.round))
    return _absolute(occasion.report.get_absolute_url())


def notification_url(occasion: Occasion) -> str:
    """The same for every recipient of a kind in a round, so notifications are written in bulk."""
    if occasion.kind == ReminderKind.APPLICATION_DEADLINE:
        return occasion.round.get_absolute_url()
    if occasion.kind == ReminderKind.OVERDUE_SUMMARY:
        return _round_reports_path(occasion.round)
    return reverse("applications:mine")


def _deadline(occasion: Occasion) -> dt.datetime:
    if occasion.kind == ReminderKind.APPLICATION_DEADLINE:
        return occasion.round.closes_at
    if occasion.kind == ReminderKind.OVERDUE_SUMMARY:
        return occasion.round.reporting_deadline
    return occasion.report.due_at


def reminder_facts(occasion: Occasion) -> dict:
    """The facts a reminder's subject is made of: stored with its notification, so the text can be
    composed again in whoever reads it's language (never stored translated)."""
    return {"reminder": occasion.kind, "offset": occasion.offset, "round": occasion.round.pk,
            "scheme": occasion.round.scheme.pk, "year": occasion.round.year,
            "deadline": _deadline(occasion).isoformat(),
            "count": len(occasion.overdue_reports) if occasion.kind == ReminderKind.OVERDUE_SUMMARY else 0}


def reminder_subject_from(facts: dict, scheme=None) -> str:
    """What the reminder is about, in the active language, from its facts."""
    scheme = scheme or Scheme.objects.filter(pk=facts["scheme"]).first()
    with timezone.override(OSLO):
        values = {"scheme": str(scheme or ""), "year": facts["year"],
                  "deadline": deadline_text(dt.datetime.fromisoformat(facts["deadline"]))}
        kind = facts["reminder"]
        if kind == ReminderKind.APPLICATION_DEADLINE:
            return _("the application deadline for %(scheme)s %(year)s is %(deadline)s") % values
        if kind == ReminderKind.REPORTING_DEADLINE:
            return _("the report on the use of funds for %(scheme)s %(year)s is due %(deadline)s") % values
        if kind == ReminderKind.REPORT_OVERDUE:
            return _("the report on the use of funds for %(scheme)s %(year)s is overdue") % values
        count = facts.get("count", 0)
        return ngettext("%(count)d overdue report in %(scheme)s %(year)s",
                        "%(count)d overdue reports in %(scheme)s %(year)s", count) % {**values, "count": count}


def reminder_subject(occasion: Occasion) -> str:
    """What the reminder is about, in the active language; the e-mail's subject is 'Reminder: …'
    of it, as the notification list shows it."""
    return reminder_subject_from(reminder_facts(occasion), scheme=occasion.round.scheme)


@dataclass
class ReminderEmail:
    subject: str
    body: str
    to: list[str]
    language: str
    kind: str
    offset: int

    def message(self, connection=None) -> EmailMessage:
        return EmailMessage(
            subject=self.subject, body=self.body, from_email=settings.DEFAULT_FROM_EMAIL, to=self.to,
            connection=connection,
            headers={"Content-Language": self.language, "Auto-Submitted": "auto-generated",
                     "X-Tilskudd-Reminder": f"{self.kind}; offset={self.offset}"},
        )

    def send_with(self, connection) -> None:
        self.message(connection).send(fail_silently=False)


def reminder_email(*, occasion: Occasion, user) -> ReminderEmail:
    """The e-mail to one recipient, in the organisation's language form (summaries in bokmål)."""
    round_ = occasion.round
    language = occasion.language
    context = {
        "occasion": occasion, "user": user, "round": round_, "office": office_title(round_.office, round_.year, language=language),
        "organisation": occasion.organisation, "report": occasion.report,
        "reports": occasion.overdue_reports, "deadline": _deadline(occasion), "link": _link(occasion),
        "has_application": occasion.application is not None,
        "returned": occasion.report is not None and occasion.report.status == ReportStatus.RETURNED,
    }
    with translation.override(language), timezone.override(OSLO):
        context["scheme"] = str(round_.scheme)
        subject = one_line(_("Reminder: %(subject)s") % {"subject": reminder_subject(occasion)})
        body = paragraphs(render_to_string(f"reminders/email/reminder_{occasion.kind}.txt", context))
    return ReminderEmail(subject=subject, body=body, to=[user.email], language=language, kind=occasion.kind,
                         offset=occasion.offset)
