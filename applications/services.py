"""Writes for the joint application. Views, tasks and commands call these; they never write the
models themselves. Every save locks the application row, checks the version the user's page was
based on, writes, and records an event with what the section now holds."""

import datetime as dt
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import (
    Application,
    ApplicationEvent,
    ApplicationStatus,
    Attachment,
    AttachmentKind,
    CompetenceMeasure,
    EventKind,
    InnovationProject,
)
from .permissions import can_edit_application, can_start_application
from .uploads import upload_inspect
from .workflow import TransitionError, transition_perform

DETAILS_FIELDS = ["contact_name", "contact_email", "contact_phone", "project_priorities", "competence_raising_plan"]
PLAN_FIELDS = ["competence_plan_updated_on", "competence_plan_adopted_by"]
MEASURE_FIELDS = ["kind", "title", "description", "service_area", "concerns_mental_health", "target_group",
                  "participants", "gives_credits", "total_cost", "amount_applied", "own_funding"]
PROJECT_FIELDS = ["title", "description", "sub_goals", "partners", "starts_on", "ends_on", "total_budget",
                  "amount_applied", "own_share", "priority_rank"]


class ApplicationError(Exception):
    """A write was refused; the message is for the user."""


class LineRuleError(ApplicationError):
    """A line breaks a rule of the scheme; `errors` maps field names to messages for the form."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__(" ".join(str(m) for m in errors.values()))


@dataclass
class StaleEdit(ApplicationError):
    """Someone saved this section after the user's page was opened. Nothing was written."""

    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (field label, was, is now)
    changed_by: str = ""
    changed_at: dt.datetime | None = None
    current_version: int = 0
    removed: bool = False

    def __str__(self):
        if self.removed:
            return _("Someone removed this line after you opened the page. Your text is kept below.")
        return _("Someone else saved this section after you opened it. Nothing was overwritten: "
                 "compare the changes, then save again.")


# --- snapshots: what a section holds, in words a person reads -----------------------------------

def _display(obj, name):
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


def snapshot(obj, fields) -> dict:
    return {name: _display(obj, name) for name in fields}


def _diff(obj, fields, before: dict | None, after: dict) -> list[tuple[str, str, str]]:
    before = before or {}
    return [
        (str(obj._meta.get_field(name).verbose_name), before.get(name, ""), after.get(name, ""))
        for name in fields if before.get(name, "") != after.get(name, "")
    ]


def _stale(application, obj, fields, section, base_version, current_version, object_id=None) -> StaleEdit:
    from .selectors import section_snapshot

    last = (application.events.filter(section=section, object_id=object_id).select_related("actor")
            .order_by("-id").first())
    before = section_snapshot(application=application, section=section, version=base_version, object_id=object_id)
    return StaleEdit(
        changes=_diff(obj, fields, before, snapshot(obj, fields)),
        changed_by=str(last.actor) if last and last.actor else "",
        changed_at=last.created_at if last else None,
        current_version=current_version,
    )


def _lock_for_edit(application: Application, user) -> Application:
    locked = Application.objects.select_for_update(of=("self",)).select_related("round", "organisation").get(pk=application.pk)
    verdict = can_edit_application(user, locked)
    if not verdict:
        raise ApplicationError(str(verdict.reason))
    return locked


def _event(application, user, kind, **kwargs) -> ApplicationEvent:
    return ApplicationEvent.objects.create(application=application, actor=user, kind=kind, **kwargs)


# --- starting ------------------------------------------------------------------------------------

def application_start(*, round, organisation, user, copy_previous: bool = False) -> tuple[Application, bool]:
    """The organisation's one application to the round: made if missing, else the existing one.
    Two simultaneous starts make one (the unique constraint decides; the loser reads the winner's)."""
    from portal.permissions import organisation_ids_with_role
    from portal.models import Role

    if organisation.pk not in organisation_ids_with_role(user, Role.EDITOR, Role.SIGNATORY):
        raise ApplicationError(_("You are not a member of this organisation."))
    existing = Application.objects.filter(round=round, organisation=organisation).first()
    if existing:
        return existing, False
    verdict = can_start_application(user, round, organisation)
    if not verdict:
        raise ApplicationError(str(verdict.reason))
    try:
        with transaction.atomic():
            application = Application.objects.create(
                round=round, organisation=organisation, created_by=user,
                contact_name=user.full_name, contact_email=user.email, contact_phone=user.phone,
            )
            _event(application, user, EventKind.CREATED, to_status=ApplicationStatus.DRAFT)
    except IntegrityError:
        return Application.objects.get(round=round, organisation=organisation), False
    if copy_previous:
        application_copy_previous(application=application, user=user)
    return application, True


