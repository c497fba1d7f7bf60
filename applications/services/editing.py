"""What every write of the municipality's shares: the row locked with the right to edit checked,
the event written, and a stale page detected by comparing what a section holds in words."""

import datetime as dt

from django.utils.translation import gettext as _

from portal.exceptions import StaleEdit

from ..exceptions import ApplicationError
from ..models import Application, ApplicationEvent
from ..permissions import can_edit_application
from ..selectors import section_values_at


def lock_for_edit(application: Application, user) -> Application:
    """The application again, its row locked, if the user may edit it now; ApplicationError otherwise."""
    locked = (Application.objects.select_for_update(of=("self",)).select_related("round", "organisation")
              .get(pk=application.pk))
    verdict = can_edit_application(user, locked)
    if not verdict:
        raise ApplicationError(str(verdict.reason))
    return locked


def event_write(application, user, kind, **fields) -> ApplicationEvent:
    return ApplicationEvent.objects.create(application=application, actor=user, kind=kind, **fields)


def _display(obj, name) -> str:
    model_field = obj._meta.get_field(name)
    if model_field.many_to_many:
        return "; ".join(str(o) for o in getattr(obj, name).all())
    if name == "partners":
        return ", ".join(obj.partner_labels())
    value = getattr(obj, name)
    if model_field.choices and value:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    return "" if value is None else str(value)


def section_values(obj, fields) -> dict:
    """What a section (or a line) holds, in words a person reads: stored with each save's event."""
    return {name: _display(obj, name) for name in fields}


def _diff(obj, fields, before: dict | None, after: dict) -> list[tuple[str, str, str]]:
    before = before or {}
    return [
        (str(obj._meta.get_field(name).verbose_name), before.get(name, ""), after.get(name, ""))
        for name in fields if before.get(name, "") != after.get(name, "")
    ]


def stale_edit(application, obj, fields, section, base_version, current_version, object_id=None) -> StaleEdit:
    """The refusal of a save based on `base_version` when `current_version` is stored: what changed
    since, who saved it and when."""
    last = (application.events.filter(section=section, object_id=object_id).select_related("actor")
            .order_by("-id").first())
    before = section_values_at(application=application, section=section, version=base_version, object_id=object_id)
    return StaleEdit(
        changes=_diff(obj, fields, before, section_values(obj, fields)),
        changed_by=str(last.actor) if last and last.actor else "",
        changed_at=last.created_at if last else None,
        current_version=current_version,
    )
