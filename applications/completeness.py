"""What is missing from an application: one list of problems, each linked to its field.

The task list, the check page and the submission guard all read this one function, so what the
municipality is told is missing is exactly what stops a submission.
"""

from dataclasses import dataclass, field

from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from schemes.rules import target_group_allows

from .models import Application, AttachmentKind
from .rules import competence_plan_is_up_to_date


class SectionKey(models.TextChoices):
    """The application's sections, each on its own page (and named in the history)."""

    DETAILS = "details", _("Contact person and cover letter")
    PLAN = "plan", _("Competence plan")
    MEASURES = "measures", _("Competence measures")
    PROJECTS = "projects", _("Innovation projects")


class SectionState(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETE = "complete", _("Complete")


def section_label(section: str) -> str:
    """The section an event of the history is about ("Section saved" says which), or ""."""
    return str(SectionKey(section).label) if section in SectionKey.values else ""


NOT_STARTED, IN_PROGRESS, COMPLETE = SectionState.NOT_STARTED, SectionState.IN_PROGRESS, SectionState.COMPLETE


@dataclass(frozen=True)
class Problem:
    section: str
    message: str
    url: str


@dataclass
class Section:
    key: str
    title: str
    url: str
    state: str
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def state_label(self):
        return SectionState(self.state).label

    @property
    def is_complete(self) -> bool:
        return self.state == SectionState.COMPLETE

    @property
    def is_in_progress(self) -> bool:
        return self.state == SectionState.IN_PROGRESS

    @property
    def is_list(self) -> bool:
        """Measures and projects: their pages list the lines, readable whether or not one may edit."""
        return self.key in (SectionKey.MEASURES, SectionKey.PROJECTS)


def _url(name, application, anchor="", **kwargs):
    return reverse(f"applications:{name}", kwargs={"pk": application.pk, **kwargs}) + (f"#{anchor}" if anchor else "")


def competence_plan(application: Application):
    """The newest uploaded competence plan, from the prefetched attachments."""
    plans = [a for a in application.attachments.all() if a.kind == AttachmentKind.COMPETENCE_PLAN]
    return max(plans, key=lambda a: (a.uploaded_at, a.pk)) if plans else None


def _details(application) -> Section:
    url = _url("details", application)
    problems = []
    if not application.contact_name:
        problems.append(Problem(SectionKey.DETAILS, _("Give the contact person's name."), url + "#id_contact_name"))
    if not application.contact_email:
        problems.append(Problem(SectionKey.DETAILS, _("Give the contact person's e-mail address."), url + "#id_contact_email"))
    if application.projects.all() and not application.project_priorities:
        problems.append(Problem(SectionKey.DETAILS, _("State the municipality's priorities among its innovation projects."),
                                url + "#id_project_priorities"))
    if application.measures.all() and not application.competence_raising_plan:
        problems.append(Problem(SectionKey.DETAILS, _("Describe the plan for raising competence."),
                                url + "#id_competence_raising_plan"))
    started = application.details_version > 0
    state = COMPLETE if started and not problems else (IN_PROGRESS if started else NOT_STARTED)
    return Section(SectionKey.DETAILS, SectionKey.DETAILS.label, url, state, problems)


def _plan(application) -> Section:
    url = _url("plan", application)
    plan = competence_plan(application)
    required = application.round.competence_plan_required and bool(application.measures.all())
    problems, notes = [], []
    if required and plan is None:
        problems.append(Problem(SectionKey.PLAN, _("Upload the competence plan (PDF, DOCX or ODT)."), url + "#id_file"))
    if (required or plan) and not application.competence_plan_updated_on:
        problems.append(Problem(SectionKey.PLAN, _("Give the date the competence plan was last updated."),
                                url + "#id_competence_plan_updated_on"))
    if (required or plan) and not application.competence_plan_adopted_by:
        problems.append(Problem(SectionKey.PLAN, _("Say who adopted the competence plan."), url + "#id_competence_plan_adopted_by"))
    if competence_plan_is_up_to_date(application) is False:
        notes.append(_("The competence plan is not up to date: it is older than %(months)d months. "
                       "Municipalities with an up-to-date plan are prioritised.")
                     % {"months": application.round.competence_plan_max_age_months})
    started = plan is not None or application.plan_version > 0
    if not required and not started:
        state = COMPLETE
        notes.append(_("Not required: the application has no competence measures."))
    else:
        state = COMPLETE if started and not problems else (IN_PROGRESS if started else NOT_STARTED)
    return Section(SectionKey.PLAN, SectionKey.PLAN.label, url, state, problems, notes)


def _measures(application) -> Section:
    url = _url("measures", application)
    problems = []
    for measure in application.measures.all():
        def need(condition, message, field_name, measure=measure):
            if condition:  # the line's link is made only for a problem: a complete line costs no reverse()
                edit = _url("measure_edit", application, line_pk=measure.pk)
                problems.append(Problem(SectionKey.MEASURES, _("%(title)s: %(message)s") % {
                    "title": measure.title, "message": message}, f"{edit}#id_{field_name}"))

        need(not measure.kind, _("choose the kind of measure."), "kind")
        need(not measure.description, _("describe the measure."), "description")
        need(not measure.service_area, _("choose the service area."), "service_area")
        need(measure.target_group_id is None, _("choose the target group."), "target_group")
        need(not target_group_allows(measure.target_group, concerns_mental_health=measure.concerns_mental_health),
             _("staff of other agencies are a target group only for mental health and substance abuse measures."),
             "target_group")
        need(not measure.participants, _("give the number of participants."), "participants")
        need(measure.total_cost is None, _("give the total cost."), "total_cost")
        need(measure.amount_applied is None, _("give the amount applied for."), "amount_applied")
        need(measure.own_funding is None, _("give the own funding (0 if none)."), "own_funding")
    has_lines = bool(application.measures.all()) or bool(application.projects.all())
    if not has_lines:
        problems.append(Problem(SectionKey.MEASURES, _("Add at least one competence measure or innovation project."),
                                _url("measure_add", application)))
    state = NOT_STARTED if not application.measures.all() else (COMPLETE if not problems else IN_PROGRESS)
    if not application.measures.all() and application.projects.all():
        state = COMPLETE
    return Section(SectionKey.MEASURES, SectionKey.MEASURES.label, url, state, problems)


def _projects(application) -> Section:
    url = _url("projects", application)
    problems = []
    for project in application.projects.all():
        def need(condition, message, field_name, project=project):
            if condition:
                edit = _url("project_edit", application, line_pk=project.pk)
                problems.append(Problem(SectionKey.PROJECTS, _("%(title)s: %(message)s") % {
                    "title": project.title, "message": message}, f"{edit}#id_{field_name}"))

        need(not project.description, _("describe the project."), "description")
        need(not project.sub_goals.all(), _("choose at least one sub-goal."), "sub_goals")
        need(not project.starts_on or not project.ends_on, _("give the project period."), "starts_on")
        need(project.total_budget is None, _("give the total budget."), "total_budget")
        need(project.amount_applied is None, _("give the amount applied for."), "amount_applied")
        need(project.own_share is None, _("give the own share (0 if none)."), "own_share")
        need(project.priority_rank is None, _("give the municipality's priority."), "priority_rank")
    if not application.projects.all():
        state = COMPLETE if application.measures.all() else NOT_STARTED
    else:
        state = COMPLETE if not problems else IN_PROGRESS
    return Section(SectionKey.PROJECTS, SectionKey.PROJECTS.label, url, state, problems)


# What the sections are computed from, besides the prefetched lines and files: when none of it has
# changed on the instance, the sections computed for it before are still right.
_SECTION_INPUTS = ("status", "contact_name", "contact_email", "project_priorities", "competence_raising_plan",
                   "details_version", "plan_version", "competence_plan_updated_on", "competence_plan_adopted_by",
                   "round_id")


def _sections_key(application) -> tuple:
    prefetched = getattr(application, "_prefetched_objects_cache", {})
    return (get_language(), tuple(getattr(application, name, None) for name in _SECTION_INPUTS),
            tuple(id(prefetched.get(name)) for name in ("measures", "projects", "attachments")))


def application_sections(*, application: Application) -> list[Section]:
    """The task list. `application` should come from `application_get_full` (constant queries).

    Computed once per instance: a page asks for them more than once (the task list shows them,
    the submit button asks whether any problem is left, so does the next step). Kept on the instance
    beside the inputs they were computed from (and the language their messages are in), and computed
    again if any of those changed (a field set, the lines read again)."""
    key = _sections_key(application)
    memo = application.__dict__.get("_sections_memo")
    if memo is not None and memo[0] == key:
        return memo[1]
    sections = [_details(application), _plan(application), _measures(application), _projects(application)]
    application.__dict__["_sections_memo"] = (key, sections)
    return sections


def application_problems(*, application: Application) -> list[Problem]:
    return [p for section in application_sections(application=application) for p in section.problems]
