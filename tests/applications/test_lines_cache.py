"""An application's lines, files and receipts come from the cache under a version the database raises
whenever they change (`applications.lines_version`, `applications.selectors.application_get_full`).
Whatever writes them (the municipality's pages, the office's awards, a bulk `update()`, raw SQL, an
admin renaming a target group), the very next task list shows what the database holds."""

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.models import (
    Application,
    Attachment,
    CompetenceMeasure,
    InnovationProject,
    Receipt,
)
from applications.receipts import receipt_create
from applications.selectors import _lines_key, application_get_full, line_prefetches, receipts_prefetch
from applications.services import (
    application_copy_previous,
    application_plan_save,
    application_start,
    application_submit,
    attachment_remove,
    line_remove,
    measure_save,
    project_save,
)
from portal.exceptions import TransitionError
from portal.models import Role
from portal.selectors import request_user_get
from schemes.models import SubGoal, TargetGroup
from tests.applications.factories import (
    ApplicationFactory,
    AttachmentFactory,
    CompetenceMeasureFactory,
    InnovationProjectFactory,
    member,
    pdf_upload,
    ready_to_submit,
)
from tests.portal.factories import MINIMAL_PDF
from tests.schemes.factories import RoundFactory, SubGoalFactory, TargetGroupFactory

pytestmark = pytest.mark.django_db


