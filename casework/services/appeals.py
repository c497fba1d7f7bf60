"""Appeals (klage) against a decision that was sent: registered with the date received (within
three weeks of the letter, forvaltningsloven § 29), and their handling recorded.

Two ways in: the office registers an appeal that came by post or e-mail (`appeal_register`), and
the municipality's signatory lodges one online (`appeal_lodge`). Either lands in the decision's
appeal register with the date received. An appeal after the deadline is received all the same and
marked late (`within_deadline` False): whether it can still be considered is the office's to decide
(forvaltningsloven § 31), not the form's."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application, ApplicationEvent
from portal.selectors import office_users
from portal.services import notify
from portal.uploads import upload_inspect

from ..exceptions import CaseworkError
from ..models import Appeal, AppealHandling, CaseworkEvent, Decision, DecisionStatus
from ..notifications import CaseworkNotice
from ..permissions import can_lodge_appeal, can_send_decision
from ..rules import appeal_within_deadline


def _require_appeal_handler(user, application) -> None:
    verdict = can_send_decision(user, application)
    if not verdict:
        raise CaseworkError(str(verdict.reason))


def appeal_register(*, decision: Decision, user, received_on: dt.date, text: str) -> Appeal:
    text = (text or "").strip()
    if not text:
        raise CaseworkError(_("Write or paste the appeal's text."))
    if decision.status != DecisionStatus.SENT:
        raise CaseworkError(_("An appeal can only be registered against a decision that was sent."))
    if received_on > timezone.localdate():
        raise CaseworkError(_("The date received cannot be in the future."))
    with transaction.atomic():
        _require_appeal_handler(user, decision.application)
        appeal = Appeal.objects.create(decision=decision, received_on=received_on, text=text,
                                       within_deadline=appeal_within_deadline(decision, received_on),
                                       registered_by=user)
        ApplicationEvent.objects.create(
            application=decision.application, actor=user, kind=CaseworkEvent.APPEAL_REGISTERED, object_id=appeal.pk,
            data={"received_on": received_on.isoformat(), "within_deadline": appeal.within_deadline},
        )
    return appeal


def appeal_lodge(*, decision: Decision, user, text: str, attachment=None, now=None) -> tuple[Appeal, bool]:
    """The municipality's signatory appeals online: received today (Oslo time), marked late after the
    deadline, the office's caseworkers told after commit. The same appeal sent twice (a double click,
    the back button) is one appeal: returns (appeal, created)."""
    now = now or timezone.now()
    text = (text or "").strip()
    if not text:
        raise CaseworkError(_("Write the grounds for the appeal."))
    inspected = None
    if attachment:
        try:
            inspected = upload_inspect(attachment)
        except ValidationError as error:
            raise CaseworkError(" ".join(error.messages))
    with transaction.atomic():
        # the documented lock order (docs/architecture.md): the application, then its decision
        Application.objects.select_for_update().filter(pk=decision.application_id).first()
        locked = (Decision.objects.select_for_update(of=("self",))
                  .select_related("application__round", "application__organisation").get(pk=decision.pk))
        verdict = can_lodge_appeal(user, locked.application)
        if not verdict:
            raise CaseworkError(str(verdict.reason))
        existing = locked.appeals.filter(lodged_online=True, registered_by=user, text=text).first()
        if existing is not None:
            return existing, False
        received_on = timezone.localtime(now).date()
        appeal = Appeal(decision=locked, received_on=received_on, text=text, registered_by=user, lodged_online=True,
                        within_deadline=appeal_within_deadline(locked, received_on))
        if inspected is not None:
            attachment.name = inspected.safe_name
            appeal.attachment = attachment
            appeal.attachment_name = inspected.safe_name
            appeal.attachment_content_type = inspected.content_type
        appeal.save()
        ApplicationEvent.objects.create(
            application=locked.application, actor=user, kind=CaseworkEvent.APPEAL_REGISTERED, object_id=appeal.pk,
            data={"received_on": received_on.isoformat(), "within_deadline": appeal.within_deadline, "online": True},
        )
        transaction.on_commit(lambda: appeal_notify(appeal_id=appeal.pk), robust=True)
    return appeal, True


def appeal_notify(*, appeal_id: int) -> None:
    """After commit: the office's caseworkers hear of an appeal the municipality lodged online."""
    appeal = Appeal.objects.select_related("decision__application__organisation",
                                           "decision__application__round").get(pk=appeal_id)
    application = appeal.decision.application
    notify(users=office_users(office_id=application.round.office_id), kind=CaseworkNotice.APPEAL_LODGED,
           url=reverse("office:decision", kwargs={"pk": application.pk}),
           data={"organisation": application.organisation.name, "application": application.pk,
                 "within_deadline": appeal.within_deadline})


def appeal_handle(*, appeal: Appeal, user, handling: str, notes: str = "", now=None) -> Appeal:
    if handling not in AppealHandling.values or handling == AppealHandling.PENDING:
        raise CaseworkError(_("Choose how the appeal was handled."))
    with transaction.atomic():
        locked = (Appeal.objects.select_for_update(of=("self",)).select_related("decision__application__round")
                  .get(pk=appeal.pk))
        _require_appeal_handler(user, locked.decision.application)
        locked.handling = handling
        locked.handling_notes = (notes or "").strip()
        locked.handled_at = now or timezone.now()
        locked.save()
        ApplicationEvent.objects.create(
            application=locked.decision.application, actor=user, kind=CaseworkEvent.APPEAL_HANDLED,
            object_id=locked.pk, data={"handling": handling},
        )
    return locked
