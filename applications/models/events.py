from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..hooks import event_kind_label
from .application import Application, ApplicationStatus


class EventKind(models.TextChoices):
    """What the municipality's side does to its application. The layers above write events of
    their own kinds into the same history (`casework.models.CaseworkEvent`, ...), registered in
    `applications.hooks` so that the history names them."""

    CREATED = "created", _("Application started")
    SECTION_SAVED = "section_saved", _("Section saved")
    LINE_ADDED = "line_added", _("Line added")
    LINE_CHANGED = "line_changed", _("Line changed")
    LINE_REMOVED = "line_removed", _("Line removed")
    LINES_COPIED = "lines_copied", _("Measures and projects copied from an earlier year")
    FILE_UPLOADED = "file_uploaded", _("File uploaded")
    FILE_REMOVED = "file_removed", _("File removed")
    STATUS_CHANGED = "status_changed", _("Status changed")
    RECEIPT_CREATED = "receipt_created", _("Receipt made")
    EMAIL_SENT = "email_sent", _("E-mail sent")
    READY_FOR_SIGNATURE = "ready_for_signature", _("Marked ready for signature")


class ApplicationEvent(models.Model):
    """Who did what to an application, and when: its whole history, the office's part included
    (events the applicant may not see are `visible_to_applicant=False`). Never changed once written."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="events", verbose_name=_("application")
    )
    kind = models.CharField(_("kind"), max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    section = models.CharField(_("section"), max_length=30, blank=True)
    from_status = models.CharField(_("from status"), max_length=20, blank=True)
    to_status = models.CharField(_("to status"), max_length=20, blank=True)
    version = models.PositiveIntegerField(_("version"), null=True, blank=True)
    object_id = models.BigIntegerField(_("line or file"), null=True, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    visible_to_applicant = models.BooleanField(_("visible to the applicant"), default=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["application", "created_at", "id"]
        indexes = [models.Index(fields=["application", "section", "object_id", "version"])]

    @property
    def is_status_change(self) -> bool:
        return self.kind == EventKind.STATUS_CHANGED

    @property
    def is_section_save(self) -> bool:
        return self.kind == EventKind.SECTION_SAVED

    @property
    def kind_label(self) -> str:
        return event_kind_label(self.kind)

    @property
    def from_status_label(self) -> str:
        return str(ApplicationStatus(self.from_status).label) if self.from_status else ""

    @property
    def to_status_label(self) -> str:
        return str(ApplicationStatus(self.to_status).label) if self.to_status else ""

    def __str__(self):
        return f"{self.kind_label} – {self.created_at:%d.%m.%Y %H:%M}"