def version(application) -> int:
    """The application's lines version as the database has it now."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT lines_version FROM applications_application WHERE id = %s", [application.pk])
        return cursor.fetchone()[0]


def shown(application) -> dict:
    """What the pages show of an application's lines, files and receipts (read through its relations,
    as the templates and the completeness rules read them)."""
    return {
        "measures": [(m.title, m.amount_applied, m.proposed_award, m.target_group and m.target_group.text)
                     for m in application.measures.all()],
        "projects": [(p.title, p.priority_rank, [g.text for g in p.sub_goals.all()]) for p in application.projects.all()],
        "attachments": [(a.kind, a.original_name) for a in application.attachments.all()],
        "receipts": [r.submission_number for r in application.receipts.all()],
    }


def in_the_database(application) -> dict:
    return shown(Application.objects.prefetch_related(*line_prefetches(), receipts_prefetch()).get(pk=application.pk))


def task_list(client, application) -> dict:
    """What the task list read (the page's own application), by a GET of it."""
    response = client.get(reverse("applications:overview", args=[application.pk]))
    assert response.status_code == 200
    return shown(response.context["application"])


def warm(client, application) -> dict:
    """The task list, which leaves the application's lines in the cache (checked: else a test of what
    a change does to a warm cache would prove nothing)."""
    read = task_list(client, application)
    assert cache.get(_lines_key(Application.objects.get(pk=application.pk))) is not None
    return read


@pytest.fixture
def draft(organisation):
    """A draft with a measure (its target group), a project (its sub-goal) and the competence plan."""
    application = ApplicationFactory(organisation=organisation, complete=True)
    CompetenceMeasureFactory(application=application, title="Videreutdanning i rusarbeid")
    InnovationProjectFactory(application=application, title="Digitalt tilsyn", priority_rank=1)
    AttachmentFactory(application=application, original_name="Kompetanseplan.pdf")
    return application


# --- what a request reads -------------------------------------------------------------------------

def test_a_warm_read_is_the_application_alone_and_its_lines_ask_nothing_more(editor_client, draft):
    warm(editor_client, draft)
    user = request_user_get(pk=editor_client.user.pk)  # as the request has it: its memberships read

    with CaptureQueriesContext(connection) as queries:
        read = application_get_full(user=user, pk=draft.pk)
        lines = shown(read)
        back = [m.application for m in read.measures.all()] + [p.application for p in read.projects.all()]

    assert len(queries) == 1 and queries[0]["sql"].startswith('SELECT "applications_application"."id"')
    assert lines == in_the_database(draft)
    assert all(application is read for application in back)


def test_the_cached_lines_are_the_applications_own_when_filtered_further(editor_client, draft):
    """A `.filter()` on a relation read from the cache asks the database for the application's own rows."""
    CompetenceMeasureFactory(title="Another application's measure")
    warm(editor_client, draft)

    read = application_get_full(user=editor_client.user, pk=draft.pk)

    assert [m.title for m in read.measures.filter(amount_applied__gt=0)] == ["Videreutdanning i rusarbeid"]
    project = read.projects.all()[0]
    assert list(project.sub_goals.filter(pk__gt=0)) == list(InnovationProject.objects.get(pk=project.pk)
                                                             .sub_goals.all())


def test_another_applications_lines_are_never_read_under_its_key(editor_client, draft, organisation):
    other = ApplicationFactory(organisation=organisation, round=RoundFactory())
    CompetenceMeasureFactory(application=other, title="Lederutdanning")
    warm(editor_client, draft)

    assert task_list(editor_client, other)["measures"][0][0] == "Lederutdanning"
    assert task_list(editor_client, draft)["measures"][0][0] == "Videreutdanning i rusarbeid"


def test_without_the_cache_the_lines_are_read_every_time(redis_down, editor_client, draft):
    expected = in_the_database(draft)
    for _ in range(2):
        assert task_list(editor_client, draft) == expected
    CompetenceMeasure.objects.filter(application=draft).update(title="Etterutdanning")
    assert task_list(editor_client, draft)["measures"][0][0] == "Etterutdanning"


def test_where_the_database_raises_no_version_the_lines_are_read_every_time(monkeypatch, editor_client, draft):
    """SQLite (`make run`) has no triggers: a version that never moves must not be a key."""
    from applications import selectors

    warm(editor_client, draft)
    user = request_user_get(pk=editor_client.user.pk)
    monkeypatch.setattr(connection, "vendor", "sqlite")
    selectors._lines_namespace.cache_clear()
    try:
        with CaptureQueriesContext(connection) as queries:
            read = application_get_full(user=user, pk=draft.pk)
        assert _lines_key(read) is None
    finally:
        monkeypatch.undo()
        selectors._lines_namespace.cache_clear()
    assert len(queries) == 6 and shown(read) == in_the_database(draft)


# --- the municipality's writes, through the services: shown on the very next task list ----------------

def _measure(application):
    return application.measures.get()


def _project(application):
    return application.projects.get()


SERVICE_WRITES = {
    "measure added": lambda a, user: measure_save(application=a, user=user, data={
        "title": "Lederutdanning", "kind": "leadership", "target_group": _measure(a).target_group,
        "participants": 2, "total_cost": 50_000, "amount_applied": 40_000, "own_funding": 10_000}),
    "measure changed": lambda a, user: measure_save(
        application=a, user=user, measure_pk=_measure(a).pk, base_version=_measure(a).version,
        data={"amount_applied": 150_000}),
    "measure's target group changed": lambda a, user: measure_save(
        application=a, user=user, measure_pk=_measure(a).pk, base_version=_measure(a).version,
        data={"target_group": TargetGroupFactory(scheme=a.round.scheme, text="Ledere")}),
    "measure removed": lambda a, user: line_remove(
        application=a, user=user, model=CompetenceMeasure, line_pk=_measure(a).pk, base_version=_measure(a).version),
    "project added": lambda a, user: project_save(application=a, user=user, data={
        "title": "Velferdsteknologi", "priority_rank": 2, "sub_goals": [SubGoalFactory(scheme=a.round.scheme)]}),
    "project's sub-goals changed": lambda a, user: project_save(
        application=a, user=user, project_pk=_project(a).pk, base_version=_project(a).version,
        data={"sub_goals": [SubGoalFactory(scheme=a.round.scheme, text="Bedre samhandling")]}),
    "project removed": lambda a, user: line_remove(
        application=a, user=user, model=InnovationProject, line_pk=_project(a).pk, base_version=_project(a).version),
    "plan replaced": lambda a, user: application_plan_save(
        application=a, user=user, data={}, base_version=Application.objects.get(pk=a.pk).plan_version,
        upload=pdf_upload("Kompetanseplan 2026.pdf")),
    "plan removed": lambda a, user: attachment_remove(application=a, user=user, attachment=a.attachments.get()),
}


@pytest.mark.parametrize("write", SERVICE_WRITES)
def test_a_write_through_the_services_shows_on_the_next_task_list(editor_client, draft, write):
    before = warm(editor_client, draft)

    SERVICE_WRITES[write](draft, editor_client.user)

    after = task_list(editor_client, draft)
    assert after != before and after == in_the_database(draft)


def test_lines_copied_from_last_year_show_on_the_next_task_list(editor_client, organisation, office):
    this_round = RoundFactory(office=office)
    last_round = RoundFactory(scheme=this_round.scheme, office=this_round.office, year=this_round.year - 1,
                              closed=True)
    previous = ApplicationFactory(round=last_round, organisation=organisation, submitted=True)
    CompetenceMeasureFactory(application=previous, title="Videreutdanning psykisk helse",
                             target_group=TargetGroupFactory(scheme=this_round.scheme, code="employees"))
    draft, _created = application_start(round=this_round, organisation=organisation, user=editor_client.user)
    assert warm(editor_client, draft)["measures"] == []

    application_copy_previous(application=draft, user=editor_client.user)

    assert [m[0] for m in task_list(editor_client, draft)["measures"]] == ["Videreutdanning psykisk helse"]


def test_a_receipt_made_shows_on_the_next_task_list(monkeypatch, organisation, media):
    application = ApplicationFactory(organisation=organisation, submitted=True)
    client = editor_client_of(organisation)
    assert warm(client, application)["receipts"] == []
    monkeypatch.setattr("applications.receipts.receipt_render_pdf", lambda application: MINIMAL_PDF)

    receipt_create(application_id=application.pk, submission_number=application.submission_count)

    assert task_list(client, application)["receipts"] == [application.submission_count]


def editor_client_of(organisation):
    from django.test import Client

    client = Client()
    client.force_login(member(organisation, Role.EDITOR))
    return client


# --- any other write: bulk, raw SQL, M2M, the reference data ----------------------------------------------

def _bulk_created(a):
    group = _measure(a).target_group
    CompetenceMeasure.objects.bulk_create([CompetenceMeasure(application=a, title=f"Kurs {i}", target_group=group)
                                           for i in range(2)])


def _raw_sql(a):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE applications_attachment SET original_name = 'Plan.pdf' WHERE application_id = %s",
                       [a.pk])


