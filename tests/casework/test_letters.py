"""The decision letter: an individual decision (enkeltvedtak) with the amounts, the reasons and the
right to appeal, in the municipality's language form; made once after approval, e-mailed once when
sent. And the e-mail that tells the municipality the office has asked for more information."""

import datetime as dt
import logging
import re

import pytest
from django.core import mail
from django.utils import timezone

from applications.models import ApplicationEvent, ApplicationStatus, CompetenceMeasure, EventKind
from applications.services import application_submit
from casework.letters import decision_letter_create, decision_letter_email, decision_letter_render_pdf
from casework.models import CaseworkEvent, Decision, DecisionStatus
from casework.selectors import (
    decision_letters_not_emailed,
    information_requests_not_emailed,
    letters_missing,
)
from casework.services.assessments import information_request
from casework.services.decisions import decision_approve, decision_send
from casework.tasks import (
    decision_letter_email_task,
    decision_letter_task,
    information_request_email_task,
    letters_catch_up_task,
)
from portal.audit import audit_purge
from portal.csp import style_hash
from portal.exceptions import ServiceError
from portal.models import Delivery, LanguageForm, Role, SentEmail
from portal.pdf import html_to_pdf
from tests.applications.factories import (
    ApplicationFactory,
    CompetenceMeasureFactory,
    InnovationProjectFactory,
    staff,
)
from tests.casework.factories import DecisionFactory
from tests.helpers import in_english, page_text, pdf_text, stub_task, url, visible_text
from tests.portal.factories import (
    MembershipFactory,
    SentEmailFactory,
    UserFactory,
    reference_municipality,
    reference_office,
)
from tests.schemes.factories import RoundFactory, SchemeFactory, oslo

pytestmark = pytest.mark.django_db

REASONS = "Prosjektet er godt, men budsjettet rekker ikke til hele beløpet. Vi har prioritert rus og psykisk helse."
CONDITIONS = "Tilskuddet til prosjektet skal brukes til utprøving i hjemmetjenesten."
APPROVED_AT = oslo(2026, 6, 15, 0, 30)  # just after midnight in Oslo: still 14 June in UTC
VAROY_ORGANISATION_NUMBER = "964 994 307"  # Værøy kommune's, in the reference data (portal/data)


def varoy_application(*, language_form=LanguageForm.BOKMAL, year=2026):
    """Værøy's application to Statsforvalteren i Nordland's 2026 round, in assessment, with the
    office's caseworker and approver and the municipality's signatory and editor. The office and the
    municipality are the reference data's (Fylkesmannen i Nordland under its name of today, with its
    postal address; Værøy with its e-mail address and language form)."""
    office = reference_office("fylkesmannen-i-nordland", name="Statsforvalteren i Nordland",
                              email="sfnopost@statsforvalteren.example", postal_address="Postboks 1405\n8002 Bodø")
    scheme = SchemeFactory(
        slug="kompetanse-og-innovasjon", name="Kommunalt kompetanse- og innovasjonstilskudd",
        name_nn="Kommunalt kompetanse- og innovasjonstilskot",
    )
    round_ = RoundFactory(
        scheme=scheme, office=office, year=year, opens_at=oslo(year, 1, 6), closes_at=oslo(year, 2, 20, 23, 59),
        reporting_deadline=oslo(year + 1, 3, 1, 23, 59), contact_email="fmnopost@statsforvalteren.example",
        budget=1_000_000, competence_plan_required=False,
    )
    organisation = reference_municipality("1857", name="Værøy kommune", language_form=language_form,
                                          email="postmottak@varoy.example")
    signatory = MembershipFactory(role=Role.SIGNATORY, organisation=organisation,
                                  user=UserFactory(email="radmann@varoy.example", full_name="Åse Øvrebø")).user
    MembershipFactory(role=Role.EDITOR, organisation=organisation, user=UserFactory(email="redaktor@varoy.example"))
    application = ApplicationFactory(
        round=round_, organisation=organisation, created_by=signatory, complete=True, in_assessment=True,
        submitted_at=oslo(year, 2, 20, 12), submitted_by=signatory,
        contact_name="Bjørn Ærøe", contact_email="helse@varoy.example",
    )
    CompetenceMeasureFactory(application=application, title="Videreutdanning i psykisk helsearbeid",
                             total_cost=480_000, amount_applied=240_000, own_funding=240_000)
    InnovationProjectFactory(application=application, title="Digitalt tilsyn i hjemmetjenesten", priority_rank=1,
                             total_budget=800_000, amount_applied=400_000, own_share=400_000)
    application.caseworker = MembershipFactory(
        role=Role.CASEWORKER, office=office, user=UserFactory(full_name="Kari Saksbehandler")).user
    application.approver = MembershipFactory(
        role=Role.APPROVER, office=office, user=UserFactory(full_name="Per Leder")).user
    application.signatory = signatory
    return application


