"""Starting an organisation's one application to a round, and copying last year's lines into it."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from portal.models import ORGANISATION_ROLES
from portal.permissions import organisation_ids_with_role

from ..exceptions import ApplicationError
from ..models import (
    MEASURE_FIELDS,
    PROJECT_FIELDS,
    Application,
    ApplicationStatus,
    CompetenceMeasure,
    EventKind,
    InnovationProject,
)
from ..permissions import can_start_application
from ..rules import takes_lines_from_last_year
from ..selectors import application_previous
from .editing import event_write, lock_for_edit


def application_start(*, round, organisation, user, copy_previous: bool = False) -> tuple[Application, bool]:
    """The organisation's one application to the round: made if missing, else the existing one.
    Two simultaneous starts make one (the unique constraint decides; the loser reads the winner's)."""
    if organisation.pk not in organisation_ids_with_role(user, *ORGANISATION_ROLES):
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
            event_write(application, user, EventKind.CREATED, to_status=ApplicationStatus.DRAFT)
    except IntegrityError:
        return Application.objects.get(round=round, organisation=organisation), False
    if copy_previous:
        application_copy_previous(application=application, user=user)
    return application, True


@transaction.atomic
def application_copy_previous(*, application: Application, user) -> int:
    """Copy last year's measures and projects into a new draft (sub-goals and target groups are
    matched by code, since a new round may belong to a new version of the scheme)."""
    previous = application_previous(application=application)
    locked = lock_for_edit(application, user)
    if previous is None or not takes_lines_from_last_year(has_measures=locked.measures.exists(),
                                                          has_projects=locked.projects.exists()):
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
    event_write(locked, user, EventKind.LINES_COPIED,
                data={"copied_from": previous.pk, "lines": count, "year": previous.round.year})
    return count
