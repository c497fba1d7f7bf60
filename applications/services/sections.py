"""The two sections that are fields of the application itself: the contact person and cover letter,
and the competence plan (its facts, and a new plan file)."""

from django.db import transaction

from ..completeness import SectionKey
from ..models import Application, AttachmentKind, EventKind
from .editing import event_write, lock_for_edit, section_values, stale_edit
from .files import attachment_add

DETAILS_FIELDS = ["contact_name", "contact_email", "contact_phone", "project_priorities", "competence_raising_plan"]
PLAN_FIELDS = ["competence_plan_updated_on", "competence_plan_adopted_by"]


def _section_write(locked: Application, user, *, data: dict, section: str, fields, version_field: str) -> None:
    """Set the section's fields, raise its version and record what it now holds (row locked)."""
    current = getattr(locked, version_field)
    before = section_values(locked, fields)
    changed = [name for name in fields if name in data]
    for name in changed:
        setattr(locked, name, data[name])
    setattr(locked, version_field, current + 1)
    locked.save(update_fields=[*changed, version_field, "updated_at"])  # the section's own columns only
    event_write(locked, user, EventKind.SECTION_SAVED, section=section, version=current + 1,
                data={"values": section_values(locked, fields), "before": before})


def application_details_save(*, application: Application, user, data: dict, base_version: int) -> Application:
    with transaction.atomic():
        locked = lock_for_edit(application, user)
        if base_version != locked.details_version:
            raise stale_edit(locked, locked, DETAILS_FIELDS, SectionKey.DETAILS, base_version, locked.details_version)
        _section_write(locked, user, data=data, section=SectionKey.DETAILS, fields=DETAILS_FIELDS,
                       version_field="details_version")
    return locked


def application_plan_save(*, application: Application, user, data: dict, base_version: int,
                          upload=None) -> Application:
    """Save the plan's facts and, if given, a new plan file (checked by content before it is stored).
    A new file never overwrites anything, so it is kept even when the facts were saved by someone else
    meanwhile; then only the facts are refused, with what changed."""
    if upload is not None:  # committed on its own: kept even if the facts below are refused
        attachment_add(application=application, user=user, kind=AttachmentKind.COMPETENCE_PLAN, upload=upload)
    with transaction.atomic():
        locked = lock_for_edit(application, user)
        if base_version != locked.plan_version:
            raise stale_edit(locked, locked, PLAN_FIELDS, SectionKey.PLAN, base_version, locked.plan_version)
        _section_write(locked, user, data=data, section=SectionKey.PLAN, fields=PLAN_FIELDS,
                       version_field="plan_version")
    return locked
