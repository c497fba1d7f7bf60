"""Every form is performed once (`portal.idempotency`): the same sending twice at once (a double
click: two requests with the same form key, racing on two database connections) and again after
(a retry, the back button) does what it asks once, and never answers with a 500.

The races run on PostgreSQL in one transactional test that builds the world once and goes through
the table `FORMS` (each row its own objects), collecting every failure; the table of every URL that
takes a POST (`POSTS`) keeps a new write view from being forgotten."""

import re
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from applications.models import (
    Application,
    ApplicationEvent,
    ApplicationStatus,
    Attachment,
    CompetenceMeasure,
    SignatureRequest,
)
from casework.models import Appeal, Assessment, Decision, DecisionStatus
from people.models import AccessEvent, Invitation
from portal.idempotency import FIELD, MARK, KeyMisused, idempotent, keys_purge, sending_key
from portal.models import Membership, Role, SubmittedForm
from reporting.models import GrantReport, ReportStatus
from tests.applications.factories import (
    ApplicationFactory,
    CompetenceMeasureFactory,
    member,
    pdf_upload,
    ready_to_submit,
    staff,
)
from tests.casework.factories import AppealFactory, DecisionFactory, assessed, letter_stored
from tests.helpers import form_values, in_english, messages_of, parse
from tests.people.factories import InvitationFactory
from tests.portal.factories import UserFactory
from tests.reporting.factories import GrantReportFactory
from tests.schemes.factories import RoundFactory
from tests.test_access_matrix import EXPECTED, ROLES, url_patterns

# --- the mechanism on its own ---------------------------------------------------------------------


@pytest.mark.django_db
def test_a_key_is_done_once_and_a_repeat_is_told_where_the_first_led():
    user = staff(RoundFactory().office, Role.CASEWORKER)
    key = uuid.uuid4()
    with transaction.atomic(), idempotent(key=key, user=user, path="/a/") as once:
        assert not once.done
        once.record("/done/")
    with transaction.atomic(), idempotent(key=key, user=user, path="/a/") as again:
        assert again.done and again.outcome == "/done/"
    assert SubmittedForm.objects.count() == 1


@pytest.mark.django_db
def test_a_released_key_may_be_performed_again():
    """A refusal or a form shown again with its errors did nothing: its key is given back."""
    user = staff(RoundFactory().office, Role.CASEWORKER)
    key = uuid.uuid4()
    with transaction.atomic(), idempotent(key=key, user=user, path="/a/") as once:
        once.release()
    with transaction.atomic(), idempotent(key=key, user=user, path="/a/") as again:
        assert not again.done


@pytest.mark.django_db
@pytest.mark.parametrize("other", ["user", "path"])
def test_a_key_sent_by_someone_else_or_to_another_form_is_refused(other):
    office = RoundFactory().office
    user, stranger = staff(office, Role.CASEWORKER), staff(office, Role.CASEWORKER)
    key = uuid.uuid4()
    with transaction.atomic(), idempotent(key=key, user=user, path="/a/") as once:
        once.record("/done/")
    with pytest.raises(KeyMisused), transaction.atomic():
        with idempotent(key=key, user=stranger if other == "user" else user,
                        path="/a/" if other == "user" else "/b/"):
            pass


