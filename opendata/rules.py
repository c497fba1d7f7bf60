"""When a grant becomes open data: one rule, asked by every read of this app.

A decision is published when its letter is sent to the organisation that applied
(`casework.rules.DECISION_KNOWN_STATUSES`, the same rule that tells the applicant): the public never
learns of a grant before the municipality does, and an approved decision whose letter is still
being made is not yet a decision anyone has been told of.

The rule is per decision, not per round. A round's letters go out over days; a round-level rule
("every decision sent") would keep a whole round hidden for one application still waiting for more
information from its municipality. So a round is listed as soon as one of its decisions is
published, with only its published decisions, and `all_decisions_sent` tells a reader whether the
list is final (every application in play has its letter) or more may come. A round with no decision
sent shows nothing at all: it is not listed, and its grants answer 404.

Only what was awarded is a grant: a line awarded 0 kr, and a rejected application, are not listed."""

from casework.models import Decision
from casework.rules import DECISION_KNOWN_STATUSES, decision_known_to_applicant

PUBLISHED_DECISION_STATUSES = DECISION_KNOWN_STATUSES


def decision_published(decision: Decision | None) -> bool:
    """The decision's grants are open data (its letter is sent)."""
    return decision_known_to_applicant(decision)
