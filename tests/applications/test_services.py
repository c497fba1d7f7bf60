"""Writes to the joint application: one per organisation and round, edits that never overwrite a
colleague's work unseen, lines, copying last year's application and files."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from applications.exceptions import ApplicationError, LineRuleError
from applications.models import (
    Application,
    ApplicationEvent,
    ApplicationStatus,
    AttachmentKind,
    CompetenceMeasure,
    EventKind,
    InnovationProject,
)
from applications.services import (
    application_copy_previous,
    application_details_save,
    application_start,
    application_withdraw,
    attachment_add,
    attachment_remove,
    line_remove,
    measure_save,
    project_save,
)
from portal.exceptions import StaleEdit
from portal.models import Role
from tests.applications.factories import (
    ApplicationFactory,
    CompetenceMeasureFactory,
    InnovationProjectFactory,
    member,
    pdf_upload,
)
from tests.portal.factories import OrganisationFactory
from tests.schemes.factories import RoundFactory, SubGoalFactory, TargetGroupFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def label(model, name):
    return str(model._meta.get_field(name).verbose_name)


# --- one application per organisation and round --------------------------------------------------

def test_the_database_holds_one_application_per_organisation_and_round():
    application = ApplicationFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.create(round=application.round, organisation=application.organisation,
                                   created_by=application.created_by)


def test_starting_twice_returns_the_same_application():
    round_ = RoundFactory()
    organisation = OrganisationFactory(county=round_.office.counties.first())
    editor = member(organisation, Role.EDITOR)
    colleague = member(organisation, Role.SIGNATORY)

    first, created_first = application_start(round=round_, organisation=organisation, user=editor)
    second, created_second = application_start(round=round_, organisation=organisation, user=colleague)

    assert (created_first, created_second) == (True, False)
    assert first.pk == second.pk
    assert first.status == ApplicationStatus.DRAFT
    assert Application.objects.filter(round=round_, organisation=organisation).count() == 1
    assert ApplicationEvent.objects.filter(application=first, kind=EventKind.CREATED).count() == 1


def test_a_non_member_cannot_start_an_application():
    round_ = RoundFactory()
    organisation = OrganisationFactory(county=round_.office.counties.first())
    outsider = member(OrganisationFactory(county=organisation.county), Role.SIGNATORY)

    with pytest.raises(ApplicationError):
        application_start(round=round_, organisation=organisation, user=outsider)

    assert not Application.objects.filter(round=round_).exists()


@pytest.mark.postgres  # two connections racing: SQLite locks the whole file instead
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_starts_make_one_application(monkeypatch):
    """Both requests find no application, both insert: the unique constraint decides and the loser
    returns the winner's application instead of an error."""
    round_ = RoundFactory()
    organisation = OrganisationFactory(county=round_.office.counties.first())
    users = [member(organisation, Role.EDITOR), member(organisation, Role.SIGNATORY)]
    barrier = threading.Barrier(len(users))
    from applications.services import starting

    allowed = starting.can_start_application

    def allowed_once_both_have_looked(*args, **kwargs):
        verdict = allowed(*args, **kwargs)
        barrier.wait(timeout=10)  # both have checked for an existing application; now both insert
        return verdict

    monkeypatch.setattr(starting, "can_start_application", allowed_once_both_have_looked)
    results, errors = [None] * len(users), []

    def start(index, user):
        try:
            application, created = application_start(round=round_, organisation=organisation, user=user)
            results[index] = (application.pk, created)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=start, args=(i, user)) for i, user in enumerate(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert Application.objects.filter(round=round_, organisation=organisation).count() == 1
    application = Application.objects.get(round=round_, organisation=organisation)
    assert {pk for pk, _created in results} == {application.pk}
    assert sorted(created for _pk, created in results) == [False, True]
    assert ApplicationEvent.objects.filter(application=application, kind=EventKind.CREATED).count() == 1


# --- sections: saved with the version the page was based on ---------------------------------------

def test_saving_the_details_stores_them_bumps_the_version_and_records_the_values():
    application = ApplicationFactory()
    editor = member(application.organisation)

    saved = application_details_save(application=application, user=editor, base_version=0, data={
        "contact_phone": "+47 22 00 00 00", "project_priorities": "Velferdsteknologi først."})

    application.refresh_from_db()
    assert saved.details_version == application.details_version == 1
    assert application.contact_phone == "+47 22 00 00 00"
    assert application.project_priorities == "Velferdsteknologi først."
    event = application.events.get(kind=EventKind.SECTION_SAVED)
    assert (event.section, event.version, event.actor) == ("details", 1, editor)
    assert event.data["values"]["contact_phone"] == "+47 22 00 00 00"
    assert event.data["values"]["project_priorities"] == "Velferdsteknologi først."


def test_a_stale_details_save_is_refused_with_what_changed_and_writes_nothing():
    """Two colleagues open the new draft; the first saves; the second is told what the first changed."""
    round_ = RoundFactory()
    organisation = OrganisationFactory(county=round_.office.counties.first())
    first_user = member(organisation, Role.EDITOR)
    second_user = member(organisation, Role.EDITOR)
    application, _created = application_start(round=round_, organisation=organisation, user=first_user)
    opened_at = application.details_version
    application_details_save(application=application, user=first_user, base_version=opened_at, data={
        "contact_name": application.contact_name, "contact_email": application.contact_email,
        "project_priorities": "Prosjekt A først."})
    events_before = application.events.count()

    with pytest.raises(StaleEdit) as stale:
        application_details_save(application=application, user=second_user, base_version=opened_at, data={
            "contact_name": "Ola Nordmann", "project_priorities": "Prosjekt B først."})

    assert stale.value.changes == [(label(Application, "project_priorities"), "", "Prosjekt A først.")]
    assert stale.value.changed_by == str(first_user)
    assert stale.value.current_version == opened_at + 1
    application.refresh_from_db()
    assert application.project_priorities == "Prosjekt A først."
    assert application.contact_name == first_user.full_name
    assert application.details_version == opened_at + 1
    assert application.events.count() == events_before


def test_a_stale_first_save_lists_only_what_was_changed_even_without_a_start_event():
    """Applications made by seeds or the admin have no history before their first save."""
    application = ApplicationFactory(contact_name="Kari Nilsen", contact_email="kari@kommune.example")
    first_user, second_user = member(application.organisation), member(application.organisation)
    application_details_save(application=application, user=first_user, base_version=0, data={
        "contact_name": "Kari Nilsen", "contact_email": "kari@kommune.example", "contact_phone": "99 88 77 66"})

    with pytest.raises(StaleEdit) as stale:
        application_details_save(application=application, user=second_user, base_version=0,
                                 data={"contact_phone": "11 22 33 44"})

    assert stale.value.changes == [(label(Application, "contact_phone"), "", "99 88 77 66")]


def test_a_stale_details_save_after_several_saves_lists_the_latest_change():
    application = ApplicationFactory()
    first_user, second_user = member(application.organisation), member(application.organisation)
    application_details_save(application=application, user=first_user, base_version=0,
                             data={"contact_phone": "111"})
    application_details_save(application=application, user=first_user, base_version=1,
                             data={"contact_phone": "222"})

    with pytest.raises(StaleEdit) as stale:
        application_details_save(application=application, user=second_user, base_version=1,
                                 data={"contact_phone": "333"})

    assert stale.value.changes == [(label(Application, "contact_phone"), "111", "222")]
    application.refresh_from_db()
    assert application.contact_phone == "222"


# --- lines ---------------------------------------------------------------------------------------

def _measure_data(application, **overrides):
    data = {
        "title": "Videreutdanning i rusarbeid", "kind": "further_education", "description": "Seks ansatte.",
        "service_area": "mental_health", "concerns_mental_health": True,
        "target_group": TargetGroupFactory(scheme=application.round.scheme), "participants": 6,
        "gives_credits": True, "total_cost": 180_000, "amount_applied": 120_000, "own_funding": 60_000,
    }
    data.update(overrides)
    return data


def test_a_measure_is_added_and_changed_with_its_version():
    application = ApplicationFactory()
    editor = member(application.organisation)

    measure = measure_save(application=application, user=editor, data=_measure_data(application))
    changed = measure_save(application=application, user=editor, measure_pk=measure.pk, base_version=1,
                           data={"participants": 8})

    measure.refresh_from_db()
    assert changed.version == measure.version == 2
    assert measure.participants == 8
    assert measure.title == "Videreutdanning i rusarbeid"
    kinds = list(application.events.filter(object_id=measure.pk).values_list("kind", "version"))
    assert kinds == [(EventKind.LINE_ADDED, 1), (EventKind.LINE_CHANGED, 2)]


def test_a_stale_measure_save_is_refused_with_what_changed_and_writes_nothing():
    application = ApplicationFactory()
    first_user, second_user = member(application.organisation), member(application.organisation)
    measure = measure_save(application=application, user=first_user, data=_measure_data(application))
    measure_save(application=application, user=first_user, measure_pk=measure.pk, base_version=1,
                 data={"participants": 9})
    events_before = application.events.count()

    with pytest.raises(StaleEdit) as stale:
        measure_save(application=application, user=second_user, measure_pk=measure.pk, base_version=1,
                     data={"title": "Etterutdanning i rusarbeid", "participants": 4})

    assert stale.value.changes == [(label(CompetenceMeasure, "participants"), "6", "9")]
    assert stale.value.current_version == 2
    measure.refresh_from_db()
    assert (measure.title, measure.participants, measure.version) == ("Videreutdanning i rusarbeid", 9, 2)
    assert application.events.count() == events_before


def test_removing_a_line_with_a_stale_version_is_refused():
    application = ApplicationFactory()
    first_user, second_user = member(application.organisation), member(application.organisation)
    measure = measure_save(application=application, user=first_user, data=_measure_data(application))
    measure_save(application=application, user=first_user, measure_pk=measure.pk, base_version=1,
                 data={"amount_applied": 150_000})

    with pytest.raises(StaleEdit) as stale:
        line_remove(application=application, user=second_user, model=CompetenceMeasure, line_pk=measure.pk,
                    base_version=1)

    assert stale.value.changes == [(label(CompetenceMeasure, "amount_applied"), "120000", "150000")]
    assert CompetenceMeasure.objects.filter(pk=measure.pk).exists()
    assert not application.events.filter(kind=EventKind.LINE_REMOVED).exists()


def test_removing_a_line_twice_is_harmless():
    application = ApplicationFactory()
    editor = member(application.organisation)
    measure = measure_save(application=application, user=editor, data=_measure_data(application))

    line_remove(application=application, user=editor, model=CompetenceMeasure, line_pk=measure.pk, base_version=1)
    line_remove(application=application, user=editor, model=CompetenceMeasure, line_pk=measure.pk, base_version=1)

    assert not application.measures.exists()
    removed = application.events.get(kind=EventKind.LINE_REMOVED)
    assert removed.data["title"] == "Videreutdanning i rusarbeid"


def test_saving_a_line_someone_removed_says_so():
    application = ApplicationFactory()
    editor, colleague = member(application.organisation), member(application.organisation)
    measure = measure_save(application=application, user=editor, data=_measure_data(application))
    line_remove(application=application, user=editor, model=CompetenceMeasure, line_pk=measure.pk, base_version=1)

    with pytest.raises(StaleEdit) as stale:
        measure_save(application=application, user=colleague, measure_pk=measure.pk, base_version=1,
                     data={"participants": 3})

    assert stale.value.removed
    assert not application.measures.exists()


def test_lines_of_a_submitted_application_cannot_be_removed():
    application = ApplicationFactory(submitted=True)
    measure = CompetenceMeasureFactory(application=application)
    signatory = member(application.organisation, Role.SIGNATORY)

    with pytest.raises(ApplicationError):
        line_remove(application=application, user=signatory, model=CompetenceMeasure, line_pk=measure.pk,
                    base_version=measure.version)

    assert CompetenceMeasure.objects.filter(pk=measure.pk).exists()


# --- copying last year's application -------------------------------------------------------------

@pytest.fixture
def last_year():
    """An organisation's application to last year's round, with two measures and a project."""
    this_round = RoundFactory()
    previous_round = RoundFactory(scheme=this_round.scheme, office=this_round.office, year=this_round.year - 1,
                                  closed=True)
    organisation = OrganisationFactory(county=this_round.office.counties.first())
    previous = ApplicationFactory(round=previous_round, organisation=organisation, submitted=True)
    scheme = this_round.scheme
    employees = TargetGroupFactory(scheme=scheme, code="employees")
    other_agencies = TargetGroupFactory(scheme=scheme, code="other-agencies", only_for_mental_health=True)
    CompetenceMeasureFactory(application=previous, title="Videreutdanning psykisk helse", target_group=other_agencies)
    CompetenceMeasureFactory(application=previous, title="Lederutdanning", kind="leadership",
                             concerns_mental_health=False, service_area="institutions", target_group=employees)
    goals = [SubGoalFactory(scheme=scheme, code="goal-a"), SubGoalFactory(scheme=scheme, code="goal-b")]
    InnovationProjectFactory(application=previous, title="Digitalt tilsyn", sub_goals=goals, priority_rank=1)
    return this_round, organisation, previous


def test_last_years_lines_are_copied_into_a_new_draft(last_year):
    this_round, organisation, previous = last_year
    editor = member(organisation)
    draft, _created = application_start(round=this_round, organisation=organisation, user=editor)

    copied = application_copy_previous(application=draft, user=editor)

    assert copied == 3
    draft.refresh_from_db()
    assert draft.copied_from == previous
    assert draft.status == ApplicationStatus.DRAFT
    measures = {m.title: m for m in draft.measures.select_related("target_group")}
    assert set(measures) == {"Videreutdanning psykisk helse", "Lederutdanning"}
    assert measures["Videreutdanning psykisk helse"].target_group.code == "other-agencies"
    assert measures["Lederutdanning"].target_group.code == "employees"
    assert measures["Lederutdanning"].kind == "leadership"
    assert measures["Lederutdanning"].amount_applied == 200_000
    project = draft.projects.get()
    assert project.title == "Digitalt tilsyn"
    assert sorted(project.sub_goals.values_list("code", flat=True)) == ["goal-a", "goal-b"]
    assert {g.scheme_id for g in project.sub_goals.all()} == {this_round.scheme_id}
    # last year's application is left as it was
    assert previous.measures.count() == 2
    assert previous.projects.count() == 1


def test_copying_does_nothing_when_the_draft_already_has_lines(last_year):
    this_round, organisation, _previous = last_year
    editor = member(organisation)
    draft, _created = application_start(round=this_round, organisation=organisation, user=editor)
    measure_save(application=draft, user=editor, data=_measure_data(draft, title="Årets eget tiltak"))

    copied = application_copy_previous(application=draft, user=editor)

    assert copied == 0
    assert list(draft.measures.values_list("title", flat=True)) == ["Årets eget tiltak"]
    assert not draft.projects.exists()
    draft.refresh_from_db()
    assert draft.copied_from is None


def test_a_stale_edit_of_a_copied_line_lists_only_what_was_changed(last_year):
    this_round, organisation, _previous = last_year
    first_user, second_user = member(organisation), member(organisation)
    draft, _created = application_start(round=this_round, organisation=organisation, user=first_user)
    application_copy_previous(application=draft, user=first_user)
    measure = draft.measures.get(title="Lederutdanning")
    measure_save(application=draft, user=first_user, measure_pk=measure.pk, base_version=measure.version,
                 data={"participants": 12})

    with pytest.raises(StaleEdit) as stale:
        measure_save(application=draft, user=second_user, measure_pk=measure.pk, base_version=measure.version,
                     data={"participants": 4})

    assert stale.value.changes == [(label(CompetenceMeasure, "participants"), "10", "12")]
    measure.refresh_from_db()
    assert measure.participants == 12


def test_copying_skips_a_withdrawn_application(last_year):
    this_round, organisation, previous = last_year
    application_withdraw(application=previous, user=member(organisation, Role.SIGNATORY), reason="Feil søknad.")
    editor = member(organisation)
    draft, _created = application_start(round=this_round, organisation=organisation, user=editor)

    assert application_copy_previous(application=draft, user=editor) == 0
    assert not draft.measures.exists()


# --- files ---------------------------------------------------------------------------------------

def test_a_competence_plan_is_stored_under_a_safe_name_with_an_event(media):
    application = ApplicationFactory()
    editor = member(application.organisation)

    attachment = attachment_add(application=application, user=editor, kind=AttachmentKind.COMPETENCE_PLAN,
                                upload=pdf_upload("../../etc/Kompetanseplan 2020 (vedtatt).pdf"))

    assert attachment.original_name == "Kompetanseplan_2020_vedtatt.pdf"
    assert attachment.content_type == "application/pdf"
    assert ".." not in attachment.file.name
    assert attachment.file.name.startswith(f"applications/{application.pk}/")
    assert (media / attachment.file.name).exists()
    event = application.events.get(kind=EventKind.FILE_UPLOADED)
    assert (event.section, event.object_id) == ("plan", attachment.pk)


def test_removing_a_file_deletes_it_after_commit_and_the_history_keeps_its_name(media, django_capture_on_commit_callbacks):
    application = ApplicationFactory()
    editor = member(application.organisation)
    attachment = attachment_add(application=application, user=editor, kind=AttachmentKind.OTHER,
                                upload=pdf_upload("Budsjett.pdf"))
    stored = media / attachment.file.name

    with django_capture_on_commit_callbacks(execute=True):
        attachment_remove(application=application, user=editor, attachment=attachment)

    assert not application.attachments.exists() and not stored.exists()
    event = application.events.get(kind=EventKind.FILE_REMOVED)
    assert (event.actor, event.object_id, event.data) == (editor, attachment.pk, {"name": "Budsjett.pdf"})


def test_a_file_of_a_submitted_application_cannot_be_removed(media, english):
    application = ApplicationFactory()
    editor = member(application.organisation)
    attachment = attachment_add(application=application, user=editor, kind=AttachmentKind.OTHER, upload=pdf_upload())
    Application.objects.filter(pk=application.pk).update(status=ApplicationStatus.SUBMITTED)

    with pytest.raises(ApplicationError, match="can no longer be changed"):
        attachment_remove(application=application, user=editor, attachment=attachment)
    assert (media / attachment.file.name).exists() and application.attachments.count() == 1


def test_the_files_of_one_application_are_limited_together(settings, media):
    settings.UPLOAD_MAX_FILE_BYTES = 3_000
    settings.UPLOAD_MAX_APPLICATION_BYTES = 5_000
    application = ApplicationFactory()
    editor = member(application.organisation)
    attachment_add(application=application, user=editor, kind=AttachmentKind.OTHER, upload=pdf_upload(size=2_500))
    attachment_add(application=application, user=editor, kind=AttachmentKind.OTHER, upload=pdf_upload(size=2_500))

    with pytest.raises(ValidationError) as refused:
        attachment_add(application=application, user=editor, kind=AttachmentKind.OTHER, upload=pdf_upload(size=100))

    assert refused.value.code == "application_too_large"
    assert application.attachments.count() == 2
    assert application.events.filter(kind=EventKind.FILE_UPLOADED).count() == 2


def test_a_file_of_another_type_is_not_stored(media):
    from django.core.files.uploadedfile import SimpleUploadedFile

    application = ApplicationFactory()
    editor = member(application.organisation)

    with pytest.raises(ValidationError):
        attachment_add(application=application, user=editor, kind=AttachmentKind.COMPETENCE_PLAN,
                       upload=SimpleUploadedFile("plan.pdf", b"just text", content_type="application/pdf"))

    assert not application.attachments.exists()
    assert not any(media.rglob("*.pdf"))


def test_no_file_can_be_added_to_a_submitted_application(media):
    application = ApplicationFactory(submitted=True)
    signatory = member(application.organisation, Role.SIGNATORY)

    with pytest.raises(ApplicationError):
        attachment_add(application=application, user=signatory, kind=AttachmentKind.OTHER, upload=pdf_upload())

    assert not application.attachments.exists()


def test_a_project_line_keeps_its_sub_goals():
    application = ApplicationFactory()
    editor = member(application.organisation)
    goal = SubGoalFactory(scheme=application.round.scheme)

    project = project_save(application=application, user=editor, data={
        "title": "Digital hjemmeoppfølging", "sub_goals": [goal], "priority_rank": 1})

    assert list(InnovationProject.objects.get(pk=project.pk).sub_goals.all()) == [goal]
    assert application.events.get(kind=EventKind.LINE_ADDED).data["values"]["sub_goals"] == str(goal)


def test_the_service_refuses_a_sub_goal_of_another_scheme_and_a_rank_in_use():
    application = ApplicationFactory()
    editor = member(application.organisation)
    InnovationProjectFactory(application=application, priority_rank=1)
    foreign_goal = SubGoalFactory()  # of another scheme
    with pytest.raises(LineRuleError) as error:
        project_save(application=application, user=editor,
                     data={"title": "Nytt", "sub_goals": [foreign_goal], "priority_rank": 1})
    assert set(error.value.errors) == {"sub_goals", "priority_rank"}
    assert application.projects.count() == 1