def proposed(application, *, measure=240_000, project=150_000, reasons=REASONS, conditions=CONDITIONS, **kwargs):
    """The caseworker's proposal for Værøy's application (`approved_at=` approves it too, then)."""
    return DecisionFactory(application=application, caseworker=application.caseworker,
                           approver=application.approver, awarded=[measure, project], reasons=reasons,
                           conditions=conditions, **kwargs)


def approved(capture, *, language_form=LanguageForm.BOKMAL, year=2026, **kwargs):
    """Proposed by the caseworker, approved by the approver; the letter task runs after commit."""
    application = varoy_application(language_form=language_form, year=year)
    with capture(execute=True):
        decision = proposed(application, approved_at=APPROVED_AT, **kwargs)
    decision.refresh_from_db()
    decision.test_application = application
    return decision


def letter_text(decision) -> str:
    with decision.letter_pdf.open("rb") as file:
        return " ".join(pdf_text(file.read()))


# --- what the letter says ------------------------------------------------------------------------

def test_the_letter_in_bokmal_holds_the_amounts_reasons_appeal_and_organisation_number(
        django_capture_on_commit_callbacks):
    decision = approved(django_capture_on_commit_callbacks)

    with timezone.override(dt.timezone.utc):  # a worker in UTC still writes Norwegian dates
        pages = pdf_text(decision_letter_render_pdf(decision=decision))
    text = " ".join(pages)

    assert "Statsforvalteren i Nordland" in text
    assert "Postboks 1405" in text and "8002 Bodø" in text
    assert "sfnopost@statsforvalteren.example" in text
    assert "Vår dato 15.06.2026" in text
    assert f"Vår referanse 2026/1857-{decision.application_id}" in text
    assert "Værøy kommune" in text
    assert f"Org.nr. {VAROY_ORGANISATION_NUMBER}" in text
    assert "Vedtak om tilskudd fra Kommunalt kompetanse- og innovasjonstilskudd 2026" in text
    assert "har behandlet søknaden fra Værøy kommune" in text
    assert "innvilger søknaden delvis" in text
    assert "Værøy kommune får et tilskudd på 390 000 kr av de 640 000 kr som det ble søkt om." in text
    assert "Videreutdanning i psykisk helsearbeid" in text
    assert "Digitalt tilsyn i hjemmetjenesten" in text
    assert "240 000 kr 240 000 kr" in text  # the measure: applied, awarded
    assert "400 000 kr 150 000 kr" in text  # the project: applied, awarded
    assert "Totalt 640 000 kr 390 000 kr" in text
    assert REASONS in text
    assert CONDITIONS in text
    assert "Fristen for rapporten er 01.03.2027 kl. 23:59." in text
    assert "hvordan midlene er brukt, for hvert tiltak og prosjekt" in text
    assert "skal betales tilbake til Statsforvalteren i Nordland" in text
    assert "Klagefristen er tre uker fra den dagen dette brevet kom fram (forvaltningsloven §§ 28 og 29)." in text
    assert "Klagen sendes til Statsforvalteren i Nordland" in text
    assert ("Send klagen på e-post til sfnopost@statsforvalteren.example eller med post til "
            "Statsforvalteren i Nordland, Postboks 1405, 8002 Bodø.") in text
    assert "rett til å se dokumentene i saken (forvaltningsloven § 18)" in text
    assert "Per Leder" in text and "Kari Saksbehandler" in text
    assert "Side 1 av" in pages[0]
    assert "tre veker" not in text


