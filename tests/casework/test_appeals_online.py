"""The decision on the municipality's page and its appeal lodged online: nothing of either before
the letter is sent; then the outcome, each line's award, reasons, conditions, the reporting and
appeal deadlines, and a form by which the organisation's signatory appeals. The appeal lands in the
office's register with the date received, marked late after the three weeks, and the office's
caseworkers are told."""

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from casework.exceptions import CaseworkError
from casework.models import Appeal, AppealHandling, CaseworkEvent
from casework.notifications import CaseworkNotice
from casework.rules import appeal_deadline
from casework.services.appeals import appeal_handle, appeal_lodge
from portal.models import Notification, Role
from tests.applications.factories import applying_for, member, staff
from tests.casework.factories import DecisionFactory
from tests.helpers import in_english, messages_of, page_text, url, visible_text
from tests.portal.factories import OrganisationFactory, pdf_upload

pytestmark = pytest.mark.django_db

GROUNDS = "Kommunen ber om at tiltaket for helsefagarbeidere får fullt tilskudd."


@pytest.fixture
def sent(round_, organisation):
    """A partly granted decision on the organisation's application (two lines), its letter sent today."""
    application = applying_for(round_, 300_000, 100_000, organisation=organisation)
    return DecisionFactory(application=application, awarded=[150_000, 100_000], reasons="Budsjettet er begrenset.",
                           conditions="Midlene brukes innen utgangen av året.", sent=True)


@pytest.fixture
def approved(round_, organisation):
    """Approved by the office, its letter not sent: the municipality knows nothing of it yet."""
    return DecisionFactory(application=applying_for(round_, 300_000, organisation=organisation), approved=True)


def signatory_of(decision):
    return member(decision.application.organisation, Role.SIGNATORY)


# --- the service -----------------------------------------------------------------------------------

def test_the_signatory_lodges_an_appeal_that_lands_in_the_register_and_tells_the_caseworkers(
        sent, django_capture_on_commit_callbacks):
    signatory = signatory_of(sent)
    caseworker, approver = staff(sent.application.round.office), staff(sent.application.round.office, Role.APPROVER)

    with django_capture_on_commit_callbacks(execute=True):
        appeal, created = appeal_lodge(decision=sent, user=signatory, text=f"  {GROUNDS}  ")

    assert created
    appeal.refresh_from_db()
    assert (appeal.decision, appeal.text, appeal.registered_by) == (sent, GROUNDS, signatory)
    assert appeal.received_on == timezone.localdate()
    assert appeal.within_deadline and appeal.lodged_online
    event = sent.application.events.get(kind=CaseworkEvent.APPEAL_REGISTERED)
    assert event.actor == signatory and event.object_id == appeal.pk and event.visible_to_applicant
    told = Notification.objects.filter(kind=CaseworkNotice.APPEAL_LODGED)
    assert set(told.values_list("user", flat=True)) == {caseworker.pk, sent.test_caseworker.pk}  # the office's
    assert {n.url for n in told} == {url("office:decision", sent.application)}
    assert approver.pk not in told.values_list("user", flat=True)


def test_the_same_appeal_sent_twice_is_one_appeal(sent):
    signatory = signatory_of(sent)
    first, created = appeal_lodge(decision=sent, user=signatory, text=GROUNDS)
    again, created_again = appeal_lodge(decision=sent, user=signatory, text=GROUNDS)
    assert created and not created_again
    assert again == first and Appeal.objects.filter(decision=sent).count() == 1


@pytest.mark.parametrize(("days_after_deadline", "within"), [(0, True), (1, False)])
def test_an_appeal_on_the_deadline_day_is_in_time_and_one_the_day_after_is_received_marked_late(
        sent, days_after_deadline, within):
    deadline = appeal_deadline(sent)
    assert deadline == timezone.localdate() + dt.timedelta(weeks=3)
    late_evening = timezone.make_aware(dt.datetime.combine(deadline + dt.timedelta(days=days_after_deadline),
                                                           dt.time(23, 59, 30)))
    with time_machine.travel(late_evening, tick=False):
        appeal, _created = appeal_lodge(decision=sent, user=signatory_of(sent), text=GROUNDS)
    assert appeal.received_on == deadline + dt.timedelta(days=days_after_deadline)
    assert appeal.within_deadline is within


