"""The receipt: the whole application as submitted, in the organisation's language form and in
Norwegian time, made once per submission and e-mailed once to the signatory and the contact person."""

import datetime as dt
import logging
import threading

import pytest
import time_machine
from celery.exceptions import Retry
from django.core import mail
from django.db import connection
from django.utils import timezone

from applications import receipts
from applications.models import Application, EventKind, Receipt
from applications.receipts import receipt_create, receipt_render_pdf, receipt_send
from applications.selectors import receipt_email_key, receipts_missing, receipts_not_emailed
from applications.services import application_reopen, application_submit, application_withdraw
from applications.tasks import receipt_create_task, receipts_catch_up_task
from applications.workflow import APPLICATION
from portal.models import Delivery, LanguageForm, Role, SentEmail
from tests.applications.factories import (
    ApplicationFactory,
    AttachmentFactory,
    CompetenceMeasureFactory,
    InnovationProjectFactory,
    staff,
)
from tests.helpers import pdf_text, stub_task
from tests.portal.factories import (
    MINIMAL_PDF,
    MembershipFactory,
    SentEmailFactory,
    UserFactory,
    reference_municipality,
    reference_office,
)
from tests.schemes.factories import RoundFactory, SchemeFactory, SubGoalFactory, oslo

pytestmark = pytest.mark.django_db


def submitted_application(*, language_form=LanguageForm.BOKMAL, **kwargs):
    """Værøy's application to Fylkesmannen i Nordland's 2020 round, sent at the last minute (both
    from the reference data, as in production)."""
    office = reference_office("fylkesmannen-i-nordland")
    scheme = SchemeFactory(
        slug="kompetanse-og-innovasjon", name="Kommunalt kompetanse- og innovasjonstilskudd",
        name_nn="Kommunalt kompetanse- og innovasjonstilskot",
    )
    round_ = RoundFactory(
        scheme=scheme, office=office, year=2020, opens_at=oslo(2020, 1, 6), closes_at=oslo(2020, 2, 20, 23, 59),
        reporting_deadline=oslo(2021, 3, 1), contact_email="fmnopost@fylkesmannen.example",
    )
    signatory = UserFactory(email="radmann@varoy.example", full_name="Åse Øvrebø")
    application = ApplicationFactory(**{
        "round": round_, "organisation": reference_municipality("1857", language_form=language_form),
        "created_by": signatory, "submitted": True, "submitted_at": oslo(2020, 2, 20, 23, 59, 30),
        "submitted_by": signatory, "contact_name": "Bjørn Ærøe", "contact_email": "helse@varoy.example",
        "project_priorities": "Prosjektet for velferdsteknologi er viktigst for oss.",
        "competence_raising_plan": "Flere ansatte skal ta videreutdanning i rus og psykisk helse.",
        "competence_plan_updated_on": dt.date(2019, 6, 13), "competence_plan_adopted_by": "Kommunestyret",
        **kwargs,
    })
    MembershipFactory(user=signatory, organisation=application.organisation, role=Role.SIGNATORY)
    CompetenceMeasureFactory(
        application=application, title="Videreutdanning i psykisk helsearbeid i øykommunen",
        participants=4, total_cost=300_000, amount_applied=150_000, own_funding=150_000,
    )
    InnovationProjectFactory(
        application=application, title="Digitalt tilsyn i hjemmetjenesten", priority_rank=1,
        sub_goals=[SubGoalFactory(scheme=scheme, text="Bedre kvalitet i tjenestene")],
        total_budget=800_000, amount_applied=400_000, own_share=400_000,
    )
    AttachmentFactory(application=application, original_name="Kompetanseplan 2019–2022.pdf", uploaded_by=signatory)
    return application


def test_the_receipt_shows_the_whole_application_in_bokmal_and_norwegian_time():
    application = submitted_application()

    with timezone.override(dt.timezone.utc):  # a worker in UTC still writes Norwegian time
        pages = pdf_text(receipt_render_pdf(application=application))

    text = " ".join(pages)
    assert "Organisasjon Værøy" in text
    assert "964 994 307" in text  # Værøy's organisation number (the reference data), grouped as written
    assert "20.02.2020 kl. 23:59" in text
    assert "Åse Øvrebø" in text
    assert "Bjørn Ærøe" in text
    assert "Prosjektet for velferdsteknologi er viktigst for oss." in text
    assert "Kompetanseplan 2019–2022.pdf" in text
    assert "13.06.2019" in text
    assert "Videreutdanning i psykisk helsearbeid i øykommunen" in text
    assert "150 000 kr" in text
    assert "Digitalt tilsyn i hjemmetjenesten" in text
    assert "Bedre kvalitet i tjenestene" in text
    assert "550 000 kr" in text  # applied for in all
    assert "Antall deltakere" in text
    assert "Side 1 av" in pages[0]


