"""The log of reminders: every reminder the sweep sends is a Reminder row, unique per recipient,
round, kind and offset. The row is written before the e-mail goes, so no reminder is ever sent twice;
`delivery` says how it went (`portal.mail`'s one policy)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.models import Delivery
from schemes.models import Round


class ReminderKind(models.TextChoices):
    APPLICATION_DEADLINE = "application_deadline", _("Application deadline is near")
    REPORTING_DEADLINE = "reporting_deadline", _("Reporting deadline is near")
    REPORT_OVERDUE = "report_overdue", _("Report overdue")
    OVERDUE_SUMMARY = "overdue_summary", _("Daily summary of overdue reports")


class Reminder(models.Model):
    """One reminder to one person. Claimed (inserted) before it is sent; the unique constraint
    makes a second sweep, a second beat or a retried worker a no-op."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders",
                                  verbose_name=_("recipient"))
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("round"))
    kind = models.CharField(_("kind"), max_length=30, choices=ReminderKind.choices)
    offset = models.IntegerField(_("offset (days)"), help_text=_(
        "Days before the deadline; for overdue notices and summaries, days after it."))
    organisation = models.ForeignKey("portal.Organisation", null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="+", verbose_name=_("organisation"))
    created_at = models.DateTimeField(_("claimed"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True, help_text=_(
        "When it was claimed for sending; empty while it waits to be tried (again)."))
    delivery = models.CharField(_("delivery"), max_length=20, choices=Delivery.choices, default=Delivery.CLAIMED)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "round", "kind", "offset"], name="reminder_once"),
        ]
        indexes = [models.Index(fields=["round", "kind"], name="reminder_round_kind"), models.Index(fields=["sent_at"],
                                                                         condition=Q(sent_at__isnull=True),
                                                                         name="reminder_unsent")]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.offset}) – {self.recipient}"