def _award_proposed(a):  # as the board writes a round's awards: one bulk UPDATE
    measure = _measure(a)
    measure.proposed_award = 100_000
    CompetenceMeasure.objects.bulk_update([measure], ["proposed_award"])


def _moved_to_another_application(a):
    other = ApplicationFactory(organisation=a.organisation, round=RoundFactory())
    CompetenceMeasure.objects.filter(application=a).update(application=other)


ORM_WRITES = {
    "measures bulk created": _bulk_created,
    "measures updated in bulk": lambda a: CompetenceMeasure.objects.filter(application=a).update(title="Kurs"),
    "measures deleted in bulk": lambda a: CompetenceMeasure.objects.filter(application=a).delete(),
    "a measure moved to another application": _moved_to_another_application,
    "projects reranked in bulk": lambda a: InnovationProject.objects.filter(application=a).update(priority_rank=7),
    "sub-goals set": lambda a: _project(a).sub_goals.set([SubGoalFactory(scheme=a.round.scheme)]),
    "sub-goals cleared": lambda a: _project(a).sub_goals.clear(),
    "sub-goal links deleted in bulk": lambda a: InnovationProject.sub_goals.through.objects.filter(
        innovationproject__application=a).delete(),
    "an attachment renamed in raw SQL": _raw_sql,
    "attachments deleted in bulk": lambda a: Attachment.objects.filter(application=a).delete(),
    "an award proposed in bulk": _award_proposed,
    "a receipt created": lambda a: Receipt.objects.create(application=a, submission_number=1, pdf="receipts/x.pdf"),
    "its target group renamed": lambda a: TargetGroup.objects.filter(pk=_measure(a).target_group_id).update(
        text="Helsefagarbeidere"),
    "its sub-goal renamed": lambda a: SubGoal.objects.filter(pk__in=_project(a).sub_goals.all()).update(
        text="Bedre kvalitet"),
}


@pytest.mark.parametrize("write", ORM_WRITES)
def test_any_other_write_shows_on_the_next_task_list(editor_client, draft, write):
    before = warm(editor_client, draft)

    ORM_WRITES[write](draft)

    after = task_list(editor_client, draft)
    assert after != before and after == in_the_database(draft)