def test_the_letter_is_in_nynorsk_for_a_nynorsk_municipality(django_capture_on_commit_callbacks):
    decision = approved(django_capture_on_commit_callbacks, language_form=LanguageForm.NYNORSK)

    text = " ".join(pdf_text(decision_letter_render_pdf(decision=decision)))

    assert decision.letter_language == "nn"
    assert "Vedtak om tilskot frå Kommunalt kompetanse- og innovasjonstilskot 2026" in text
    assert "har behandla søknaden frå Værøy kommune" in text
    assert "Værøy kommune får eit tilskot på 390 000 kr av dei 640 000 kr som det vart søkt om." in text
    assert f"Org.nr. {VAROY_ORGANISATION_NUMBER}" in text
    assert "Totalt 640 000 kr 390 000 kr" in text
    assert REASONS in text
    assert "Fristen for rapporten er 01.03.2027 kl. 23:59." in text
    assert "korleis midlane er brukte, for kvart tiltak og prosjekt" in text
    assert "Fordi tilskotet er på over 200 000 kr, skal rapporten ha med ei revisorfråsegn." in text
    assert "Klagefristen er tre veker frå den dagen dette brevet kom fram (forvaltningslova §§ 28 og 29)." in text
    assert "Klaga skal sendast til Statsforvaltaren i Nordland" in text
    assert "rett til å sjå dokumenta i saka (forvaltningslova § 18)" in text
    assert "Med helsing" in text
    for bokmal in ("tre uker", "søknaden fra", "tilskudd på", "Med hilsen", "dokumentene i saken"):
        assert bokmal not in text


def test_the_letter_keeps_the_language_form_chosen_when_it_was_approved(django_capture_on_commit_callbacks):
    decision = approved(django_capture_on_commit_callbacks, language_form=LanguageForm.NYNORSK)
    organisation = decision.application.organisation
    organisation.language_form = LanguageForm.BOKMAL
    organisation.save()

    text = " ".join(pdf_text(decision_letter_render_pdf(decision=Decision.objects.get(pk=decision.pk))))

    assert "tre veker" in text


@pytest.mark.parametrize(("measure", "project", "required"), [
    (240_000, 150_000, True),   # 390 000
    (200_000, 1, True),         # 200 001: more than the threshold
    (200_000, 0, False),        # exactly 200 000: not more than it
    (100_000, 0, False),
])
def test_the_auditors_statement_is_required_only_above_200_000(
        django_capture_on_commit_callbacks, measure, project, required):
    decision = approved(django_capture_on_commit_callbacks, measure=measure, project=project)

    text = letter_text(decision)

    assert decision.auditor_statement_required is required
    sentence = "Fordi tilskuddet er på over 200 000 kr, skal rapporten ha med en revisorerklæring."
    assert (sentence in text) is required
    assert ("revisor" in text) is required


def test_a_full_grant_says_so_without_reasons(django_capture_on_commit_callbacks):
    decision = approved(django_capture_on_commit_callbacks, measure=240_000, project=400_000, reasons="")

    text = letter_text(decision)

    assert "Statsforvalteren i Nordland innvilger søknaden. Værøy kommune får et tilskudd på 640 000 kr." in text
    assert "Søknaden er innvilget slik det ble søkt om." in text


def test_a_rejection_gives_reasons_and_the_right_to_appeal_but_no_reporting(django_capture_on_commit_callbacks):
    decision = approved(django_capture_on_commit_callbacks, measure=0, project=0,
                        reasons="Søknaden når ikke opp i konkurransen.")

    text = letter_text(decision)

    assert "Statsforvalteren i Nordland avslår søknaden. Værøy kommune får ikke tilskudd." in text
    assert "Søknaden når ikke opp i konkurransen." in text
    assert "Totalt 640 000 kr 0 kr" in text
    assert "tre uker" in text
    assert "Rapportering" not in text and "Fristen for rapporten" not in text


