"""The approver returns a proposed decision to the caseworker with a comment: a transition of the
decision's table (proposed -> returned), the comment in its event, the proposer told in the portal;
the caseworker revises and proposes again, and it waits for approval anew."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from applications.models import ApplicationEvent, ApplicationStatus
from casework.models import CaseworkEvent, DecisionStatus
from casework.notifications import CaseworkNotice
from casework.rules import assessment_locked
from casework.selectors import decisions_returned
from casework.services.decisions import decision_approve, decision_propose, decision_return
from casework.workflow import DECISION
from portal.exceptions import ServiceError
from portal.models import Notification, Role
from tests.applications.factories import staff
from tests.casework.factories import DecisionFactory, assessed
from tests.helpers import in_english, url, visible_text
from tests.portal.factories import OfficeFactory
from tests.schemes.factories import RoundFactory

pytestmark = pytest.mark.django_db


def test_the_approver_returns_a_proposal_with_a_comment_and_the_proposer_is_told(
        round_, caseworker, approver, django_capture_on_commit_callbacks):
    decision = DecisionFactory(round=round_, caseworker=caseworker, approver=approver)
    other_caseworker = staff(round_.office, Role.CASEWORKER)

    with django_capture_on_commit_callbacks(execute=True):
        returned = decision_return(decision=decision, user=approver, comment="Nevn budsjettet i begrunnelsen.")

    assert returned.status == DecisionStatus.RETURNED
    assert returned.application.status == ApplicationStatus.IN_ASSESSMENT  # the application does not move
    event = ApplicationEvent.objects.get(kind=CaseworkEvent.DECISION_RETURNED, object_id=decision.pk)
    assert event.actor == approver and event.data["comment"] == "Nevn budsjettet i begrunnelsen."
    assert not event.visible_to_applicant
    [notice] = Notification.objects.filter(kind=CaseworkNotice.DECISION_RETURNED)
    assert notice.user == caseworker and notice.data["comment"] == "Nevn budsjettet i begrunnelsen."
    assert notice.url == url("office:decision", decision.application)
    assert not Notification.objects.filter(user=other_caseworker, kind=CaseworkNotice.DECISION_RETURNED).exists()
    assert not assessment_locked(returned)  # the caseworker may revise the awards


@pytest.mark.usefixtures("english")
def test_a_return_needs_a_comment_and_an_approver(round_, caseworker, approver):
    decision = DecisionFactory(round=round_, caseworker=caseworker, approver=approver)
    with pytest.raises(ServiceError, match="Write what the caseworker should change"):
        decision_return(decision=decision, user=approver, comment="  ")
    with pytest.raises(ServiceError, match="Your role does not allow this"):
        decision_return(decision=decision, user=caseworker, comment="Nei.")
    elsewhere = staff(OfficeFactory(), Role.APPROVER)
    with pytest.raises(ServiceError, match="Your role does not allow this"):
        decision_return(decision=decision, user=elsewhere, comment="Nei.")
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.PROPOSED


@pytest.mark.usefixtures("english")
def test_an_approved_decision_cannot_be_returned(round_):
    decision = DecisionFactory(round=round_, approved=True)
    with pytest.raises(ServiceError, match="approved"):
        decision_return(decision=decision, user=decision.test_approver, comment="For sent.")


@pytest.mark.usefixtures("english")
def test_a_returned_proposal_cannot_be_approved_until_proposed_again(round_, caseworker, approver):
    decision = DecisionFactory(round=round_, caseworker=caseworker, approver=approver, returned=True)
    with pytest.raises(ServiceError, match="returned to the caseworker"):
        decision_approve(decision=decision, user=approver)

    again = decision_propose(application=decision.application, user=caseworker, reasons="Budsjettet er nevnt nå.")
    assert again.status == DecisionStatus.PROPOSED and again.reasons == "Budsjettet er nevnt nå."
    kinds = list(ApplicationEvent.objects.filter(application=decision.application, object_id=decision.pk)
                 .order_by("id").values_list("kind", flat=True))
    assert kinds[-2:] == [CaseworkEvent.DECISION_RETURNED, CaseworkEvent.DECISION_PROPOSED]
    assert decisions_returned(user=caseworker) == []
    assert decision_approve(decision=again, user=approver).status == DecisionStatus.APPROVED


def test_proposing_again_tells_the_approvers_again(round_, caseworker, approver, django_capture_on_commit_callbacks):
    decision = DecisionFactory(round=round_, caseworker=caseworker, approver=approver, returned=True)
    with django_capture_on_commit_callbacks(execute=True):
        decision_propose(application=decision.application, user=caseworker, reasons="Ny begrunnelse.")
    assert Notification.objects.filter(user=approver, kind=CaseworkNotice.DECISION_PROPOSED).exists()


def test_returned_to_me_and_to_my_office(round_, caseworker, approver):
    mine = DecisionFactory(round=round_, caseworker=caseworker, approver=approver, returned=True,
                           return_comment="Sjekk beløpene.")
    colleague = staff(round_.office, Role.CASEWORKER)
    theirs = DecisionFactory(round=round_, caseworker=colleague, approver=approver, returned=True)
    DecisionFactory(round=round_, caseworker=caseworker, approver=approver)  # proposed, not returned
    DecisionFactory(round=RoundFactory(with_criteria=True), returned=True)  # another office's

    returned = decisions_returned(user=caseworker)
    assert returned == [mine, theirs]
    assert returned[0].returned_to_me and not returned[1].returned_to_me
    assert returned[0].return_comment == "Sjekk beløpene." and returned[0].returned_by == str(approver)
    assert decisions_returned(user=approver) == []  # returns are for the caseworkers


def test_returned_decisions_read_in_constant_queries(round_, caseworker, approver):
    def count():
        with CaptureQueriesContext(connection) as queries:
            rows = decisions_returned(user=caseworker)
            [(d.application.organisation.name, d.application.round.scheme.name, d.returned_by) for d in rows]
        return len(queries), len(rows)

    DecisionFactory(round=round_, caseworker=caseworker, approver=approver, returned=True)
    count()  # warm up: the user's roles are read once
    small = count()
    for _ in range(6):
        DecisionFactory(round=round_, caseworker=caseworker, approver=approver, returned=True)
    large = count()
    assert (small[1], large[1]) == (1, 7)
    assert small[0] == large[0]


# --- the pages -----------------------------------------------------------------------------------------

def test_the_approver_returns_from_the_decision_page_and_the_caseworker_reads_why(
        round_, approver_client, caseworker_client):
    application = assessed(round_, 200_000, caseworker=caseworker_client.user)
    decision = decision_propose(application=application, user=caseworker_client.user, reasons="Innvilget.")
    page = visible_text(in_english(approver_client).get(url("office:decision", application)))
    assert "Return to the caseworker" in page

    response = approver_client.post(url("office:decision_return", application), {"comment": ""}, follow=True)
    assert "Write what the caseworker should change" in visible_text(response)
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.PROPOSED

    response = approver_client.post(url("office:decision_return", application),
                                    {"comment": "Beløpet til kurset er for høyt."}, follow=True)
    assert "returned to the caseworker with your comment" in visible_text(response)
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.RETURNED

    for name in ("office:decision", "office:assess"):
        page = visible_text(in_english(caseworker_client).get(url(name, application)))
        assert f"The proposal was returned to the caseworker by {approver_client.user}" in page
        assert "Beløpet til kurset er for høyt." in page
    assert "Propose again" in visible_text(caseworker_client.get(url("office:decision", application)))


def test_only_the_offices_approvers_return_and_other_offices_get_404(round_, caseworker_client, client):
    decision = DecisionFactory(round=round_, caseworker=caseworker_client.user)
    target = url("office:decision_return", decision.application)
    assert caseworker_client.post(target, {"comment": "Nei."}).status_code == 403
    elsewhere = staff(OfficeFactory(), Role.APPROVER)
    client.force_login(elsewhere)
    assert client.post(target, {"comment": "Nei."}).status_code == 404
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.PROPOSED


def test_the_table_offers_return_only_to_approvers_of_a_proposal(round_, caseworker, approver):
    decision = DecisionFactory(round=round_, caseworker=caseworker, approver=approver)
    assert "return" in {t.name for t in DECISION.available(decision, approver)}
    assert "return" not in {t.name for t in DECISION.available(decision, caseworker)}