@pytest.mark.parametrize("who", ["editor", "other signatory", "caseworker"])
def test_only_the_organisations_signatory_lodges_an_appeal(sent, english, who):
    user = {
        "editor": lambda: member(sent.application.organisation, Role.EDITOR),
        "other signatory": lambda: member(OrganisationFactory(county=sent.application.organisation.county),
                                          Role.SIGNATORY),
        "caseworker": lambda: staff(sent.application.round.office),
    }[who]()
    with pytest.raises(CaseworkError):
        appeal_lodge(decision=sent, user=user, text=GROUNDS)
    assert not Appeal.objects.exists()


def test_no_appeal_before_the_letter_is_sent_and_the_refusal_does_not_reveal_the_decision(approved, english):
    with pytest.raises(CaseworkError) as refused:
        appeal_lodge(decision=approved, user=signatory_of(approved), text=GROUNDS)
    assert str(refused.value) == "There is no decision on this application that can be appealed."
    assert not Appeal.objects.exists()


def test_an_appeal_needs_its_grounds_and_a_file_it_names_must_be_a_document(sent, english):
    signatory = signatory_of(sent)
    with pytest.raises(CaseworkError, match="Write the grounds"):
        appeal_lodge(decision=sent, user=signatory, text="   ")
    with pytest.raises(CaseworkError, match="is not a PDF, DOCX or ODT file"):
        appeal_lodge(decision=sent, user=signatory, text=GROUNDS,
                     attachment=SimpleUploadedFile("klage.pdf", b"<html>not a pdf</html>"))
    assert not Appeal.objects.exists()


def test_an_attachment_is_stored_with_a_safe_name(sent, media):
    appeal, _created = appeal_lodge(decision=sent, user=signatory_of(sent), text=GROUNDS,
                                    attachment=pdf_upload("../Klage (signert).pdf"))
    assert appeal.attachment_name == "Klage_signert.pdf"
    assert appeal.attachment_content_type == "application/pdf"
    assert appeal.attachment.read().startswith(b"%PDF")


# --- the application's page: the decision, once its letter is sent ---------------------------------

def test_before_the_letter_is_sent_the_page_shows_nothing_and_the_form_is_not_there(
        signatory_client, editor_client, approved):
    application = approved.application
    for client in (signatory_client, editor_client):
        text = visible_text(in_english(client).get(application.get_absolute_url()))
        assert "Appeal" not in text and "Granted" not in text and "Budsjettet" not in text
        assert client.get(url("appeals:lodge", application)).status_code == 404
        assert client.post(url("appeals:lodge", application), {"text": GROUNDS}).status_code == 404
    assert not Appeal.objects.exists()


def test_after_the_letter_the_page_shows_the_decision_line_by_line_and_the_appeal_deadline(signatory_client, sent):
    application = sent.application
    response = in_english(signatory_client).get(application.get_absolute_url())
    text = visible_text(response)
    assert "Outcome Partly granted" in text
    assert "Granted NOK 250,000 of NOK 400,000 applied for" in text
    assert "NOK 300,000 NOK 150,000" in text and "NOK 100,000 NOK 100,000" in text  # applied, granted per line
    assert "Reasons Budsjettet er begrenset." in text
    assert "Conditions Midlene brukes innen utgangen av året." in text
    assert f"Reporting deadline {timezone.localtime(sent.reporting_deadline):%d.%m.%Y} at 23:59" in text
    deadline = appeal_deadline(sent)
    assert f"The decision can be appealed until {deadline:%d.%m.%Y}" in text
    assert f'href="{url("appeals:lodge", application)}"' in page_text(response)
    assert f'href="{url("office:decision_letter", application)}"' in page_text(response)


def test_the_editor_sees_the_decision_and_is_told_the_signatory_appeals(editor_client, sent):
    response = in_english(editor_client).get(sent.application.get_absolute_url())
    assert "Partly granted" in visible_text(response)
    assert "The organisation's signatory can lodge an appeal online" in visible_text(response)
    assert url("appeals:lodge", sent.application) not in page_text(response)


def test_after_the_deadline_the_page_and_the_form_say_it_has_passed(signatory_client, round_, organisation):
    decision = DecisionFactory(application=applying_for(round_, 300_000, organisation=organisation), sent=True,
                               sent_days_ago=22)
    application = decision.application
    client = in_english(signatory_client)
    deadline = f"{appeal_deadline(decision):%d.%m.%Y}"
    assert f"The appeal deadline was {deadline}. An appeal lodged now is received, but marked as late" in visible_text(
        client.get(application.get_absolute_url()))
    assert f"The appeal deadline was {deadline}. You can still lodge the appeal" in visible_text(
        client.get(url("appeals:lodge", application)))

    response = client.post(url("appeals:lodge", application), {"text": GROUNDS}, follow=True)

    assert any("after the deadline" in message for message in messages_of(response))
    appeal = Appeal.objects.get(decision=decision)
    assert not appeal.within_deadline and appeal.received_on == timezone.localdate()
    assert "received after the deadline" in visible_text(response)