def test_what_the_office_wrote_is_shown_as_text_not_markup(django_capture_on_commit_callbacks):
    decision = approved(django_capture_on_commit_callbacks, reasons="<b>Prioritert</b> & <script>x</script>")

    assert "<b>Prioritert</b> & <script>x</script>" in letter_text(decision)


def test_the_running_header_and_page_numbers_are_on_every_page(django_capture_on_commit_callbacks):
    decision = approved(django_capture_on_commit_callbacks, reasons="Et avsnitt med begrunnelse.\n\n" * 40)

    pages = pdf_text(decision_letter_render_pdf(decision=decision))

    assert len(pages) > 1
    for number, page in enumerate(pages, 1):
        assert decision.application.reference in page
        assert f"Side {number} av {len(pages)}" in page


# --- made once -----------------------------------------------------------------------------------

def test_approval_makes_the_letter_once_and_the_task_again_changes_nothing(django_capture_on_commit_callbacks, media):
    decision = approved(django_capture_on_commit_callbacks)
    first_name = decision.letter_pdf.name
    first_content = decision.letter_pdf.open("rb").read()
    Decision.objects.filter(pk=decision.pk).update(reasons="Endret i ettertid.")  # never shown silently

    assert decision_letter_task.delay(decision.pk).get() == decision.pk
    decision_letter_task.delay(decision.pk)

    decision.refresh_from_db()
    assert decision.letter_pdf.name == first_name
    assert first_name.endswith(f"vedtak-2026-1857-{decision.application_id}.pdf")
    assert decision.letter_pdf.open("rb").read() == first_content
    assert decision.letter_created_at is not None
    assert len(list((media / "decisions").rglob("*.pdf"))) == 1
    events = ApplicationEvent.objects.filter(application_id=decision.application_id, kind=CaseworkEvent.LETTER_CREATED)
    assert [(e.object_id, e.data, e.visible_to_applicant) for e in events] == [(decision.pk, {"language": "nb"}, False)]
    assert "Endret i ettertid." not in letter_text(decision)


def test_no_letter_for_a_decision_that_is_only_proposed(media):
    decision = proposed(varoy_application())

    assert decision_letter_task.delay(decision.pk).get() is None

    decision.refresh_from_db()
    assert not decision.letter_pdf
    assert not (media / "decisions").exists()
    assert not ApplicationEvent.objects.filter(kind=CaseworkEvent.LETTER_CREATED).exists()


def test_a_sent_decision_without_a_letter_still_gets_one():
    decision = proposed(varoy_application(), approved_at=APPROVED_AT, sent=True)  # sent with a stand-in letter ...
    assert decision.status == DecisionStatus.SENT
    Decision.objects.filter(pk=decision.pk).update(letter_pdf="", letter_created_at=None)  # ... whose file was lost

    remade = decision_letter_create(decision_id=decision.pk)

    assert remade.letter_pdf
    assert "Værøy kommune" in letter_text(remade)


# --- e-mailed once -------------------------------------------------------------------------------

def test_sending_emails_the_letter_once_to_the_signatory_contact_and_organisation(django_capture_on_commit_callbacks):
    decision = approved(django_capture_on_commit_callbacks)
    application = decision.test_application

    with django_capture_on_commit_callbacks(execute=True):
        decision_send(decision=decision, user=application.caseworker)
    with django_capture_on_commit_callbacks(execute=True):
        decision_send(decision=decision, user=application.caseworker)  # a double click
    assert decision_letter_email(decision_id=decision.pk) is False  # and a repeated task

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["radmann@varoy.example", "helse@varoy.example", "postmottak@varoy.example"]
    assert "redaktor@varoy.example" not in message.to  # editors do not receive the decision
    assert message.extra_headers["Content-Language"] == "nb"
    assert application.reference in message.subject and "Værøy kommune" in message.subject
    assert "390 000 kr av de 640 000 kr" in " ".join(message.body.split())  # grouped with non-breaking spaces
    assert "tre uker" in message.body
    [(name, content, mimetype)] = message.attachments
    assert (name, mimetype) == (f"vedtak-2026-1857-{application.pk}.pdf", "application/pdf")
    decision.refresh_from_db()
    assert content == decision.letter_pdf.open("rb").read()
    assert SentEmail.objects.get().key == f"decision:{decision.pk}"
    [sent] = ApplicationEvent.objects.filter(application=application, kind=EventKind.EMAIL_SENT)
    assert sent.data == {"to": message.to, "what": "decision"}
    assert sent.object_id == decision.pk


