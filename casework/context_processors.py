"""Casework's enums in every template, so templates compare with `DecisionStatus.SENT`, never with
a string literal."""

from .models import CaseworkEvent, DecisionStatus, Outcome


def enums(request) -> dict:
    return {"CaseworkEvent": CaseworkEvent, "DecisionStatus": DecisionStatus, "Outcome": Outcome}