# --- the form, and who may open it ---------------------------------------------------------------

@pytest.mark.parametrize(("who", "status"), [
    ("signatory_client", 200), ("editor_client", 403),
    ("caseworker_client", 404), ("approver_client", 404), ("office_admin_client", 404),
    ("national_admin_client", 404), ("other_signatory", 404),
])
def test_who_may_open_the_appeal_form(request, client, sent, who, status):
    if who == "other_signatory":
        client.force_login(member(OrganisationFactory(county=sent.application.organisation.county), Role.SIGNATORY))
    else:
        client = request.getfixturevalue(who)
    assert client.get(url("appeals:lodge", sent.application)).status_code == status
    assert client.post(url("appeals:lodge", sent.application), {"text": GROUNDS}).status_code in (status, 302)
    assert Appeal.objects.exists() is (status == 200)


def test_anonymous_visitors_are_sent_to_log_in(client, sent):
    response = client.get(url("appeals:lodge", sent.application))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_lodging_on_the_page_lands_in_the_office_register(signatory_client, caseworker_client, sent, media):
    application = sent.application
    response = in_english(signatory_client).post(
        url("appeals:lodge", application), {"text": GROUNDS, "attachment": pdf_upload("Klage.pdf")}, follow=True)

    assert response.redirect_chain[-1][0] == application.get_absolute_url() + "#decision"
    assert messages_of(response) == [
        f"The appeal is received by {application.round.office_title} on {timezone.localdate():%d.%m.%Y}, within the "
        "deadline."]
    appeal = Appeal.objects.get(decision=sent)
    assert appeal.registered_by == signatory_client.user and appeal.lodged_online
    assert f"Appeal received {timezone.localdate():%d.%m.%Y}: the office handles it, and its answer comes by letter" in visible_text(response)

    register = visible_text(in_english(caseworker_client).get(url("office:decision", application)))
    assert f"{signatory_client.user} (lodged online by the municipality)" in register
    handling = in_english(caseworker_client).get(url("office:appeal_handle", appeal))
    assert GROUNDS in visible_text(handling)
    attachment_url = url("appeals:attachment", appeal)
    assert attachment_url in page_text(handling)
    for client in (caseworker_client, signatory_client):
        download = client.get(attachment_url)
        assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")


def test_the_attachment_is_not_served_outside_the_organisation_and_office(client, sent, media):
    appeal, _created = appeal_lodge(decision=sent, user=signatory_of(sent), text=GROUNDS, attachment=pdf_upload())
    client.force_login(member(OrganisationFactory(county=sent.application.organisation.county), Role.SIGNATORY))
    assert client.get(url("appeals:attachment", appeal)).status_code == 404


def test_bad_input_is_told_at_its_field_and_what_was_written_is_kept(signatory_client, sent):
    client = in_english(signatory_client)
    response = client.post(url("appeals:lodge", sent.application), {"text": "  "})
    assert response.status_code == 200
    assert "Grounds for the appeal: This field is required." in visible_text(response)
    response = client.post(url("appeals:lodge", sent.application),
                           {"text": GROUNDS, "attachment": SimpleUploadedFile("klage.pdf", b"GIF89a not a document")})
    assert response.status_code == 200
    assert "is not a PDF, DOCX or ODT file" in visible_text(response)
    assert GROUNDS in page_text(response)
    assert not Appeal.objects.exists()


def test_the_municipality_learns_the_appeal_s_outcome_from_the_letter_not_from_the_page(
        signatory_client, caseworker_client, sent):
    """As with the decision itself: the office's handling is its own until its answer is sent."""
    appeal, _created = appeal_lodge(decision=sent, user=signatory_client.user, text="Vi klager.")
    appeal_handle(appeal=appeal, user=caseworker_client.user, handling=AppealHandling.UPHELD)
    page = visible_text(in_english(signatory_client).get(sent.application.get_absolute_url()))
    assert "the office handles it, and its answer comes by letter" in page and "Decision upheld" not in page