def test_the_email_goes_once_to_a_signatory_who_is_also_the_contact(django_capture_on_commit_callbacks):
    decision = approved(django_capture_on_commit_callbacks, language_form=LanguageForm.NYNORSK)
    application = decision.test_application
    application.contact_email = "Radmann@varoy.example"
    application.save()

    with django_capture_on_commit_callbacks(execute=True):
        decision_send(decision=decision, user=application.approver)

    message = mail.outbox[0]
    assert message.to == ["radmann@varoy.example", "postmottak@varoy.example"]
    assert message.extra_headers["Content-Language"] == "nn"
    assert "søknaden frå Værøy kommune" in message.body
    assert "tre veker" in message.body


def test_an_approved_decision_is_not_emailed_before_it_is_sent(django_capture_on_commit_callbacks):
    decision = approved(django_capture_on_commit_callbacks)

    assert decision_letter_email(decision_id=decision.pk) is False
    assert mail.outbox == []


# --- asking for more information -----------------------------------------------------------------

def test_the_information_request_is_emailed_once_with_the_message_and_a_link(
        django_capture_on_commit_callbacks, settings):
    settings.PORTAL_BASE_URL = "https://tilskudd.example/"
    application = varoy_application()
    message_text = "Legg ved kompetanseplanen som kommunestyret vedtok i 2025.\nOppgi antall deltakere."

    with django_capture_on_commit_callbacks(execute=True):
        information_request(application=application, user=application.caseworker, message=message_text)
    information_request_email_task.delay(application.pk)  # a repeated task sends nothing

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == ["helse@varoy.example", "radmann@varoy.example", "redaktor@varoy.example"]
    assert "postmottak@varoy.example" not in message.to
    assert message.subject == f"Mer informasjon trengs: Værøy kommune, {application.reference}"
    assert message_text in message.body
    assert f"https://tilskudd.example/applications/{application.pk}/" in message.body
    assert "Statsforvalteren i Nordland har sendt søknaden fra Værøy kommune" in message.body
    assert "Søknadsfristen gjelder ikke" in message.body
    request = ApplicationEvent.objects.get(application=application, kind=EventKind.STATUS_CHANGED,
                                           data__transition="return")
    assert SentEmail.objects.get().key == f"information-request:{application.pk}:{request.pk}"
    [sent] = ApplicationEvent.objects.filter(application=application, kind=EventKind.EMAIL_SENT)
    assert sent.data["what"] == "information_request"


def test_a_second_request_gets_its_own_email_in_nynorsk(django_capture_on_commit_callbacks):
    application = varoy_application(language_form=LanguageForm.NYNORSK)
    with django_capture_on_commit_callbacks(execute=True):
        information_request(application=application, user=application.caseworker, message="Første spørsmål.")
    # the municipality sends it again, the caseworker asks once more
    assert application_submit(application=application, user=application.signatory).status == ApplicationStatus.SUBMITTED
    application.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        information_request(application=application, user=application.caseworker, message="Andre spørsmål.")

    assert [m.extra_headers["Content-Language"] for m in mail.outbox] == ["nn", "nn"]
    assert "Første spørsmål." in mail.outbox[0].body
    assert "Andre spørsmål." in mail.outbox[1].body and "Første spørsmål." not in mail.outbox[1].body
    assert "har sendt søknaden frå Værøy kommune" in mail.outbox[1].body
    assert "Søknadsfristen gjeld ikkje" in mail.outbox[1].body