def test_a_rolled_back_write_changes_nothing_and_its_version_is_never_given_again(editor_client, draft):
    before, raised = warm(editor_client, draft), version(draft)
    with transaction.atomic():
        sid = transaction.savepoint()
        CompetenceMeasure.objects.filter(application=draft).update(title="Rolled back")
        rolled_back = version(draft)
        assert task_list(editor_client, draft)["measures"][0][0] == "Rolled back"  # and cached, under its version
        transaction.savepoint_rollback(sid)

    assert version(draft) == raised and task_list(editor_client, draft) == before

    CompetenceMeasure.objects.filter(application=draft).update(amount_applied=1_000)

    assert version(draft) > rolled_back
    assert task_list(editor_client, draft) == in_the_database(draft) != before


# --- the triggers ------------------------------------------------------------------------------------------

def test_every_line_file_and_receipt_write_raises_its_applications_version(draft, organisation):
    other = ApplicationFactory(organisation=organisation, round=RoundFactory())
    bystander = ApplicationFactory(organisation=organisation, round=RoundFactory())
    untouched = version(bystander)
    versions = [version(draft)]

    def step():
        versions.append(version(draft))

    measure = CompetenceMeasureFactory(application=draft)
    step()
    CompetenceMeasure.objects.filter(pk=measure.pk).update(participants=3)
    step()
    CompetenceMeasure.objects.filter(pk=measure.pk).update(participants=3)  # nothing changed: no raise
    unchanged = version(draft)
    CompetenceMeasure.objects.filter(pk=measure.pk).update(application=other)
    step()
    other_after_move = version(other)
    project = InnovationProjectFactory(application=draft, priority_rank=5)
    step()
    project.sub_goals.add(SubGoalFactory(scheme=draft.round.scheme))
    step()
    AttachmentFactory(application=draft)
    step()
    Receipt.objects.create(application=draft, submission_number=9, pdf="receipts/x.pdf")
    step()
    assert version(bystander) == untouched
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred check pending: TRUNCATE refuses them
        cursor.execute("TRUNCATE applications_innovationproject_sub_goals")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    step()

    assert all(later > earlier for earlier, later in zip(versions, versions[1:], strict=False)), versions
    assert unchanged == versions[2]
    assert other_after_move > 0 and version(bystander) > untouched  # truncated: every application's


def test_an_application_saved_from_an_older_read_keeps_the_newer_version(draft):
    stale = Application.objects.get(pk=draft.pk)
    CompetenceMeasureFactory(application=draft)
    raised = version(draft)

    stale.contact_name = "Kari Nordmann"
    stale.save()

    assert raised > stale.lines_version and version(draft) == raised
    assert Application.objects.get(pk=draft.pk).contact_name == "Kari Nordmann"


def test_an_application_without_lines_has_version_0_and_its_first_line_raises_it(organisation):
    application = ApplicationFactory(organisation=organisation)
    assert version(application) == 0

    CompetenceMeasureFactory(application=application)

    assert version(application) > 0


# --- the submission's guard ------------------------------------------------------------------------

def test_the_submission_guard_reads_the_lines_the_locked_row_names(organisation, django_capture_on_commit_callbacks):
    """The guard runs on the row it locked: with the cache warm under that row's version it reads no line
    from the database; a line changed after the cache was filled raised the version, so the guard reads
    the new lines (and finds what is missing) instead of the cached ones."""
    application = ready_to_submit(organisation=organisation)
    signatory = member(organisation, Role.SIGNATORY)
    user = request_user_get(pk=signatory.pk)
    application_get_full(user=user, pk=application.pk)  # the check page: the lines cached under this version
    # a line the municipality did not finish, written without any service (the cached entry stays)
    CompetenceMeasure.objects.bulk_create([CompetenceMeasure(application=application, title="Uferdig tiltak")])
    with pytest.raises(TransitionError, match="ikke fullstendig"):
        application_submit(application=application, user=signatory)
    CompetenceMeasure.objects.filter(title="Uferdig tiltak").delete()

    application_get_full(user=user, pk=application.pk)  # cached again, under the version after the delete
    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks():
        application_submit(application=application, user=signatory)
    line_tables = ("applications_competencemeasure", "applications_innovationproject", "applications_attachment")
    assert not [q for q in queries.captured_queries if q["sql"].startswith("SELECT") and any(
        f'FROM "{table}"' in q["sql"] for table in line_tables)]
    application.refresh_from_db()
    assert application.status == "submitted"