def test_the_receipt_is_in_nynorsk_for_a_nynorsk_municipality():
    application = submitted_application(language_form=LanguageForm.NYNORSK)

    pages = pdf_text(receipt_render_pdf(application=application))

    text = " ".join(pages)
    assert "Side 1 av" in pages[0]
    assert "Talet på deltakarar" in text
    assert "Eigenfinansiering (kr)" in text
    assert "Kommunalt kompetanse- og innovasjonstilskot" in text
    assert "Antall deltakere" not in text


def test_the_running_header_and_page_numbers_are_on_every_page():
    application = submitted_application()
    for number in range(8):
        CompetenceMeasureFactory(application=application, title=f"Kurs {number}", description="Linje\n" * 6)

    pages = pdf_text(receipt_render_pdf(application=application))

    assert len(pages) > 1
    for number, page in enumerate(pages, 1):
        assert "964 994 307" in page
        assert f"Side {number} av {len(pages)}" in page


def test_what_the_municipality_wrote_is_shown_as_text_not_markup():
    application = submitted_application()
    CompetenceMeasureFactory(application=application, title="<b>Kurs</b> & <script>x</script>")

    text = " ".join(pdf_text(receipt_render_pdf(application=application)))

    assert "<b>Kurs</b> & <script>x</script>" in text


def test_the_task_run_twice_makes_one_receipt_one_pdf_and_one_email(media):
    application = submitted_application()

    receipt_create_task.delay(application.pk, 1)
    receipt_create_task.delay(application.pk, 1)

    receipt = Receipt.objects.get(application=application)
    assert receipt.submission_number == 1
    assert receipt.pdf.name.endswith(f"kvittering-2020-1857-{application.pk}-1.pdf")
    assert [p.name for p in (media / "receipts").rglob("*.pdf")] == [f"kvittering-2020-1857-{application.pk}-1.pdf"]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["radmann@varoy.example", "helse@varoy.example"]
    assert application.reference in message.subject
    assert "20.02.2020 kl. 23:59" in message.body
    [(name, content, mimetype)] = message.attachments
    assert (name, mimetype) == (f"kvittering-2020-1857-{application.pk}-1.pdf", "application/pdf")
    assert content == receipt.pdf.open("rb").read()
    assert "Organisasjon Værøy" in " ".join(pdf_text(content))
    assert list(application.events.filter(kind=EventKind.RECEIPT_CREATED).values_list("data", flat=True)) == [
        {"submission_number": 1}]
    [sent] = application.events.filter(kind=EventKind.EMAIL_SENT)
    assert sent.data["to"] == ["radmann@varoy.example", "helse@varoy.example"]
    assert sent.data["what"] == "receipt"
    assert sent.actor is None


def test_the_email_goes_once_when_the_signatory_is_the_contact_person():
    application = submitted_application()
    application.contact_email = "Radmann@varoy.example"
    application.save()

    receipt_create_task.delay(application.pk, 1)

    assert mail.outbox[0].to == ["radmann@varoy.example"]


def test_the_email_is_in_nynorsk_for_a_nynorsk_municipality():
    application = submitted_application(language_form=LanguageForm.NYNORSK)

    receipt_create_task.delay(application.pk, 1)

    message = mail.outbox[0]
    assert message.extra_headers["Content-Language"] == "nn"
    assert "Kommunalt kompetanse- og innovasjonstilskot" in message.body


def test_a_refused_email_is_sent_by_the_retry_without_a_second_pdf(smtp_server, media):
    application = submitted_application()
    smtp_server.refuse("*")

    with pytest.raises(Retry):  # eager: Celery raises where a worker would schedule the retry
        receipt_create_task.delay(application.pk, 1)
    assert smtp_server.messages == []
    smtp_server.heal()
    receipt_create_task.delay(application.pk, 1)  # the retry
    receipt_create_task.delay(application.pk, 1)  # a redelivered message: nothing more

    assert len(smtp_server.messages) == 1
    assert Receipt.objects.filter(application=application).count() == 1
    assert len(list((media / "receipts").rglob("*.pdf"))) == 1
    assert application.events.filter(kind=EventKind.RECEIPT_CREATED).count() == 1
    assert application.events.filter(kind=EventKind.EMAIL_SENT).count() == 1