def test_no_information_request_email_once_the_application_was_sent_again(django_capture_on_commit_callbacks):
    application = varoy_application()
    with django_capture_on_commit_callbacks(execute=False):  # the task has not run yet ...
        information_request(application=application, user=application.caseworker, message="Mangler plan.")
    # ... when the municipality has already sent it again
    assert application_submit(application=application, user=application.signatory).status == ApplicationStatus.SUBMITTED

    assert information_request_email_task.delay(application.pk).get() is False
    assert mail.outbox == []


def test_sending_queues_the_email_as_a_task_that_can_retry(django_capture_on_commit_callbacks, monkeypatch):
    decision = approved(django_capture_on_commit_callbacks)
    queued = stub_task(monkeypatch, "casework.tasks.decision_letter_email_task")

    with django_capture_on_commit_callbacks(execute=True):
        decision_send(decision=decision, user=decision.test_application.caseworker)

    assert queued.first_args == [decision.pk]
    assert mail.outbox == []  # nothing is sent inside the request


def test_an_email_the_server_refused_is_sent_by_the_tasks_retry(django_capture_on_commit_callbacks, smtp_server):
    decision = approved(django_capture_on_commit_callbacks)
    smtp_server.refuse("*")
    with django_capture_on_commit_callbacks(execute=True):  # the failure is the task's, not the request's
        decision_send(decision=decision, user=decision.test_application.caseworker)
    claim = SentEmail.objects.get()
    assert claim.status == Delivery.FAILED and claim.office_id == decision.application.round.office_id
    assert smtp_server.messages == []

    smtp_server.heal()
    decision_letter_email_task.delay(decision.pk)  # the retry
    decision_letter_email_task.delay(decision.pk)  # a redelivered message: nothing more

    assert len(smtp_server.messages) == 1
    claim.refresh_from_db()
    assert claim.status == Delivery.SENT


def test_a_letter_the_server_may_have_taken_is_not_sent_again(django_capture_on_commit_callbacks, smtp_server):
    decision = approved(django_capture_on_commit_callbacks)
    smtp_server.drop_after_data("radmann@varoy.example")
    with django_capture_on_commit_callbacks(execute=True):
        decision_send(decision=decision, user=decision.test_application.caseworker)
    smtp_server.heal()
    decision_letter_email_task.delay(decision.pk)

    assert len(smtp_server.messages) == 1
    assert SentEmail.objects.get().status == Delivery.UNCERTAIN


def test_the_catch_up_sends_a_letter_and_a_request_certainly_not_sent_once_and_nothing_else(
        django_capture_on_commit_callbacks, smtp_server):
    """The letter's task gave up (the server refused it every time); the request's task was lost (a
    broker outage at commit). Ten minutes on, the periodic catch-up sends each once. A request the
    server may have taken, and one made a week and more ago, are left alone."""
    decision = approved(django_capture_on_commit_callbacks)
    smtp_server.refuse("*")
    with django_capture_on_commit_callbacks(execute=True):
        decision_send(decision=decision, user=decision.test_application.caseworker)
    smtp_server.heal()
    lost, uncertain, too_old = (ApplicationFactory(in_assessment=True, contact_email=f"kontakt{n}@kommune.example")
                                for n in range(3))
    for application in (lost, uncertain, too_old):
        with django_capture_on_commit_callbacks(execute=False):  # the task never reaches the broker
            information_request(application=application, user=staff(application.round.office, Role.CASEWORKER),
                                message="Legg ved budsjettet.")
    requests = ApplicationEvent.objects.filter(kind=EventKind.STATUS_CHANGED, data__transition="return")
    SentEmailFactory(key=f"information-request:{uncertain.pk}:{requests.get(application=uncertain).pk}",
                     status=Delivery.UNCERTAIN)
    assert decision_letters_not_emailed() == information_requests_not_emailed() == []  # their first try's time

    now = timezone.now()
    Decision.objects.filter(pk=decision.pk).update(sent_at=now - dt.timedelta(minutes=11))
    with audit_purge(reason="the test moves its history's clock back"):  # append-only otherwise
        requests.update(created_at=now - dt.timedelta(minutes=11))
        requests.filter(application=too_old).update(created_at=now - dt.timedelta(days=8))
    assert decision_letters_not_emailed() == [decision.pk]
    assert information_requests_not_emailed() == [lost.pk]

    assert letters_catch_up_task() == 2  # eager: the tasks run now
    assert letters_catch_up_task() == 0
    assert sorted(subject.split(":")[0] for _recipients, subject in smtp_server.messages) == [
        "Mer informasjon trengs", "Vedtak om tilskudd"]
    assert ["kontakt0@kommune.example" in recipients for recipients, _subject in smtp_server.messages].count(True) == 1
    letter = SentEmail.objects.get(key=f"decision:{decision.pk}")
    assert (letter.status, letter.attempts) == (Delivery.SENT, 2)


