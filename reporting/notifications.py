"""The report's notifications: their kinds, and the sentences they are shown with (registered in
`portal.notifications` by `ReportingConfig.ready()`)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal import notifications


class ReportNotice(models.TextChoices):
    REPORT_SUBMITTED = "report_submitted", _("A report was submitted")
    REPORT_RETURNED = "report_returned", _("A report was returned")
    REPORT_APPROVED = "report_approved", _("A report was approved")
    REPORT_READY_FOR_SIGNATURE = "report_ready_for_signature", _("A report is ready for signature")


def register() -> None:
    notifications.register(ReportNotice.REPORT_SUBMITTED, notifications.sentence(
        _("%(organisation)s has submitted its report.")))
    notifications.register(ReportNotice.REPORT_RETURNED, notifications.sentence(
        _("The County Governor returned %(organisation)s's report: %(message)s")))
    notifications.register(ReportNotice.REPORT_APPROVED, notifications.sentence(
        _("The report from %(organisation)s is approved.")))
    notifications.register(ReportNotice.REPORT_READY_FOR_SIGNATURE, notifications.sentence(
        _("%(editor)s has marked %(organisation)s's report ready for your signature.")))