@pytest.mark.django_db
def test_keys_older_than_a_day_are_purged():
    now = timezone.now()
    old = SubmittedForm.objects.create(key=uuid.uuid4(), path="/a/", created_at=now - timedelta(hours=25))
    fresh = SubmittedForm.objects.create(key=uuid.uuid4(), path="/a/", created_at=now - timedelta(hours=23))
    assert keys_purge(now=now) == 1
    assert list(SubmittedForm.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert not SubmittedForm.objects.filter(pk=old.pk).exists()


def test_the_purge_is_scheduled(settings):
    assert any(entry["task"] == "portal.form_keys_purge" for entry in settings.CELERY_BEAT_SCHEDULE.values())


@pytest.mark.django_db
def test_a_form_shown_again_with_its_errors_keeps_nothing_and_the_corrected_one_is_performed(client):
    """The same key, first with an error (nothing done), then corrected: performed, once."""
    application = ApplicationFactory()
    client.force_login(member(application.organisation, Role.EDITOR))
    in_english(client)
    path = reverse("applications:measure_add", args=[application.pk])
    key = str(uuid.uuid4())
    wrong = client.post(path, {**measure_data(), "total_cost": "lots", FIELD: key})
    assert wrong.status_code == 200 and not SubmittedForm.objects.exists()
    right = client.post(path, {**measure_data(), FIELD: key})
    again = client.post(path, {**measure_data(), FIELD: key}, follow=True)
    assert right.status_code == 302 and again.redirect_chain[0][0] == right.url
    assert CompetenceMeasure.objects.filter(application=application).count() == 1
    assert "This form had already been sent, and what it asked for was done once. Here is the result." \
        in messages_of(again)


@pytest.mark.django_db
def test_a_refusal_with_its_message_is_answered_and_the_key_given_back(client):
    """A keyed form refused with a message (an editor hands in the report, which only the signatory
    may): the page says why, in a redirect, not a server error (the guard once read the messages in a
    way that left a lazily translated one unwritable), and nothing is remembered."""
    report = GrantReportFactory(filled=True)
    client.force_login(member(report.application.organisation, Role.EDITOR))
    in_english(client)
    refused = client.post(reverse("reporting:submit", args=[report.application.pk]),
                          {FIELD: str(uuid.uuid4())}, follow=True)
    assert refused.redirect_chain and refused.status_code == 200
    assert messages_of(refused) and not SubmittedForm.objects.exists()
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


@pytest.mark.django_db
def test_without_a_key_a_form_works_as_before(client):
    """An old page, a script or the autosave posts without a key: performed, and nothing remembered."""
    application = ApplicationFactory()
    client.force_login(member(application.organisation, Role.EDITOR))
    path = reverse("applications:measure_add", args=[application.pk])
    assert client.post(path, measure_data()).status_code == 302
    assert CompetenceMeasure.objects.filter(application=application).count() == 1
    assert not SubmittedForm.objects.exists()


@pytest.mark.django_db
def test_every_post_form_of_a_page_carries_a_fresh_key(client):
    application = ApplicationFactory()
    client.force_login(member(application.organisation, Role.EDITOR))
    keys = []
    for _ in range(2):
        forms = parse(client.get(reverse("applications:measure_add", args=[application.pk]))).forms
        posted = [form for form in forms if "csrfmiddlewaretoken" in form["_fields"]
                  and form["_action"] not in (reverse("logout"), reverse("set_language"))]
        assert posted and all(FIELD in form["_fields"] for form in posted)
        keys.append(posted[0]["_fields"][FIELD][0])
    assert keys[0] != keys[1] and all(uuid.UUID(key) for key in keys)


@pytest.mark.django_db
def test_the_autosave_neither_uses_nor_keeps_the_key(client):
    """The autosave posts the same form (key included) many times while it is typed: each is saved,
    and the key stays unused for the click that sends the form."""
    application = ApplicationFactory()
    client.force_login(member(application.organisation, Role.EDITOR))
    path = reverse("applications:details", args=[application.pk])
    key = str(uuid.uuid4())
    for contact in ("Kari", "Kari Nordmann"):
        version = Application.objects.get(pk=application.pk).details_version
        response = client.post(path, {"contact_name": contact, "version": version, FIELD: key}, HTTP_X_AUTOSAVE="1")
        assert response.status_code == 200 and response.json()["saved"]
    assert Application.objects.get(pk=application.pk).contact_name == "Kari Nordmann"
    assert not SubmittedForm.objects.exists()


@pytest.mark.django_db
def test_the_same_form_sent_again_with_other_content_is_a_new_sending_and_nothing_typed_is_lost(client):
    """The back button, then a correction: not "already done" (the correction would be dropped) but
    a new sending, which the line's own stale-version check answers, keeping what was typed."""
    application = ApplicationFactory()
    measure = CompetenceMeasureFactory(application=application, title="Kurs i rus")
    client.force_login(member(application.organisation, Role.EDITOR))
    in_english(client)
    path = reverse("applications:measure_edit", args=[application.pk, measure.pk])
    key, version = str(uuid.uuid4()), measure.version
    first = client.post(path, {**measure_data(title="Kurs i psykisk helse"), "version": version, FIELD: key})
    assert first.status_code == 302
    back = client.post(path, {**measure_data(title="Kurs i rus og psykisk helse"), "version": version, FIELD: key})
    assert back.status_code == 200  # the form again, saying the line changed since
    assert "already been sent" not in " ".join(messages_of(back))
    assert form_values(back)["title"] == "Kurs i rus og psykisk helse"
    assert CompetenceMeasure.objects.get(pk=measure.pk).title == "Kurs i psykisk helse"


@pytest.mark.django_db
def test_the_key_of_a_sending_holds_the_user_the_address_and_everything_sent(rf):
    form_key = uuid.uuid4()
    office = RoundFactory().office
    user, other = staff(office, Role.CASEWORKER), staff(office, Role.CASEWORKER)

    def sent(path="/a/", by=user, **data):
        request = rf.post(path, {"text": "Klage", FIELD: str(form_key), **data})
        request.user = by
        return sending_key(request, form_key)

    assert sent() == sent(csrfmiddlewaretoken="another token")
    assert len({sent(), sent(path="/b/"), sent(by=other), sent(text="Klage!"),
                sent(attachment=pdf_upload("a.pdf"))}) == 5


# Forms that post to Django's own login machinery, where a repeat is harmless (see EXEMPT below).
TEMPLATES_WITHOUT_KEY = {"templates/registration/login.html", "templates/registration/password_reset_form.html",
                         "templates/registration/password_reset_confirm.html",
                         "templates/includes/language_switcher.html", "templates/base.html"}


def test_every_post_form_in_the_templates_renders_a_key():
    root = Path(settings.BASE_DIR)
    missing = []
    for template in sorted(root.glob("**/templates/**/*.html")):
        relative = str(template.relative_to(root))
        if relative.startswith((".venv", "node_modules")) or relative in TEMPLATES_WITHOUT_KEY:
            continue
        for form in re.findall(r"<form\b[^>]*>.*?</form>", template.read_text(), flags=re.S | re.I):
            if re.search(r'method="post"', form, flags=re.I) and "{% form_key %}" not in form:
                missing.append(relative)
    assert not missing, f"POST forms without {{% form_key %}}: {missing}"


# --- every URL that takes a POST is performed once, or says why it need not be ---------------------

# The URL patterns whose POST writes nothing, or is Django's own login machinery, with the reason.
EXEMPT = {
    "portal:home": "a page: a POST is answered as a GET",
    "portal:dashboard": "a page: a POST is answered as a GET",
    "portal:notifications": "a page: a POST is answered as a GET",
    "portal:notification_open": "marks one notification read and follows it: the same each time",
    "schemes:scheme_detail": "a public page", "schemes:round_list": "a public page",
    "schemes:round_detail": "a public page", "schemes:round_document": "a download",
    "applications:mine": "a page", "applications:overview": "a page", "applications:measures": "a page",
    "applications:projects": "a page", "applications:summary": "a page", "applications:history": "a page",
    "applications:check": "a page", "applications:attachment": "a download", "applications:receipt": "a download",
    "appeals:attachment": "a download",
    "office:rounds": "a page", "office:round_applications": "a page", "office:board": "a page",
    "office:round_decisions": "a page", "office:export_csv": "a download", "office:export_xlsx": "a download",
    "office:application": "a page", "office:decision_letter": "a download",
    "office:decision_letter_preview": "a preview",
    "reminders:rounds": "a page", "reminders:round": "a page", "reminders:outbox": "a page",
    "reporting:review": "a page", "reporting:round_reports": "a page",
    "people:index": "a page", "people:organisation": "a page", "people:office": "a page",
    "people:office_log": "a page", "people:national": "a page",
    "archive:round": "a page", "archive:case": "a page", "archive:pdf": "a download",
    "archive:metadata": "a download", "archive:file": "a download",
    "statistics:index": "a page", "statistics:round": "a page", "statistics:round_csv": "a download",
    "statistics:round_xlsx": "a download", "statistics:national": "a page",
    "statistics:national_csv": "a download", "statistics:national_xlsx": "a download",
    "opendata:documentation": "a page",
    "login": "Django's login: a second login is a login", "logout": "a second logout is a logout",
    "password_reset": "Django's: a second e-mail's link is as good as the first",
    "password_reset_confirm": "Django's: the link works once (the token ends with the new password)",
    "set_language": "choosing the language twice chooses it",
}


def test_every_url_that_takes_a_post_is_performed_once_or_exempt_with_a_reason():
    """A URL some logged-in user may POST to (the access matrix's table says which) is wrapped in
    `@idempotent_post`, or `EXEMPT` says why not. The admin is Django's own and left out."""
    problems = []
    for name, route, entry in url_patterns():
        if route.startswith("admin/") or name not in EXPECTED:
            continue
        posts = dict(zip(ROLES, EXPECTED[name][1].split(), strict=True))
        takes_post = any(code != "405" for role, code in posts.items() if role != "anon")
        wrapped = getattr(entry.callback, MARK, False)
        if wrapped and name in EXEMPT:
            problems.append(f"{name}: wrapped, and exempt too")
        elif takes_post and not wrapped and name not in EXEMPT:
            problems.append(f"{name}: takes a POST; wrap its view in @idempotent_post or say in EXEMPT why not")
    assert not problems, "\n".join(problems)


# --- the same form twice at once, then once more ----------------------------------------------------

def measure_data(**overrides):
    return {"title": "Videreutdanning i rus", "kind": "further_education", "description": "Ti ansatte.",
            "service_area": "mental_health", "concerns_mental_health": "on", "participants": "10",
            "total_cost": "300000", "amount_applied": "200000", "own_funding": "100000", **overrides}


@dataclass
class Form:
    """One form of the table: who sends it, what it is made from, the page it is on (and which of the
    page's forms: by its action), what is typed in, and what it must do once."""

    who: Callable  # ctx -> user
    make: Callable  # () -> ctx (a dict)
    page: Callable  # ctx -> the page's URL
    action: Callable | None = None  # ctx -> the form's action (None: the page itself)
    typed: Callable = lambda ctx: {}  # ctx -> fields (called per sending: a file is read once)
    effect: Callable = lambda ctx: 0  # ctx -> a count that the form raises once
    mails: int = 0  # e-mails the form sends, once
    files: int | None = None  # files it stores, once (None: not counted)


def _draft():
    application = ApplicationFactory()
    return {"application": application, "editor": member(application.organisation, Role.EDITOR)}


def _with_measure():
    ctx = _draft()
    ctx["measure"] = CompetenceMeasureFactory(application=ctx["application"])
    return ctx


def _sent_decision():
    decision = DecisionFactory(sent=True)
    return {"decision": decision, "application": decision.application, "caseworker": decision.test_caseworker,
            "signatory": member(decision.application.organisation, Role.SIGNATORY)}


def _appeal():
    appeal = AppealFactory()
    return {"appeal": appeal, "application": appeal.decision.application,
            "caseworker": appeal.decision.test_caseworker}


def _proposed():
    decision = DecisionFactory()
    return {"decision": decision, "application": decision.application, "approver": decision.test_approver}


def _in_assessment():
    application = ApplicationFactory(in_assessment=True)
    return {"application": application, "caseworker": staff(application.round.office, Role.CASEWORKER)}


def _report_submitted():
    report = GrantReportFactory(submitted=True)
    return {"report": report, "application": report.application, "caseworker": report.test_decision.test_caseworker}


def _organisation():
    application = ApplicationFactory()
    organisation = application.organisation
    return {"organisation": organisation, "signatory": member(organisation, Role.SIGNATORY),
            "editor_membership": member(organisation, Role.EDITOR).memberships.get()}


def _submitted():
    application = ApplicationFactory(submitted=True)
    return {"application": application, "signatory": member(application.organisation, Role.SIGNATORY)}


def _ready():
    application = ready_to_submit()
    return {"application": application, "signatory": member(application.organisation, Role.SIGNATORY),
            "editor": member(application.organisation, Role.EDITOR)}


def _assessed():
    application = assessed(RoundFactory(with_criteria=True))
    return {"application": application, "caseworker": application.assessment.started_by}


def _approved():
    decision = letter_stored(DecisionFactory(approved=True))
    return {"decision": decision, "application": decision.application, "caseworker": decision.test_caseworker}


def _invited():
    ctx = _organisation()
    ctx["invitation"] = InvitationFactory(organisation=ctx["organisation"], email="invitert@kommune.example",
                                          invited_by=member(ctx["organisation"], Role.SIGNATORY))
    return ctx


def _withdrawn():
    application = ApplicationFactory(withdrawn=True)
    return {"application": application, "signatory": member(application.organisation, Role.SIGNATORY)}


def _report():
    report = GrantReportFactory()
    return {"report": report, "application": report.application,
            "editor": member(report.application.organisation, Role.EDITOR)}


def _invitation_to_accept():
    ctx = _invited()
    ctx["invitee"] = UserFactory(email=ctx["invitation"].email)
    return ctx


def _status(model, key, status):
    return lambda ctx: int(model.objects.get(pk=ctx[key].pk).status == status)


def _events(ctx):
    return ApplicationEvent.objects.filter(application=ctx["application"]).count()


def _url(name, *args):
    return lambda ctx: reverse(name, args=[arg(ctx) for arg in args])


def _pk(key):
    return lambda ctx: ctx[key].pk


FORMS = {
    "applications: add a line": Form(
        who=lambda c: c["editor"], make=_draft, page=_url("applications:measure_add", _pk("application")),
        typed=lambda c: measure_data(),
        effect=lambda c: CompetenceMeasure.objects.filter(application=c["application"]).count()),
    "applications: delete a line": Form(
        who=lambda c: c["editor"], make=_with_measure,
        page=_url("applications:measure_delete", _pk("application"), _pk("measure")),
        effect=lambda c: -CompetenceMeasure.objects.filter(application=c["application"]).count()),
    "applications: save a section": Form(
        who=lambda c: c["editor"], make=_draft, page=_url("applications:details", _pk("application")),
        typed=lambda c: {"contact_name": "Kari Nordmann"},
        effect=lambda c: Application.objects.get(pk=c["application"].pk).details_version),
    "applications: hand over to the signatory": Form(
        who=lambda c: c["editor"], make=_ready, page=_url("applications:check", _pk("application")),
        action=_url("applications:mark_ready", _pk("application")), mails=1,
        effect=lambda c: SignatureRequest.objects.filter(application=c["application"]).count()),
    "applications: submit": Form(
        who=lambda c: c["signatory"], make=_ready, page=_url("applications:check", _pk("application")),
        action=_url("applications:submit", _pk("application")), mails=1,
        effect=_status(Application, "application", ApplicationStatus.SUBMITTED)),
    "applications: reopen": Form(
        who=lambda c: c["signatory"], make=_withdrawn, page=_url("applications:overview", _pk("application")),
        action=_url("applications:reopen", _pk("application")),
        effect=_status(Application, "application", ApplicationStatus.DRAFT)),
    "applications: withdraw": Form(
        who=lambda c: c["signatory"], make=_submitted, page=_url("applications:withdraw", _pk("application")),
        typed=lambda c: {"reason": "Feil tall."}, effect=_status(Application, "application", ApplicationStatus.WITHDRAWN)),
    "applications: upload the competence plan": Form(
        who=lambda c: c["editor"], make=_draft, page=_url("applications:plan", _pk("application")),
        typed=lambda c: {"file": pdf_upload("Kompetanseplan.pdf"), "competence_plan_updated_on": "2024-03-12",
                         "competence_plan_adopted_by": "Kommunestyret"}, files=1,
        effect=lambda c: Attachment.objects.filter(application=c["application"]).count()),
    "casework: assessment notes and scores": Form(
        who=lambda c: c["caseworker"], make=_assessed, page=_url("office:assess", _pk("application")),
        typed=lambda c: {"notes": "Sterk søknad."},
        effect=lambda c: Assessment.objects.get(application=c["application"]).version),
    "casework: register an appeal": Form(
        who=lambda c: c["caseworker"], make=_sent_decision, page=_url("office:appeal_new", _pk("application")),
        typed=lambda c: {"text": "Kommunen klager."},
        effect=lambda c: Appeal.objects.filter(decision=c["decision"]).count()),
    "casework: handle an appeal": Form(
        who=lambda c: c["caseworker"], make=_appeal, page=_url("office:appeal_handle", _pk("appeal")),
        typed=lambda c: {"handling": "upheld", "notes": "Vedtaket står."}, effect=_events),
    "casework: lodge an appeal online": Form(
        who=lambda c: c["signatory"], make=_sent_decision, page=_url("appeals:lodge", _pk("application")),
        typed=lambda c: {"text": "Vi klager.", "attachment": pdf_upload("klage.pdf")}, files=1,
        effect=lambda c: Appeal.objects.filter(decision=c["decision"]).count()),
    "casework: approve a decision": Form(
        who=lambda c: c["approver"], make=_proposed, page=_url("office:decision", _pk("application")),
        action=_url("office:decision_approve", _pk("application")),
        effect=lambda c: int(Decision.objects.get(pk=c["decision"].pk).status == DecisionStatus.APPROVED)),
    "casework: propose a decision": Form(
        who=lambda c: c["caseworker"], make=_assessed, page=_url("office:decision", _pk("application")),
        typed=lambda c: {"reasons": "Godt begrunnet søknad."},
        effect=lambda c: Decision.objects.filter(application=c["application"]).count()),
    "casework: return a proposal": Form(
        who=lambda c: c["approver"], make=_proposed, page=_url("office:decision", _pk("application")),
        action=_url("office:decision_return", _pk("application")), typed=lambda c: {"comment": "Nevn budsjettet."},
        effect=_status(Decision, "decision", DecisionStatus.RETURNED)),
    "casework: send a decision": Form(
        who=lambda c: c["caseworker"], make=_approved, page=_url("office:decision", _pk("application")),
        action=_url("office:decision_send", _pk("application")), mails=1,
        effect=_status(Decision, "decision", DecisionStatus.SENT)),
    "casework: ask for information": Form(
        who=lambda c: c["caseworker"], make=_in_assessment,
        page=_url("office:request_information", _pk("application")),
        typed=lambda c: {"message": "Send oss kompetanseplanen."}, mails=1,
        effect=lambda c: int(Application.objects.get(pk=c["application"].pk).status == ApplicationStatus.RETURNED)),
    "reporting: save the report": Form(
        who=lambda c: c["editor"], make=_report, page=_url("reporting:report", _pk("application")),
        typed=lambda c: {"overall_account": "Midlene ble brukt som planlagt."},
        effect=lambda c: GrantReport.objects.get(pk=c["report"].pk).version),
    "reporting: approve a report": Form(
        who=lambda c: c["caseworker"], make=_report_submitted, page=_url("reporting:review", _pk("application")),
        action=_url("reporting:approve", _pk("application")),
        effect=_status(GrantReport, "report", ReportStatus.APPROVED)),
    "reporting: return a report": Form(
        who=lambda c: c["caseworker"], make=_report_submitted, page=_url("reporting:review", _pk("application")),
        action=_url("reporting:return", _pk("application")), typed=lambda c: {"message": "Revisorberetningen mangler."},
        effect=_status(GrantReport, "report", ReportStatus.RETURNED)),
    "people: send an invitation again": Form(
        who=lambda c: c["signatory"], make=_invited, page=_url("people:organisation", _pk("organisation")),
        action=_url("people:invitation_again", _pk("invitation")), mails=1,
        effect=lambda c: Invitation.objects.get(pk=c["invitation"].pk).sent_count),
    "people: withdraw an invitation": Form(
        who=lambda c: c["signatory"], make=_invited, page=_url("people:organisation", _pk("organisation")),
        action=_url("people:invitation_withdraw", _pk("invitation")),
        effect=lambda c: int(Invitation.objects.get(pk=c["invitation"].pk).revoked_at is not None)),
    "people: remove a role": Form(
        who=lambda c: c["signatory"], make=_organisation, page=_url("people:membership_remove", _pk("editor_membership")),
        effect=lambda c: AccessEvent.objects.filter(organisation=c["organisation"]).count()),
    "people: deactivate a person": Form(
        who=lambda c: c["signatory"], make=_organisation, page=_url("people:organisation", _pk("organisation")),
        action=lambda c: reverse("people:person_active", args=[c["editor_membership"].user_id]),
        typed=lambda c: {"active": "0"},
        effect=lambda c: AccessEvent.objects.filter(organisation=c["organisation"]).count()),
    "people: invite": Form(
        who=lambda c: c["signatory"], make=_organisation, page=_url("people:organisation", _pk("organisation")),
        action=_url("people:organisation_invite", _pk("organisation")),
        typed=lambda c: {"email": "ny@kommune.example", "role": Role.EDITOR},
        effect=lambda c: Invitation.objects.filter(organisation=c["organisation"]).count(), mails=1),
    "people: accept an invitation": Form(
        who=lambda c: c["invitee"], make=_invitation_to_accept,
        page=lambda c: reverse("people:invitation", args=[c["invitation"].token]),
        effect=lambda c: Membership.objects.filter(user=c["invitee"]).count()),
    "people: change a role": Form(
        who=lambda c: c["signatory"], make=_organisation, page=_url("people:organisation", _pk("organisation")),
        action=_url("people:membership_role", _pk("editor_membership")), typed=lambda c: {"role": Role.SIGNATORY},
        effect=lambda c: AccessEvent.objects.filter(organisation=c["organisation"]).count()),
}


def _form_of(client, form: Form, ctx) -> tuple[str, dict]:
    """The form as the page renders it (its key included), as a browser would post it."""
    page = client.get(form.page(ctx))
    assert page.status_code == 200, f"{form.page(ctx)}: {page.status_code}"
    action = form.action(ctx) if form.action else form.page(ctx)
    found = [f for f in parse(page).forms if (f["_action"] or form.page(ctx)) == action]
    assert found, f"no form posting to {action} on {form.page(ctx)}"
    fields = {name: values if len(values) != 1 else values[0] for name, values in found[0]["_fields"].items()
              if values != []}
    assert FIELD in fields, f"the form posting to {action} has no {FIELD}"
    return action, fields


def _files_stored() -> int:
    return sum(1 for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file())


def _post_at_once(clients, path, data_of) -> list:
    """POST from each client at the same moment, each on its own thread and database connection."""
    barrier = threading.Barrier(len(clients))
    statuses = [None] * len(clients)

    def send(index, client):
        try:
            data = data_of()
            barrier.wait(timeout=10)
            statuses[index] = client.post(path, data).status_code
        except Exception as error:  # noqa: BLE001 - reported as the sending's outcome
            statuses[index] = repr(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(i, c)) for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return statuses


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_each_form_sent_twice_at_once_and_again_is_performed_once():
    failures = []
    for name, form in FORMS.items():
        ctx = form.make()
        user = form.who(ctx)
        clients = [Client(raise_request_exception=False) for _ in range(3)]
        for client in clients:
            client.force_login(user)
        path, fields = _form_of(clients[0], form, ctx)
        effect_before, mails_before, files_before = form.effect(ctx), len(mail.outbox), _files_stored()
        statuses = _post_at_once(clients[:2], path, lambda: {**fields, **form.typed(ctx)})  # noqa: B023
        again = clients[2].post(path, {**fields, **form.typed(ctx)}).status_code
        done, mails = form.effect(ctx) - effect_before, len(mail.outbox) - mails_before
        if not all(isinstance(s, int) and s < 400 for s in [*statuses, again]):
            failures.append(f"{name}: answered {statuses} at once, then {again}")
        if done != 1:
            failures.append(f"{name}: done {done} times")
        if mails != form.mails:
            failures.append(f"{name}: {mails} e-mails, expected {form.mails}")
        if form.files is not None and _files_stored() - files_before != form.files:
            failures.append(f"{name}: {_files_stored() - files_before} files stored, expected {form.files}")
        if SubmittedForm.objects.filter(path=path).count() != 1:
            failures.append(f"{name}: {SubmittedForm.objects.filter(path=path).count()} keys kept")
    assert not failures, "\n".join(failures)
    assert Application.objects.exists()  # the world was there (a table that ran nothing would pass)