# --- what the letter states is what was approved -------------------------------------------------

def test_a_proposal_whose_amounts_applied_for_changed_cannot_be_approved(english):
    """Otherwise the letter would state the old amount applied for and possibly the wrong outcome."""
    application = varoy_application()
    decision = proposed(application, measure=240_000, project=400_000, reasons="")
    assert decision.outcome == "granted"
    CompetenceMeasure.objects.filter(application=application).update(amount_applied=300_000, total_cost=600_000)

    with pytest.raises(ServiceError, match="proposed again"):
        decision_approve(decision=decision, user=application.approver)


def test_a_proposal_for_a_returned_application_cannot_be_approved():
    application = varoy_application()
    decision = proposed(application)
    information_request(application=application, user=application.caseworker, message="Mangler plan.")

    with pytest.raises(ServiceError):
        decision_approve(decision=decision, user=application.approver)
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.PROPOSED


def test_an_approved_decision_whose_letter_task_was_lost_is_found_by_the_catch_up(monkeypatch):
    decision = proposed(varoy_application(), approved_at=APPROVED_AT)  # its on_commit never runs here
    decision.refresh_from_db()
    assert not decision.letter_pdf
    assert letters_missing() == [decision.pk]
    queued = stub_task(monkeypatch, "casework.tasks.decision_letter_task")
    assert letters_catch_up_task() == 1
    assert queued.first_args == [decision.pk]


def test_a_letter_that_keeps_failing_is_logged_as_an_error_at_each_catch_up_never_silently(monkeypatch, caplog):
    decision = proposed(varoy_application(), approved_at=APPROVED_AT)  # approved long ago, its letter not made
    stub_task(monkeypatch, "casework.tasks.decision_letter_task")
    with caplog.at_level(logging.ERROR, logger="casework.tasks"):
        assert letters_catch_up_task() == 1
    assert [record.getMessage() for record in caplog.records if record.levelno == logging.ERROR] == [
        f"The letters of decisions [{decision.pk}] are still not made an hour or more after their approval; "
        "tried again."]


# --- the office is named as in the round's year (portal.offices) --------------------------------------

@pytest.mark.parametrize("year,named,not_named", [
    (2020, "Fylkesmannen i Nordland", "Statsforvalteren"),
    (2021, "Statsforvalteren i Nordland", "Fylkesmannen"),
])
def test_the_letter_names_the_office_as_in_the_rounds_year(django_capture_on_commit_callbacks, year, named,
                                                            not_named):
    decision = approved(django_capture_on_commit_callbacks, year=year)
    text = " ".join(pdf_text(decision_letter_render_pdf(decision=decision)))
    assert f"Klagen sendes til {named}" in text
    assert f"{named} har behandlet søknaden fra Værøy kommune" in text
    assert not_named not in text


def test_a_neutral_municipality_gets_its_letter_in_the_offices_form_for_neutral_ones(django_capture_on_commit_callbacks):
    reference_office("fylkesmannen-i-nordland", neutral_language_form=LanguageForm.NYNORSK)
    decision = approved(django_capture_on_commit_callbacks, language_form=LanguageForm.NEUTRAL)
    assert decision.letter_language == "nn"
    text = " ".join(pdf_text(decision_letter_render_pdf(decision=decision)))
    assert "Klaga skal sendast til Statsforvaltaren i Nordland" in text


