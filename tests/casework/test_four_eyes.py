"""Nobody approves their own proposal: one rule, asked by the approval and by the approver's home page."""

import pytest

from casework.rules import four_eyes_refusal
from casework.selectors import decisions_awaiting_approval
from casework.workflow import DECISION
from portal.exceptions import ServiceError
from portal.models import Role
from tests.casework.factories import DecisionFactory
from tests.portal.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_the_proposer_is_refused_and_not_asked(round_, english):
    decision = DecisionFactory(round=round_)
    MembershipFactory(user=decision.proposed_by, office=round_.office, role=Role.APPROVER)
    proposer = type(decision.proposed_by).objects.get(pk=decision.proposed_by_id)  # its roles read afresh

    assert "four eyes" in four_eyes_refusal(decision, proposer)
    assert decisions_awaiting_approval(user=proposer) == []
    with pytest.raises(ServiceError, match="four eyes"):
        DECISION.perform(decision, "approve", user=proposer)


def test_another_approver_is_asked(round_, approver):
    decision = DecisionFactory(round=round_)

    assert four_eyes_refusal(decision, approver) == ""
    assert decisions_awaiting_approval(user=approver) == [decision]
