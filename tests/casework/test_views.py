"""The caseworker's pages under /office/: the office's rounds, a round's applications with filters
and sorting, one application read-only, the assessment form, and asking for more information.

Access is the first rule: another office's caseworker and the municipality get 404 on every page;
scores and notes never reach a municipal page. Pages are requested in English (the language cookie)."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from applications.models import (
    Application,
    ApplicationEvent,
    ApplicationStatus,
    CompetenceMeasure,
    EventKind,
    InnovationProject,
)
from applications.services import application_submit, attachment_add
from casework.models import Assessment, CriterionScore
from casework.rules import weighted_score
from casework.services.assessments import assessment_save, information_request
from portal.models import Role
from tests.applications.factories import (
    ApplicationFactory,
    CompetenceMeasureFactory,
    InnovationProjectFactory,
    member,
    pdf_upload,
    ready_to_submit,
    staff,
)
from tests.casework.factories import AssessmentFactory, DecisionFactory
from tests.helpers import (
    assert_error_summary_links_land,
    field_error,
    in_english,
    page_text,
    parse,
    url,
    warm_user_context,
)
from tests.portal.factories import OfficeFactory, OrganisationFactory
from tests.schemes.factories import RoundFactory

pytestmark = pytest.mark.django_db

NOTE = "Intern vurdering: svak forankring i ledelsen, ikke del med kommunen"


# --- set-up ------------------------------------------------------------------------------------------

def logged_in(client_class, user):
    client = in_english(client_class())
    client.force_login(user)
    client.user = user
    return client


def received(round_, name=None, *, mental_health=True, plan_updated_on=None, applied=200_000, **kwargs):
    """A submitted application of a municipality in the round's county, with one measure and one
    project; `kwargs` go to ApplicationFactory (in_assessment=True, returned=True, submitted_at=...)."""
    organisation = OrganisationFactory(county=round_.office.counties.first(),
                                       **({"name": name} if name else {}))
    application = ApplicationFactory(
        round=round_, organisation=organisation, submitted=True, complete=True,
        competence_plan_updated_on=plan_updated_on or timezone.localdate() - dt.timedelta(days=100), **kwargs,
    )
    CompetenceMeasureFactory(application=application, concerns_mental_health=mental_health, amount_applied=applied,
                             total_cost=max(applied, 300_000))
    InnovationProjectFactory(application=application, amount_applied=400_000)
    return application


def office_url(name, obj):
    return url(f"office:{name}", obj)


def listed(response) -> list[str]:
    """The organisation names of the list's rows, in the order shown."""
    body = response.content.decode().split('class="table table-sm align-middle office-applications"', 1)
    if len(body) == 1:
        return []
    tbody = body[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a></th>', tbody)


def assessment_post(application, *, scores=None, awards=None, notes="", base_version=None):
    """What the assessment form posts: `scores` maps criterion to a value, `awards` line to a text."""
    assessment = Assessment.objects.filter(application=application).first()
    data = {"base_version": base_version if base_version is not None else (assessment.version if assessment else 0),
            "notes": notes}
    for criterion, value in (scores or {}).items():
        data[f"score_{criterion.pk}"] = value
    for line, value in (awards or {}).items():
        kind = "measure" if isinstance(line, CompetenceMeasure) else "project"
        data[f"award_{kind}_{line.pk}"] = value
    return data


# --- the office's rounds and a round's list ------------------------------------------------------

def test_rounds_page_lists_the_offices_rounds_with_counts(caseworker_client, round_):
    caseworker = in_english(caseworker_client)
    received(round_)
    received(round_, in_assessment=True)
    ApplicationFactory(round=round_)  # a draft is not received
    elsewhere = RoundFactory(office=OfficeFactory())

    response = caseworker.get(reverse("office:rounds"))
    assert response.status_code == 200
    page = page_text(response)
    assert office_url("round_applications", round_) in page
    assert office_url("round_applications", elsewhere) not in page
    row = page.split(office_url("round_applications", round_), 1)[1].split("</tr>", 1)[0]
    assert re.findall(r'<td class="text-end">(\d+)</td>', row) == ["2", "1"]  # received, not yet assessed


def test_the_menu_links_office_staff_to_casework(caseworker_client, client_class, organisation):
    caseworker = in_english(caseworker_client)
    assert reverse("office:rounds") in page_text(caseworker.get(reverse("portal:dashboard")))
    municipal = logged_in(client_class, member(organisation))
    assert reverse("office:rounds") not in page_text(municipal.get(reverse("portal:dashboard")))


def test_office_admin_is_told_the_rounds_are_for_caseworkers(client_class, office, round_):
    admin = logged_in(client_class, staff(office, Role.OFFICE_ADMIN))
    response = admin.get(reverse("office:rounds"))
    assert response.status_code == 200
    assert "Only the office's caseworkers and approvers work on the applications." in page_text(response)
    refused = admin.get(office_url("round_applications", round_))
    assert refused.status_code == 403


def test_list_shows_only_the_rounds_non_draft_applications(caseworker_client, round_):
    caseworker = in_english(caseworker_client)
    mine = received(round_, "Alpha kommune")
    withdrawn = received(round_, "Beta kommune", withdrawn=True)
    draft = ApplicationFactory(round=round_, organisation=OrganisationFactory(name="Utkast kommune"))
    other_round_same_office = received(RoundFactory(office=round_.office), "Annet år kommune")

    response = caseworker.get(office_url("round_applications", round_))
    assert response.status_code == 200
    assert listed(response) == ["Alpha kommune", "Beta kommune"]
    page = page_text(response)
    assert draft.organisation.name not in page
    assert other_round_same_office.organisation.name not in page
    assert office_url("application", mine) in page
    assert office_url("application", withdrawn) in page
    assert len(re.findall(r"<h1[\s>]", response.content.decode())) == 1
    # the organisation number is shown as 9xx xxx xxx
    number = mine.organisation.organisation_number
    assert f"{number[:3]} {number[3:6]} {number[6:]}" in page


@pytest.fixture
def two_kinds(round_):
    """One application with rus og psykisk helse and a fresh plan; one without either, in assessment."""
    with_mh = received(round_, "Alpha kommune", mental_health=True, applied=100_000)
    without = received(round_, "Beta kommune", mental_health=False, applied=250_000,
                       plan_updated_on=timezone.localdate() - dt.timedelta(days=365 * 6),
                       in_assessment=True)
    return with_mh, without


@pytest.mark.parametrize("query, expected", [
    ({}, ["Alpha kommune", "Beta kommune"]),
    ({"status": "submitted"}, ["Alpha kommune"]),
    ({"status": "in_assessment"}, ["Beta kommune"]),
    ({"mental_health": "yes"}, ["Alpha kommune"]),
    ({"mental_health": "no"}, ["Beta kommune"]),
    ({"plan": "yes"}, ["Alpha kommune"]),
    ({"plan": "no"}, ["Beta kommune"]),
    ({"status": "submitted", "mental_health": "no"}, []),
])
def test_each_filter_narrows_the_list(caseworker_client, round_, two_kinds, query, expected):
    caseworker = in_english(caseworker_client)
    response = caseworker.get(office_url("round_applications", round_), query)
    assert listed(response) == expected
    if not expected:
        assert "No application matches the filters." in page_text(response)


def test_municipality_filter(caseworker_client, round_, two_kinds):
    caseworker = in_english(caseworker_client)
    with_mh, without = two_kinds
    response = caseworker.get(office_url("round_applications", round_), {"organisation": without.organisation_id})
    assert listed(response) == ["Beta kommune"]
    # the choices are the round's applicants, and the chosen one stays selected
    filters = next(f["_fields"] for f in parse(response).forms if "sort" in f["_fields"])
    assert filters["organisation"] == [str(without.organisation_id)]
    select = page_text(response).split('name="organisation"', 1)[1].split("</select>", 1)[0]
    choices = re.findall(r'<option value="(\d+)"', select)
    assert sorted(choices) == sorted([str(with_mh.organisation_id), str(without.organisation_id)])


def test_a_nonsense_filter_is_shown_at_its_field_and_ignored(caseworker_client, round_, two_kinds):
    caseworker = in_english(caseworker_client)
    response = caseworker.get(office_url("round_applications", round_), {"status": "draft", "plan": "yes"})
    assert response.status_code == 200
    assert listed(response) == ["Alpha kommune"]  # the plan filter still applies
    assert field_error(response, "status")
    assert_error_summary_links_land(response)


@pytest.mark.parametrize("sort, expected", [
    ("organisation", ["Alpha", "Beta", "Gamma"]),
    ("applied", ["Gamma", "Alpha", "Beta"]),
    ("score", ["Beta", "Gamma", "Alpha"]),
    ("submitted", ["Gamma", "Beta", "Alpha"]),
    ("status", ["Alpha", "Gamma", "Beta"]),
])
def test_each_sort_orders_the_list(caseworker_client, round_, sort, expected):
    caseworker = in_english(caseworker_client)
    now = timezone.now()
    received(round_, "Alpha", applied=150_000, submitted_at=now - dt.timedelta(days=1))
    beta = received(round_, "Beta", applied=100_000, submitted_at=now - dt.timedelta(days=2))
    gamma = received(round_, "Gamma", applied=300_000, submitted_at=now - dt.timedelta(days=3))
    for application, level in ((beta, 5), (gamma, 2)):  # scored 100 and 40, both in assessment
        AssessmentFactory(application=application, started_by=caseworker.user, scored=level)
    information_request(application=beta, user=caseworker.user, message="Send oss budsjettet.")  # Beta: returned

    response = caseworker.get(office_url("round_applications", round_), {"sort": sort})
    assert listed(response) == expected
    direction = "descending" if sort in ("applied", "score") else "ascending"
    headers = re.findall(r'aria-sort="(\w+)"><a href="\?sort=(\w+)"', response.content.decode())
    assert headers == [(direction, sort)]  # the active column, and only it, says how it is sorted


def test_list_links_to_the_board_and_exports_only_once_they_exist(caseworker_client, round_):
    caseworker = in_english(caseworker_client)
    response = caseworker.get(office_url("round_applications", round_))
    page = page_text(response)
    for name in ("board", "export_csv", "export_xlsx"):
        try:
            target = reverse(f"office:{name}", kwargs={"round_pk": round_.pk})
        except NoReverseMatch:
            continue
        assert target in page


def test_list_queries_do_not_grow_with_the_number_of_applications(caseworker_client, round_):
    caseworker = in_english(caseworker_client)
    def count():
        warm_user_context(caseworker)
        with CaptureQueriesContext(connection) as queries:
            response = caseworker.get(office_url("round_applications", round_), {"sort": "score"})
        assert response.status_code == 200
        return len(queries), len(listed(response))

    for _ in range(5):
        received(round_)
    small, shown = count()
    assert shown == 5
    for _ in range(45):
        received(round_)
    large, shown = count()
    assert shown == 50
    assert small == large, f"{small} queries at 5 applications, {large} at 50"


# --- one application ------------------------------------------------------------------------------

def test_application_page_shows_every_section_files_and_internal_history(caseworker_client, round_):
    caseworker = in_english(caseworker_client)
    application = received(round_)
    assessment_save(application=application, user=caseworker.user, scores={}, notes=NOTE, awards={},
                    base_version=0)
    response = caseworker.get(office_url("application", application))
    assert response.status_code == 200
    page = page_text(response)
    assert len(re.findall(r"<h1[\s>]", response.content.decode())) == 1
    for heading in ("Contact person and cover letter", "Competence plan", "Competence measures",
                    "Innovation projects", "Totals, computed from the lines", "Attachments and receipts",
                    "History", "Assessment (internal)"):
        assert heading in page
    for line in [*application.measures.all(), *application.projects.all()]:
        assert line.title in page
    assert NOTE in page
    assert "Assessment saved" in page  # an internal event, shown to the office
    assert office_url("assess", application) in page


def test_attachments_and_receipts_download_for_the_office(caseworker_client, round_, organisation):
    caseworker = in_english(caseworker_client)
    application = ready_to_submit(round=round_, organisation=organisation)
    signatory = member(organisation, Role.SIGNATORY)
    attachment = attachment_add(application=application, user=signatory, kind="other",
                                upload=pdf_upload("Vedlegg.pdf"))
    application_submit(application=application, user=signatory)

    page = page_text(caseworker.get(office_url("application", application)))
    assert attachment.get_absolute_url() in page
    download = caseworker.get(attachment.get_absolute_url())
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")


# --- assessment -----------------------------------------------------------------------------------

def started(application) -> int:
    return ApplicationEvent.objects.filter(application=application, to_status=ApplicationStatus.IN_ASSESSMENT).count()


def test_reading_the_assessment_form_changes_nothing(caseworker_client, round_):
    """A GET (a link, a prefetch) must never move an application or write anything."""
    caseworker = in_english(caseworker_client)
    application = received(round_)
    assert caseworker.get(office_url("assess", application)).status_code == 200
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert started(application) == 0 and not Assessment.objects.filter(application=application).exists()


def test_the_assessment_page_shows_the_application_beside_the_form(caseworker_client, round_, organisation):
    caseworker = in_english(caseworker_client)
    application = ready_to_submit(round=round_, organisation=organisation,
                                  project_priorities="Digitalt tilsyn først, så velferdsteknologi.",
                                  competence_raising_plan="Flere sykepleiere med videreutdanning innen 2027.")
    signatory = member(organisation, Role.SIGNATORY)
    attachment = attachment_add(application=application, user=signatory, kind="other",
                                upload=pdf_upload("Budsjett.pdf"))
    application_submit(application=application, user=signatory)
    project = application.projects.get()
    project.description = "Kurs i motiverende samtale for ansatte i rustjenesten."
    project.save()

    response = caseworker.get(office_url("assess", application))

    page = page_text(response)
    application_pane, assessment_pane = page.split('id="application-pane"')[1].split('id="assessment-pane"')
    for text in ("Digitalt tilsyn først, så velferdsteknologi.", "Flere sykepleiere med videreutdanning innen 2027.",
                 "Kurs i motiverende samtale for ansatte i rustjenesten.", "Competence plan", "Innovation projects"):
        assert text in application_pane
    for line in [*application.measures.all(), *application.projects.all()]:
        assert line.title in application_pane  # the line with its texts
        assert f'name="award_{"measure" if isinstance(line, CompetenceMeasure) else "project"}_{line.pk}"' in \
            assessment_pane  # beside its award
    assert attachment.get_absolute_url() in application_pane
    assert caseworker.get(attachment.get_absolute_url()).status_code == 200  # a link the caseworker may open
    assert 'name="score_' in assessment_pane and "Save the assessment" in assessment_pane


def test_the_side_by_side_page_has_landmarks_headings_and_a_way_past_the_application(caseworker_client, round_):
    caseworker = in_english(caseworker_client)
    application = received(round_)

    response = caseworker.get(office_url("assess", application))

    html = response.content.decode()
    assert len(re.findall(r"<h1[\s>]", html)) == 1
    assert re.search(r'<section class="side-by-side-pane[^"]*" tabindex="0" aria-label="The application"', html)
    assert re.search(r'<section class="col-xl-6" aria-labelledby="assessment-form-title"', html)
    assert '<h2 id="assessment-form-title" tabindex="-1">Your assessment</h2>' in html
    assert 'href="#assessment-form-title"' in html  # the skip link, before the application


def test_the_assessment_page_queries_do_not_grow_with_the_number_of_lines(caseworker_client, round_):
    caseworker = in_english(caseworker_client)

    def queries_with(lines):
        application = received(round_)
        for _ in range(lines):
            CompetenceMeasureFactory(application=application)
            InnovationProjectFactory(application=application)
        warm_user_context(caseworker)
        with CaptureQueriesContext(connection) as queries:
            assert caseworker.get(office_url("assess", application)).status_code == 200
        return len(queries)

    small, large = queries_with(1), queries_with(12)
    assert small == large, f"{small} queries with 2 lines, {large} with 24"


def test_the_assessment_page_links_to_the_decision_once_there_is_one(caseworker_client, round_, caseworker):
    page_of = lambda application: page_text(in_english(caseworker_client).get(office_url("assess", application)))  # noqa: E731
    application = received(round_, in_assessment=True)
    assert office_url("decision", application) not in page_of(application)

    DecisionFactory(application=application, caseworker=caseworker)

    assert office_url("decision", application) in page_of(application)


def test_starting_the_assessment_moves_a_submitted_application_to_in_assessment(caseworker_client, round_):
    caseworker = in_english(caseworker_client)
    application = received(round_)
    assert caseworker.get(office_url("start_assessment", application)).status_code == 405
    response = caseworker.post(office_url("start_assessment", application), follow=True)
    assert response.status_code == 200
    application.refresh_from_db()
    assert application.status == ApplicationStatus.IN_ASSESSMENT
    assert Assessment.objects.filter(application=application, started_by=caseworker.user).exists()
    assert started(application) == 1
    # one labelled field per criterion, with its weight
    page = page_text(response)
    for criterion in round_.criteria.all():
        assert f"{criterion.label} (weight {criterion.weight})" in page
        assert f'for="id_score_{criterion.pk}"' in page
    assert len(re.findall(r"<h1[\s>]", response.content.decode())) == 1
    # starting it again changes nothing
    caseworker.post(office_url("start_assessment", application))
    assert started(application) == 1


def test_saving_scores_computes_the_weighted_score_and_saves_awards(caseworker_client, round_):
    caseworker = in_english(caseworker_client)
    application = received(round_)
    measure, project = application.measures.get(), application.projects.get()
    caseworker.post(office_url("start_assessment", application))
    criteria = list(round_.criteria.all())
    values = {c: (i % 6) for i, c in enumerate(criteria)}

    response = caseworker.post(office_url("assess", application), assessment_post(
        application, scores=values, notes=NOTE, awards={measure: "150 000", project: "0"}), follow=True)
    assert response.redirect_chain[-1][0] == office_url("application", application)
    assessment = Assessment.objects.get(application=application)
    expected = weighted_score({c.pk: v for c, v in values.items()}, criteria)
    assert expected is not None and assessment.score == expected
    assert assessment.notes == NOTE
    assert assessment.version == 1
    measure.refresh_from_db()
    project.refresh_from_db()
    assert (measure.proposed_award, project.proposed_award) == (150_000, 0)
    assert f"Weighted score: {expected} of 100." in page_text(response)
    # and the form shows the saved values again, with the new version
    form = parse(caseworker.get(office_url("assess", application))).forms[-1]["_fields"]
    assert form["base_version"] == ["1"]
    assert form[f"score_{criteria[1].pk}"] == ["1"]
    assert form[f"award_measure_{measure.pk}"] == ["150000"]


def test_the_score_waits_until_every_criterion_is_scored(caseworker_client, round_):
    caseworker = in_english(caseworker_client)
    application = received(round_)
    first = round_.criteria.first()
    response = caseworker.post(office_url("assess", application),
                               assessment_post(application, scores={first: 4}), follow=True)
    assert "computed when every criterion has a score" in page_text(response)
    assert Assessment.objects.get(application=application).score is None
    assert CriterionScore.objects.get(assessment__application=application).score == 4


def test_an_award_above_the_amount_applied_is_refused_and_nothing_saved(caseworker_client, round_):
    caseworker = in_english(caseworker_client)
    application = received(round_, applied=200_000)
    measure, project = application.measures.get(), application.projects.get()
    caseworker.post(office_url("start_assessment", application))
    criteria = list(round_.criteria.all())

    response = caseworker.post(office_url("assess", application), assessment_post(
        application, scores={c: 3 for c in criteria}, notes=NOTE, awards={measure: "200 001", project: "100 000"}))
    assert response.status_code == 200
    refusal = field_error(response, f"award_measure_{measure.pk}")
    assert "The award cannot be more than the NOK 200,000 applied for." in refusal
    assert_error_summary_links_land(response)
    # what was typed is kept
    form = parse(response).forms[-1]["_fields"]
    assert form[f"award_measure_{measure.pk}"] == ["200 001"]
    assert form["notes"] == [NOTE]
    # nothing saved
    assessment = Assessment.objects.get(application=application)
    assert (assessment.version, assessment.notes, assessment.score) == (0, "", None)
    assert not CriterionScore.objects.filter(assessment=assessment).exists()
    assert CompetenceMeasure.objects.get(pk=measure.pk).proposed_award is None
    assert InnovationProject.objects.get(pk=project.pk).proposed_award is None


@pytest.mark.parametrize("typed, message", [("7", "Give a whole number from 0 to 5."),
                                            ("-1", "Give a whole number from 0 to 5."),
                                            ("mye", "Give a whole number from 0 to 5.")])
def test_a_score_outside_0_to_5_is_refused_at_the_field(caseworker_client, round_, typed, message):
    caseworker = in_english(caseworker_client)
    application = received(round_)
    first = round_.criteria.first()
    response = caseworker.post(office_url("assess", application),
                               assessment_post(application, scores={first: typed}))
    assert response.status_code == 200
    assert message in field_error(response, f"score_{first.pk}")
    assert not CriterionScore.objects.filter(assessment__application=application).exists()


def test_a_stale_save_is_refused_keeps_the_input_and_saving_again_wins(caseworker_client, client_class, office, round_):
    caseworker = in_english(caseworker_client)
    application = received(round_)
    first = round_.criteria.first()
    opened = parse(caseworker.get(office_url("assess", application))).forms[-1]["_fields"]
    assert opened["base_version"] == ["0"]
    colleague = staff(office, Role.CASEWORKER)
    assessment_save(application=application, user=colleague, scores={first.pk: 1}, notes="Kollegaens notat",
                    awards={}, base_version=0)

    mine = assessment_post(application, scores={first: 5}, notes="Mitt notat", base_version=0)
    response = caseworker.post(office_url("assess", application), mine)
    assert response.status_code == 200
    page = page_text(response)
    assert "Someone else saved the assessment after you opened it" in page
    assert "Kollegaens notat" in page  # what is saved now, to compare
    kept = parse(response).forms[-1]["_fields"]
    assert kept["notes"] == ["Mitt notat"]
    assert kept[f"score_{first.pk}"] == ["5"]
    assessment = Assessment.objects.get(application=application)
    assert (assessment.notes, assessment.version) == ("Kollegaens notat", 1)
    assert assessment.scores.get().score == 1

    again = {k: v[0] for k, v in kept.items() if v and k != "csrfmiddlewaretoken"}
    assert again["base_version"] == "1"
    caseworker.post(office_url("assess", application), again)
    assessment.refresh_from_db()
    assert (assessment.notes, assessment.version) == ("Mitt notat", 2)


def test_an_approver_sees_the_application_but_may_not_assess(approver_client, round_):
    approver = in_english(approver_client)
    application = received(round_)
    assert approver.get(office_url("application", application)).status_code == 200
    refused = approver.get(office_url("assess", application))
    assert refused.status_code == 403
    assert "Only the office's caseworkers assess applications." in page_text(refused)
    refused = approver.post(office_url("assess", application), assessment_post(application, notes=NOTE))
    assert refused.status_code == 403
    assert approver.post(office_url("request_information", application), {"message": "Mer"}).status_code == 403
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert not Assessment.objects.filter(application=application).exists()


# --- asking for more information ------------------------------------------------------------------

def test_request_information_returns_the_application_and_the_municipality_resubmits_after_the_deadline(
        caseworker_client, client_class, round_, organisation, django_capture_on_commit_callbacks, mailoutbox):
    caseworker = in_english(caseworker_client)
    application = ready_to_submit(round=round_, organisation=organisation)
    signatory_user = member(organisation, Role.SIGNATORY)
    application_submit(application=application, user=signatory_user)
    message = "Legg ved oppdatert kompetanseplan og beskriv tiltak 2 nærmere."

    form_page = caseworker.get(office_url("request_information", application))
    assert form_page.status_code == 200
    mailoutbox.clear()  # the receipt
    with django_capture_on_commit_callbacks(execute=True):
        response = caseworker.post(office_url("request_information", application), {"message": message}, follow=True)
    assert response.redirect_chain[-1][0] == office_url("application", application)
    assert [m for m in mailoutbox if message in m.body], "the municipality is told by e-mail"
    application.refresh_from_db()
    assert application.status == ApplicationStatus.RETURNED
    assert ApplicationEvent.objects.filter(application=application, kind=EventKind.STATUS_CHANGED,
                                           data__transition="return", data__message=message).exists()
    assert message in page_text(response)  # the office's history

    # the deadline passes; the municipality still sees the message, edits and sends it again
    round_.closes_at = timezone.now() - dt.timedelta(days=2)
    round_.save()
    signatory = logged_in(client_class, signatory_user)
    overview = signatory.get(application.get_absolute_url())
    assert "Returned for more information" in page_text(overview)
    assert message in page_text(overview)
    assert message in page_text(signatory.get(reverse("applications:history", kwargs={"pk": application.pk})))

    details_url = reverse("applications:details", kwargs={"pk": application.pk})
    details = parse(signatory.get(details_url)).forms
    values = {k: v[0] for f in details if "version" in f["_fields"] for k, v in f["_fields"].items() if v}
    values["competence_raising_plan"] = "Oppdatert plan for kompetanseheving."
    saved = signatory.post(details_url, values)
    assert saved.status_code == 302
    application.refresh_from_db()
    assert application.competence_raising_plan == "Oppdatert plan for kompetanseheving."

    resubmitted = application_submit(application=application, user=signatory_user)
    assert resubmitted.status == ApplicationStatus.SUBMITTED
    assert resubmitted.submission_count == 2
    # the office's history shows both sides
    history = page_text(caseworker.get(office_url("application", application)))
    assert message in history and "Section saved" in history and history.count("→ Submitted") == 2


def test_request_information_needs_a_message(caseworker_client, round_):
    caseworker = in_english(caseworker_client)
    application = received(round_)
    response = caseworker.post(office_url("request_information", application), {"message": "  "})
    assert response.status_code == 200
    assert "Write what the municipality must add or change." in field_error(response, "message")
    assert_error_summary_links_land(response)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_a_returned_application_cannot_be_returned_again(caseworker_client, round_):
    caseworker = in_english(caseworker_client)
    application = received(round_, returned=True)
    returns = ApplicationEvent.objects.filter(application=application, data__transition="return")
    assert returns.count() == 1  # the office's first request
    response = caseworker.post(office_url("request_information", application), {"message": "Mer"})
    assert response.status_code == 200
    assert "This cannot be done while the application is returned for more information." in page_text(response)
    assert returns.count() == 1


# --- access ---------------------------------------------------------------------------------------

OFFICE_PAGES = [("round_applications", "get"), ("application", "get"), ("assess", "get"), ("assess", "post"),
                ("request_information", "get"), ("request_information", "post")]


def _target(name, application):
    return office_url(name, application.round if name == "round_applications" else application)


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.APPROVER, Role.OFFICE_ADMIN])
@pytest.mark.parametrize("name, method", OFFICE_PAGES)
def test_another_offices_staff_get_404_on_every_page(client_class, round_, role, name, method):
    application = received(round_)
    outsider = logged_in(client_class, staff(OfficeFactory(), role))
    response = getattr(outsider, method)(_target(name, application), {"message": "x", "base_version": 0}
                                         if method == "post" else {})
    assert response.status_code == 404
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert not Assessment.objects.filter(application=application).exists()