@transaction.atomic
def application_copy_previous(*, application: Application, user) -> int:
    """Copy last year's measures and projects into a new draft (sub-goals and target groups are
    matched by code, since a new round may belong to a new version of the scheme)."""
    from .selectors import application_previous

    previous = application_previous(application=application)
    locked = _lock_for_edit(application, user)
    if previous is None or locked.measures.exists() or locked.projects.exists():
        return 0
    scheme = locked.round.scheme
    groups = {g.code: g for g in scheme.target_groups.all()}
    goals = {g.code: g for g in scheme.sub_goals.all()}
    count = 0
    for old in previous.measures.select_related("target_group"):
        CompetenceMeasure.objects.create(
            application=locked, copied_from_id=old.pk,
            target_group=groups.get(old.target_group.code) if old.target_group else None,
            **{f: getattr(old, f) for f in MEASURE_FIELDS if f != "target_group"},
        )
        count += 1
    for old in previous.projects.prefetch_related("sub_goals"):
        project = InnovationProject.objects.create(
            application=locked, copied_from_id=old.pk,
            **{f: getattr(old, f) for f in PROJECT_FIELDS if f not in ("sub_goals", "starts_on", "ends_on")},
        )
        project.sub_goals.set([goals[g.code] for g in old.sub_goals.all() if g.code in goals])
        count += 1
    locked.copied_from = previous
    locked.save(update_fields=["copied_from", "updated_at"])
    _event(locked, user, EventKind.LINES_COPIED,
           data={"copied_from": previous.pk, "lines": count, "year": previous.round.year})
    return count


# --- sections ------------------------------------------------------------------------------------

def _section_save(*, application, user, data: dict, base_version: int, section: str, fields, version_field):
    with transaction.atomic():
        locked = _lock_for_edit(application, user)
        current = getattr(locked, version_field)
        if base_version != current:
            raise _stale(locked, locked, fields, section, base_version, current)
        before = snapshot(locked, fields)
        for name in fields:
            if name in data:
                setattr(locked, name, data[name])
        setattr(locked, version_field, current + 1)
        locked.save()
        _event(locked, user, EventKind.SECTION_SAVED, section=section, version=current + 1,
               data={"values": snapshot(locked, fields), "before": before})
    return locked


def application_details_save(*, application: Application, user, data: dict, base_version: int) -> Application:
    return _section_save(application=application, user=user, data=data, base_version=base_version,
                         section="details", fields=DETAILS_FIELDS, version_field="details_version")


def application_plan_save(*, application: Application, user, data: dict, base_version: int,
                          upload=None) -> Application:
    """Save the plan's facts and, if given, a new plan file (checked by content before it is stored).
    A new file never overwrites anything, so it is kept even when the facts were saved by someone else
    meanwhile; then only the facts are refused, with what changed."""
    stale = None
    with transaction.atomic():
        locked = _lock_for_edit(application, user)
        if upload is not None:
            attachment_add(application=locked, user=user, kind=AttachmentKind.COMPETENCE_PLAN, upload=upload)
        current = locked.plan_version
        if base_version != current:
            stale = _stale(locked, locked, PLAN_FIELDS, "plan", base_version, current)
    if stale is not None:
        raise stale
    with transaction.atomic():
        locked = _lock_for_edit(application, user)
        current = locked.plan_version
        if base_version != current:
            raise _stale(locked, locked, PLAN_FIELDS, "plan", base_version, current)
        before = snapshot(locked, PLAN_FIELDS)
        for name in PLAN_FIELDS:
            if name in data:
                setattr(locked, name, data[name])
        locked.plan_version = current + 1
        locked.save()
        _event(locked, user, EventKind.SECTION_SAVED, section="plan", version=current + 1,
               data={"values": snapshot(locked, PLAN_FIELDS), "before": before})
    return locked