def test_sending_again_after_the_email_went_sends_nothing():
    application = submitted_application()
    receipt = receipt_create(application_id=application.pk, submission_number=1)

    assert receipt_send(receipt=receipt) is True
    assert receipt_send(receipt=receipt) is False
    assert len(mail.outbox) == 1
    assert SentEmail.objects.get().key == f"receipt:{application.pk}:1"


def returned(application):
    """The office takes the application into assessment and asks for more information (the machine)."""
    caseworker = staff(application.round.office, Role.CASEWORKER)
    APPLICATION.perform(application, "start_assessment", user=caseworker)
    APPLICATION.perform(application, "return", user=caseworker, data={"message": "Legg ved budsjettet."})


def reopened(application):
    """The signatory withdraws it and starts it again before the deadline: a draft once more."""
    with time_machine.travel(oslo(2020, 2, 20, 23, 59, 45), tick=False):
        application_withdraw(application=application, user=application.submitted_by, reason="Feil tall.")
        application_reopen(application=application, user=application.submitted_by)


def test_a_second_submission_gets_its_own_receipt_and_email(django_capture_on_commit_callbacks):
    application = submitted_application()
    receipt_create_task.delay(application.pk, 1)
    returned(application)

    with django_capture_on_commit_callbacks(execute=True):  # the resubmission queues its receipt
        application_submit(application=application, user=application.submitted_by)

    assert list(application.receipts.values_list("submission_number", flat=True)) == [2, 1]
    assert len(mail.outbox) == 2
    assert mail.outbox[1].attachments[0][0] == f"kvittering-2020-1857-{application.pk}-2.pdf"


@pytest.mark.parametrize("opened_for_editing", [returned, reopened])
def test_no_receipt_when_the_application_was_opened_for_editing_before_the_task_ran(opened_for_editing):
    """The PDF would show what the application holds now, not what was submitted."""
    application = submitted_application()
    opened_for_editing(application)

    assert receipt_create_task.delay(application.pk, 1).get() is None

    assert not Receipt.objects.exists()
    assert mail.outbox == []


def test_a_lost_receipt_or_letter_task_is_queued_again_by_the_catch_up(monkeypatch):
    """A broker outage at commit loses the task; the periodic catch-up finds what is missing."""
    long_ago = timezone.now() - dt.timedelta(hours=1)
    lost = ApplicationFactory(submitted=True, submitted_at=long_ago)
    ApplicationFactory(submitted=True)  # just submitted: its first try still has time
    ApplicationFactory()  # a draft has no receipt to make
    assert receipts_missing() == [(lost.pk, 1)]

    queued = stub_task(monkeypatch, "applications.tasks.receipt_create_task")
    assert receipts_catch_up_task() == 1
    assert queued == [(lost.pk, 1)]


def test_a_receipt_that_keeps_failing_is_logged_as_an_error_at_each_catch_up_never_silently(monkeypatch, caplog):
    """Its task keeps failing (the PDF cannot be made): an hour after the submission the catch-up
    still queues it, and says so at ERROR (the office sees it on its home page, tests/home)."""
    failing = ApplicationFactory(submitted=True, submitted_at=timezone.now() - dt.timedelta(hours=2))
    trying = ApplicationFactory(submitted=True, submitted_at=timezone.now() - dt.timedelta(minutes=20))
    queued = stub_task(monkeypatch, "applications.tasks.receipt_create_task")
    with caplog.at_level(logging.ERROR, logger="applications.tasks"):
        assert receipts_catch_up_task() == 2
    assert sorted(queued) == sorted([(failing.pk, 1), (trying.pk, 1)])  # both tried again
    errors = [record.getMessage() for record in caplog.records if record.levelno == logging.ERROR]
    assert errors == [f"The receipts of applications [{failing.pk}] are still not made an hour or more after "
                      "their submission; tried again."]


