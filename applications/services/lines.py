"""Competence measures and innovation projects: many per application, each saved on its own, with
the scheme's rules checked again under the lock, where no race can pass them."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from portal.exceptions import StaleEdit
from schemes.rules import TARGET_GROUP_ONLY_FOR_MENTAL_HEALTH, target_group_allows

from ..completeness import SectionKey
from ..exceptions import LineRuleError
from ..models import MEASURE_FIELDS, PROJECT_FIELDS, Application, CompetenceMeasure, EventKind, InnovationProject
from ..signals import line_changing
from .editing import event_write, lock_for_edit, section_values, stale_edit

SECTIONS = {CompetenceMeasure: (SectionKey.MEASURES, MEASURE_FIELDS),
            InnovationProject: (SectionKey.PROJECTS, PROJECT_FIELDS)}


def _line_save(*, application, user, model, line_pk, data: dict, base_version: int | None):
    section, fields = SECTIONS[model]
    with transaction.atomic():
        locked = lock_for_edit(application, user)
        before = None
        if line_pk is None:
            line = model(application=locked)
            version = 1
        else:
            line = model.objects.select_for_update().filter(application=locked, pk=line_pk).first()
            if line is None:
                raise StaleEdit(removed=True)
            if base_version != line.version:
                raise stale_edit(locked, line, fields, section, base_version, line.version, object_id=line.pk)
            version = line.version + 1
            before = section_values(line, fields)
        many = {name: data.pop(name) for name in list(data) if model._meta.get_field(name).many_to_many}
        _check_line_rules(locked, line, data, many)
        for name in fields:
            if name in data:
                setattr(line, name, data[name])
        line_changing.send(sender=model, application=locked, line=line, user=user)
        line.version = version
        try:
            with transaction.atomic():
                line.save()
        except IntegrityError:
            raise LineRuleError({"priority_rank": _("Another project was just given this priority. "
                                                    "Each project needs its own priority.")})
        for name, values in many.items():
            getattr(line, name).set(values)
        event_write(locked, user, EventKind.LINE_ADDED if line_pk is None else EventKind.LINE_CHANGED,
                    section=section, object_id=line.pk, version=version,
                    data={"values": section_values(line, fields), "title": line.title,
                          **({"before": before} if before is not None else {})})
        locked.save(update_fields=["updated_at"])
    return line


def _check_line_rules(application, line, data: dict, many: dict) -> None:
    """The rules the forms check, checked again here under the lock: target groups and sub-goals of
    the round's own scheme, the rus og psykisk helse target-group rule, a priority used once."""
    scheme_id = application.round.scheme_id
    errors = {}
    group = data.get("target_group")
    if group is not None and group.scheme_id != scheme_id:
        errors["target_group"] = _("Choose one of this scheme's target groups.")
    concerns_mental_health = data.get("concerns_mental_health", getattr(line, "concerns_mental_health", False))
    if not target_group_allows(group, concerns_mental_health=concerns_mental_health):
        errors["target_group"] = TARGET_GROUP_ONLY_FOR_MENTAL_HEALTH
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
                      base_version=base_version)


def project_save(*, application: Application, user, data: dict, project_pk: int | None = None,
                 base_version: int | None = None) -> InnovationProject:
    return _line_save(application=application, user=user, model=InnovationProject, line_pk=project_pk, data=data,
                      base_version=base_version)


def line_remove(*, application: Application, user, model, line_pk: int, base_version: int) -> None:
    section, fields = SECTIONS[model]
    with transaction.atomic():
        locked = lock_for_edit(application, user)
        line = model.objects.select_for_update().filter(application=locked, pk=line_pk).first()
        if line is None:
            return  # already removed: removing twice is the same as once
        if base_version != line.version:
            raise stale_edit(locked, line, fields, section, base_version, line.version, object_id=line.pk)
        values = section_values(line, fields)
        line.delete()
        event_write(locked, user, EventKind.LINE_REMOVED, section=section, object_id=line_pk,
                    data={"values": values, "title": values["title"]})
        locked.save(update_fields=["updated_at"])
