"""The office's notifications: their kinds, and the sentences they are shown with (registered in
`portal.notifications` by `CaseworkConfig.ready()`)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal import notifications


class CaseworkNotice(models.TextChoices):
    INFORMATION_REQUESTED = "information_requested", _("More information requested")
    DECISION_PROPOSED = "decision_proposed", _("A decision waits for approval")
    DECISION_SENT = "decision_sent", _("The decision is sent")
    APPEAL_LODGED = "appeal_lodged", _("An appeal was lodged")
    DECISION_RETURNED = "decision_returned", _("A proposed decision was returned to the caseworker")


def register() -> None:
    notifications.register(CaseworkNotice.INFORMATION_REQUESTED, notifications.sentence(
        _("The County Governor asks %(organisation)s for more information: %(message)s")))
    notifications.register(CaseworkNotice.DECISION_SENT, notifications.sentence(
        _("The decision on %(organisation)s's application is sent.")))
    notifications.register(CaseworkNotice.APPEAL_LODGED, notifications.sentence(
        _("%(organisation)s has lodged an appeal against the decision on its application.")))
    notifications.register(CaseworkNotice.DECISION_PROPOSED, notifications.sentence(
        _("A decision on %(organisation)s's application waits for approval.")))
    notifications.register(CaseworkNotice.DECISION_RETURNED, notifications.sentence(
        _("%(approver)s returned the proposed decision on %(organisation)s's application: %(comment)s")))