def attachment_add(*, application: Application, user, kind: str, upload) -> Attachment:
    """Check the file by its content and size, store it under a random name, record the event."""
    with transaction.atomic():
        locked = _lock_for_edit(application, user)
        used = sum(locked.attachments.values_list("size", flat=True))
        inspected = upload_inspect(upload, already_stored_bytes=used)
        upload.name = inspected.safe_name
        attachment = Attachment.objects.create(
            application=locked, kind=kind, file=upload, original_name=inspected.safe_name,
            content_type=inspected.content_type, size=inspected.size, sha256=inspected.sha256, uploaded_by=user,
        )
        _event(locked, user, EventKind.FILE_UPLOADED, section="plan" if kind == AttachmentKind.COMPETENCE_PLAN else "",
               object_id=attachment.pk, data={"name": inspected.safe_name, "size": inspected.size, "kind": kind})
    return attachment


def attachment_remove(*, application: Application, user, attachment: Attachment) -> None:
    with transaction.atomic():
        locked = _lock_for_edit(application, user)
        attachment = locked.attachments.get(pk=attachment.pk)
        name = attachment.original_name
        stored = attachment.file.name
        storage = attachment.file.storage
        attachment.delete()
        _event(locked, user, EventKind.FILE_REMOVED, object_id=attachment.pk, data={"name": name})
        transaction.on_commit(lambda: storage.delete(stored))


# --- lines: competence measures and innovation projects ------------------------------------------

def _line_save(*, application, user, model, line_pk, data: dict, base_version: int | None, section, fields):
    with transaction.atomic():
        locked = _lock_for_edit(application, user)
        before = None
        if line_pk is None:
            line = model(application=locked)
            version = 1
        else:
            line = model.objects.select_for_update().filter(application=locked, pk=line_pk).first()
            if line is None:
                raise StaleEdit(removed=True)
            if base_version != line.version:
                raise _stale(locked, line, fields, section, base_version, line.version, object_id=line.pk)
            version = line.version + 1
            before = snapshot(line, fields)
        many = {name: data.pop(name) for name in list(data) if model._meta.get_field(name).many_to_many}
        _check_line_rules(locked, line, data, many)
        for name in fields:
            if name in data:
                setattr(line, name, data[name])
        if line.proposed_award is not None and (line.amount_applied or 0) < line.proposed_award:
            # the municipality lowered what it applies for after the office proposed an award:
            # the award no longer holds and the caseworker must set it again (internal event)
            _event(locked, user, EventKind.AWARDS_CHANGED, visible_to_applicant=False, data={"changes": [{
                "part": section, "id": line.pk, "title": line.title, "from": line.proposed_award, "to": None,
                "reason": "amount_applied_lowered"}]})
            line.proposed_award = None
        line.version = version
        try:
            with transaction.atomic():
                line.save()
        except IntegrityError:
            raise LineRuleError({"priority_rank": _("Another project was just given this priority. "
                                                    "Each project needs its own priority.")})
        for name, values in many.items():
            getattr(line, name).set(values)
        _event(locked, user, EventKind.LINE_ADDED if line_pk is None else EventKind.LINE_CHANGED,
               section=section, object_id=line.pk, version=version,
               data={"values": snapshot(line, fields), "title": line.title,
                     **({"before": before} if before is not None else {})})
        locked.save(update_fields=["updated_at"])
    return line


def _check_line_rules(application, line, data: dict, many: dict) -> None:
    """The rules the forms check, checked again here under the lock, where no race can pass them:
    target groups and sub-goals of the round's own scheme, a priority used once, awards within
    what is applied for."""
    scheme_id = application.round.scheme_id
    errors = {}
    group = data.get("target_group")
    if group is not None and group.scheme_id != scheme_id:
        errors["target_group"] = _("Choose one of this scheme's target groups.")
    if group is not None and group.only_for_mental_health and not data.get(
            "concerns_mental_health", getattr(line, "concerns_mental_health", False)):
        errors["target_group"] = _("Staff of other municipal and county agencies are a target group only for "
                                   "measures that concern mental health and substance abuse.")
    if any(goal.scheme_id != scheme_id for goal in many.get("sub_goals", [])):
        errors["sub_goals"] = _("Choose among this scheme's sub-goals.")
    rank = data.get("priority_rank")
    if rank is not None and type(line).objects.filter(application=application, priority_rank=rank).exclude(
            pk=line.pk).exists():
        errors["priority_rank"] = _("Each project needs its own priority.")
    if errors:
        raise LineRuleError(errors)


