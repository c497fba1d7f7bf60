"""Reports on the use of funds.

A granted application gets one GrantReport, with one line per awarded measure or project (the
awards copied from the decision, so the report reads against what was granted)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import Application, LinePart


class ReportEvent(models.TextChoices):
    """What happens to a report, written into the application's history (`ApplicationEvent.kind`);
    registered in `applications.hooks` so that the history names it."""

    REPORT_SUBMITTED = "report_submitted", _("Report submitted")
    REPORT_APPROVED = "report_approved", _("Report approved")
    REPORT_RETURNED = "report_returned", _("Report returned")
    REPORT_READY_FOR_SIGNATURE = "report_ready_for_signature", _("Report marked ready for signature")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for changes")
    APPROVED = "approved", _("Approved")


class GrantReport(models.Model):
    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="report",
                                       verbose_name=_("application"))
    status = models.CharField(_("status"), max_length=20, choices=ReportStatus.choices,
                              default=ReportStatus.DRAFT, editable=False)
    due_at = models.DateTimeField(_("due"))
    total_awarded = models.PositiveBigIntegerField(_("granted (NOK)"), editable=False)
    auditor_statement_required = models.BooleanField(_("auditor's statement required"), default=False,
                                                     editable=False)
    overall_account = models.TextField(_("overall account"), blank=True,
                                       help_text=_("How the grant was used, in all, and what it achieved."))
    auditor_statement = models.FileField(_("auditor's statement"), upload_to="reports/%Y/", blank=True)
    auditor_statement_name = models.CharField(_("file name"), max_length=255, blank=True)
    version = models.PositiveIntegerField(_("version"), default=0, editable=False)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("submitted by"), editable=False)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True, editable=False)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("reviewed by"), editable=False)
    return_message = models.TextField(_("what is missing"), blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("report on the use of funds")
        verbose_name_plural = _("reports on the use of funds")
        ordering = ["due_at", "application"]

    def __str__(self):
        return f"{self.application}"

    def get_absolute_url(self):
        return reverse("reporting:report", kwargs={"pk": self.application_id})


class ReportLine(models.Model):
    report = models.ForeignKey(GrantReport, on_delete=models.CASCADE, related_name="lines", verbose_name=_("report"))
    part = models.CharField(_("part"), max_length=10, choices=LinePart.choices)
    line_id = models.BigIntegerField(_("line"))
    title = models.CharField(_("title"), max_length=200)
    awarded = models.PositiveBigIntegerField(_("granted (NOK)"))
    amount_used = models.PositiveBigIntegerField(_("amount used (NOK)"), null=True, blank=True)
    participants_planned = models.PositiveIntegerField(_("participants planned"), null=True, blank=True)
    participants_completed = models.PositiveIntegerField(_("participants who completed"), null=True, blank=True)
    achievements = models.TextField(_("what was achieved against the sub-goals"), blank=True)
    overspend_explanation = models.TextField(_("why more was used than granted"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("report line")
        verbose_name_plural = _("report lines")
        ordering = ["report", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "part", "line_id"], name="report_line_once"),
        ]

    def __str__(self):
        return self.title

    @property
    def unused(self) -> int:
        return max(self.awarded - (self.amount_used or 0), 0) if self.amount_used is not None else 0

    @property
    def overspent(self) -> bool:
        return self.amount_used is not None and self.amount_used > self.awarded


class ReportSignatureRequest(models.Model):
    """An editor's hand-over of the report: "ready for the signatory to submit". A recorded fact, not
    a status (as `applications.models.SignatureRequest`): editing goes on, a change after it is shown,
    and it counts only until the report is next submitted."""

    report = models.ForeignKey(GrantReport, on_delete=models.CASCADE, related_name="signature_requests",
                               verbose_name=_("report"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("marked by"))
    requested_at = models.DateTimeField(_("marked"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("request for signature of a report")
        verbose_name_plural = _("requests for signature of reports")
        ordering = ["report", "-requested_at", "-id"]

    def __str__(self):
        return f"{self.report} – {self.requested_at:%d.%m.%Y %H:%M}"

    def get_absolute_url(self):
        return self.report.get_absolute_url()