def test_a_neutral_municipality_gets_bokmal_unless_the_office_chose_otherwise(django_capture_on_commit_callbacks):
    decision = approved(django_capture_on_commit_callbacks, language_form=LanguageForm.NEUTRAL)
    assert decision.letter_language == "nb"


# --- the preview on the decision page: the same rendering as the letter --------------------------------

def preview(client, decision):
    response = client.get(url("office:decision_letter_preview", decision.application))
    assert response.status_code == 200
    return response


def logged_in(client, user):
    client.force_login(user)
    return client


def test_the_preview_says_exactly_what_the_stored_letter_says(client, django_capture_on_commit_callbacks):
    decision = approved(django_capture_on_commit_callbacks)
    assert decision.letter_pdf

    response = preview(logged_in(client, decision.test_application.approver), decision)

    with decision.letter_pdf.open("rb") as file:
        stored = pdf_text(file.read())
    assert pdf_text(html_to_pdf(response.content.decode())) == stored
    assert "Per Leder" in visible_text(response) and REASONS in visible_text(response)


def test_before_approval_the_preview_is_the_letter_the_approval_would_make(client):
    application = varoy_application()
    decision = proposed(application)

    response = preview(logged_in(client, application.approver), decision)

    made_now = pdf_text(decision_letter_render_pdf(decision=Decision.objects.get(pk=decision.pk)))
    assert pdf_text(html_to_pdf(response.content.decode())) == made_now
    assert "Vedtak om tilskudd fra Kommunalt kompetanse- og innovasjonstilskudd 2026" in visible_text(response)


def test_the_preview_is_in_the_municipalitys_language_form_whatever_the_reader_chose(client):
    application = varoy_application(language_form=LanguageForm.NYNORSK)
    decision = proposed(application)

    response = preview(in_english(logged_in(client, application.caseworker)), decision)

    text = visible_text(response)
    assert '<html lang="nn">' in response.content.decode()
    assert "Vedtak om tilskot frå Kommunalt kompetanse- og innovasjonstilskot 2026" in text
    assert "Med helsing" in text and "Kind regards" not in text


def test_the_decision_page_frames_the_preview_and_links_back_to_the_assessment(client):
    application = varoy_application()
    proposed(application)

    page = page_text(in_english(logged_in(client, application.caseworker)).get(url("office:decision", application)))

    assert f'<iframe src="{url("office:decision_letter_preview", application)}"' in page
    assert 'title="The decision letter as it will be sent"' in page
    assert f'href="{url("office:assess", application)}" id="assessment-link"' in page


def test_the_approver_is_linked_to_the_application_and_its_assessment(client):
    application = varoy_application()
    proposed(application)

    page = page_text(in_english(logged_in(client, application.approver)).get(url("office:decision", application)))

    assert f'href="{url("office:application", application)}" id="assessment-link"' in page


def test_the_preview_may_be_framed_by_the_portal_only(client):
    application = varoy_application()
    decision = proposed(application)

    response = preview(logged_in(client, application.caseworker), decision)

    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    policy = response["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in policy and "'none'" not in policy.split("frame-ancestors")[1]
    # its <style> by hash, nothing inline else, and no script at all (default-src 'none')
    style = re.search(r"<style>(.*?)</style>", response.content.decode(), re.S).group(1)
    assert f"style-src {style_hash(style)};" in policy
    assert "default-src 'none'" in policy and "script-src" not in policy and "unsafe-inline" not in policy


def test_nobody_outside_the_office_sees_the_preview(client):
    application = varoy_application()
    proposed(application)
    preview_url = url("office:decision_letter_preview", application)

    assert logged_in(client, application.signatory).get(preview_url).status_code == 404
    other_office = staff(RoundFactory().office, Role.APPROVER)
    assert logged_in(client, other_office).get(preview_url).status_code == 404
    client.logout()
    assert client.get(preview_url).status_code == 302  # to the login


def test_no_preview_before_a_decision_is_proposed(client):
    application = varoy_application()

    response = logged_in(client, application.caseworker).get(url("office:decision_letter_preview", application))

    assert response.status_code == 404