def measure_save(*, application: Application, user, data: dict, measure_pk: int | None = None,
                 base_version: int | None = None) -> CompetenceMeasure:
    return _line_save(application=application, user=user, model=CompetenceMeasure, line_pk=measure_pk, data=data,
                      base_version=base_version, section="measures", fields=MEASURE_FIELDS)


def project_save(*, application: Application, user, data: dict, project_pk: int | None = None,
                 base_version: int | None = None) -> InnovationProject:
    return _line_save(application=application, user=user, model=InnovationProject, line_pk=project_pk, data=data,
                      base_version=base_version, section="projects", fields=PROJECT_FIELDS)


def line_remove(*, application: Application, user, model, line_pk: int, base_version: int) -> None:
    section = "measures" if model is CompetenceMeasure else "projects"
    fields = MEASURE_FIELDS if model is CompetenceMeasure else PROJECT_FIELDS
    with transaction.atomic():
        locked = _lock_for_edit(application, user)
        line = model.objects.select_for_update().filter(application=locked, pk=line_pk).first()
        if line is None:
            return  # already removed: removing twice is the same as once
        if base_version != line.version:
            raise _stale(locked, line, fields, section, base_version, line.version, object_id=line.pk)
        values = snapshot(line, fields)
        line.delete()
        _event(locked, user, EventKind.LINE_REMOVED, section=section, object_id=line_pk,
               data={"values": values, "title": values["title"]})
        locked.save(update_fields=["updated_at"])


# --- submission, withdrawal, starting again ------------------------------------------------------

def application_submit(*, application: Application, user, now: dt.datetime | None = None) -> Application:
    """Submit (or, when the office asked for more, send again). Re-validates everything with the row
    locked; a double click or retried request submits once. The receipt is made after commit."""
    from .tasks import receipt_create_task

    with transaction.atomic():
        # Read the status and count under the lock, not from the caller's copy: a second request that
        # loaded the draft before the first one committed must not queue a second receipt.
        current = Application.objects.select_for_update().get(pk=application.pk)
        name = "resubmit" if current.status == ApplicationStatus.RETURNED else "submit"
        submitted = transition_perform(application=current, name=name, user=user, now=now, idempotent=True)
        if submitted.submission_count != current.submission_count:
            number = submitted.submission_count
            # robust: a broker hiccup is logged, never shown to the user as a failed submission
            transaction.on_commit(lambda: receipt_create_task.delay(submitted.pk, number), robust=True)
    return submitted


def application_withdraw(*, application: Application, user, reason: str) -> Application:
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Give the reason for withdrawing the application."))
    return transition_perform(application=application, name="withdraw", user=user, data={"reason": reason},
                              idempotent=True)


def application_reopen(*, application: Application, user) -> Application:
    return transition_perform(application=application, name="reopen", user=user, idempotent=True)


__all__ = [
    "ApplicationError", "StaleEdit", "TransitionError", "application_start", "application_copy_previous",
    "application_details_save", "application_plan_save", "attachment_add", "attachment_remove", "measure_save",
    "project_save", "line_remove", "application_submit", "application_withdraw", "application_reopen",
]


def documents_missing(*, older_than_minutes: int = 10) -> tuple[list[tuple[int, int]], list[int]]:
    """Submissions without their receipt and approved decisions without their letter, older than a
    few minutes (so the first try has had its chance): what the catch-up task queues again."""
    import datetime as dt

    from django.db.models import Exists, OuterRef

    from .models import Decision, DecisionStatus, Receipt

    before = timezone.now() - dt.timedelta(minutes=older_than_minutes)
    has_receipt = Receipt.objects.filter(application=OuterRef("pk"), submission_number=OuterRef("submission_count"))
    receipts = list(
        Application.objects.filter(submission_count__gt=0, submitted_at__lt=before)
        .exclude(status__in=[ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN, ApplicationStatus.RETURNED])
        .exclude(Exists(has_receipt.exclude(pdf="")))
        .values_list("pk", "submission_count")
    )
    letters = list(Decision.objects.filter(status=DecisionStatus.APPROVED, letter_pdf="", approved_at__lt=before)
                   .values_list("pk", flat=True))
    return receipts, letters