def test_the_catch_up_emails_a_receipt_certainly_not_sent_once_and_nothing_else(smtp_server, media):
    """One receipt's task gave up (the server refused it every time), another's was lost after its
    PDF was made. Ten minutes on, the periodic catch-up e-mails each once. One the server may have
    taken, one made more than a week ago and one whose task has not had its first try are left alone."""
    gave_up = submitted_application()
    smtp_server.refuse("*")
    with pytest.raises(Retry):  # ... and so were its retries
        receipt_create_task.delay(gave_up.pk, 1)
    smtp_server.heal()
    lost, uncertain, too_old, just_made = (ApplicationFactory(submitted=True) for _ in range(4))
    for application in (lost, uncertain, too_old, just_made):
        receipt_create(application_id=application.pk, submission_number=1)  # the task dies here
    SentEmailFactory(key=receipt_email_key(uncertain.pk, 1), status=Delivery.UNCERTAIN)
    now = timezone.now()
    Receipt.objects.exclude(application=just_made).update(created_at=now - dt.timedelta(minutes=11))
    Receipt.objects.filter(application=too_old).update(created_at=now - dt.timedelta(days=8))

    assert receipts_not_emailed() == [(gave_up.pk, 1), (lost.pk, 1)]
    assert receipts_catch_up_task() == 2  # eager: the tasks run now
    assert receipts_catch_up_task() == 0

    assert len(smtp_server.messages) == 2
    assert {key: status for key, status in SentEmail.objects.values_list("key", "status")} == {
        receipt_email_key(gave_up.pk, 1): Delivery.SENT, receipt_email_key(lost.pk, 1): Delivery.SENT,
        receipt_email_key(uncertain.pk, 1): Delivery.UNCERTAIN}
    assert Receipt.objects.count() == 5 and len(list((media / "receipts").rglob("*.pdf"))) == 5  # no PDF made twice


@pytest.mark.parametrize("year,named,not_named", [
    (2020, "Fylkesmannen i Nordland", "Statsforvalteren"),
    (2021, "Statsforvalteren i Nordland", "Fylkesmannen i Nordland"),
])
def test_the_receipt_email_and_pdf_name_the_office_as_in_the_rounds_year(year, named, not_named, media):
    application = submitted_application()
    application.round.year = year  # the same round, in another year: only the office's name changes
    application.round.save(update_fields=["year"])
    receipt_create_task.delay(application.pk, 1)
    [message] = mail.outbox
    assert f"{named} har mottatt søknaden" in message.body and not_named not in message.body
    text = " ".join(pdf_text(message.attachments[0][1]))
    assert named in text and not_named not in text


# --- no lock while the PDF renders -----------------------------------------------------------------

@pytest.mark.parametrize("opened_for_editing", [returned, reopened])
def test_a_receipt_rendered_while_the_application_was_opened_for_editing_is_not_stored(
        monkeypatch, opened_for_editing):
    """The render holds no lock, so the application may be opened meanwhile: what was rendered may
    not be what was submitted, and is thrown away."""
    application = submitted_application()

    def render_while_opened(*, application):
        opened_for_editing(Application.objects.get(pk=application.pk))
        return MINIMAL_PDF

    monkeypatch.setattr(receipts, "receipt_render_pdf", render_while_opened)
    assert receipt_create(application_id=application.pk, submission_number=1) is None
    assert not Receipt.objects.exists()
    assert not application.events.filter(kind=EventKind.RECEIPT_CREATED).exists()


def test_a_receipt_another_run_stored_while_this_one_rendered_is_kept_and_this_render_thrown_away(
        monkeypatch, media):
    application = submitted_application()
    real_render = receipts.receipt_render_pdf

    def render_while_another_run_stores(*, application):
        monkeypatch.setattr(receipts, "receipt_render_pdf", real_render)
        first = receipt_create(application_id=application.pk, submission_number=1)  # the other run
        assert first is not None and first.pdf
        return b"%PDF-1.4 this run's render, never stored"

    monkeypatch.setattr(receipts, "receipt_render_pdf", render_while_another_run_stores)
    receipt = receipt_create(application_id=application.pk, submission_number=1)
    assert Receipt.objects.get() == receipt
    assert b"never stored" not in receipt.pdf.open("rb").read()
    assert len(list((media / "receipts").rglob("*.pdf"))) == 1
    assert application.events.filter(kind=EventKind.RECEIPT_CREATED).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_render_side_by_side_and_store_one_receipt(monkeypatch, media):
    """Both runs are in the render at the same moment (a barrier), which they could not be if the
    render held the application's row: the second would wait at the lock. One receipt is stored."""
    application = submitted_application()
    barrier = threading.Barrier(2, timeout=20)

    def render(*, application):
        barrier.wait()  # both render at once: neither holds the row (the old code timed out here)
        return MINIMAL_PDF

    monkeypatch.setattr(receipts, "receipt_render_pdf", render)
    outcomes = []

    def run():
        try:
            outcomes.append(receipt_create(application_id=application.pk, submission_number=1))
        except Exception as error:  # noqa: BLE001 - reported below
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(isinstance(outcome, Receipt) for outcome in outcomes), outcomes
    assert len(outcomes) == 2 and outcomes[0].pk == outcomes[1].pk
    assert Receipt.objects.filter(application=application).count() == 1
    assert len(list((media / "receipts").rglob("*.pdf"))) == 1
    assert application.events.filter(kind=EventKind.RECEIPT_CREATED).count() == 1
