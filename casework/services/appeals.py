"""Appeals (klage) against a decision that was sent: registered with the date received (within
three weeks of the letter, forvaltningsloven § 29), and their handling recorded."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import ApplicationEvent

from ..exceptions import CaseworkError
from ..models import Appeal, AppealHandling, CaseworkEvent, Decision, DecisionStatus
from ..permissions import can_send_decision
from ..rules import appeal_deadline


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
                                       within_deadline=received_on <= appeal_deadline(decision), registered_by=user)
        ApplicationEvent.objects.create(
            application=decision.application, actor=user, kind=CaseworkEvent.APPEAL_REGISTERED, object_id=appeal.pk,
            data={"received_on": received_on.isoformat(), "within_deadline": appeal.within_deadline},
        )
    return appeal


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
