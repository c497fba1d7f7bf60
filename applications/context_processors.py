"""The application's enums in every template, so templates compare with `ApplicationStatus.DRAFT`,
never with a string literal."""

from .completeness import SectionKey, SectionState
from .models import ApplicationStatus, EventKind, LinePart


def enums(request) -> dict:
    return {"ApplicationStatus": ApplicationStatus, "EventKind": EventKind, "LinePart": LinePart,
            "SectionKey": SectionKey, "SectionState": SectionState}