@pytest.mark.parametrize("role", [Role.EDITOR, Role.SIGNATORY])
@pytest.mark.parametrize("name, method", [*OFFICE_PAGES, ("rounds", "get")])
def test_the_municipality_gets_404_on_every_office_page(client_class, round_, role, name, method):
    application = received(round_)
    municipal = logged_in(client_class, member(application.organisation, role))
    target = reverse("office:rounds") if name == "rounds" else _target(name, application)
    response = getattr(municipal, method)(target, {"message": "x", "base_version": 0} if method == "post" else {})
    assert response.status_code == 404
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_a_draft_is_404_even_to_its_own_office(caseworker_client, round_):
    caseworker = in_english(caseworker_client)
    draft = ApplicationFactory(round=round_)
    for name in ("application", "assess", "request_information"):
        assert caseworker.get(office_url(name, draft)).status_code == 404
    assert Application.objects.get(pk=draft.pk).status == ApplicationStatus.DRAFT


def test_anonymous_visitors_are_sent_to_log_in(client, round_):
    application = received(round_)
    for target in (reverse("office:rounds"), _target("round_applications", application),
                   _target("application", application)):
        response = client.get(target)
        assert response.status_code == 302 and reverse("login") in response["Location"]


def test_notes_and_scores_never_appear_on_a_municipal_page(caseworker_client, client_class, round_):
    caseworker = in_english(caseworker_client)
    application = received(round_, applied=250_000)
    measure = application.measures.get()
    criteria = list(round_.criteria.all())
    caseworker.post(office_url("assess", application), assessment_post(
        application, scores={c: 4 for c in criteria}, notes=NOTE, awards={measure: "123 457"}))
    assessment = Assessment.objects.get(application=application)
    assert assessment.notes == NOTE and assessment.score == 80
    caseworker.post(office_url("request_information", application), {"message": "Send oss budsjettet."})

    for role in (Role.EDITOR, Role.SIGNATORY):
        municipal = logged_in(client_class, member(application.organisation, role))
        for name in ("overview", "summary", "history", "measures", "projects", "check"):
            response = municipal.get(reverse(f"applications:{name}", kwargs={"pk": application.pk}))
            assert response.status_code == 200, name
            page = page_text(response)
            assert NOTE not in page, name
            assert not re.search(r"123\D?457", page), name  # the proposed award
            for hidden in ("Weighted score", "Assessment saved", "Proposed award", "internal"):
                assert hidden not in page, (name, hidden)
        assert "Send oss budsjettet." in page_text(municipal.get(application.get_absolute_url()))
