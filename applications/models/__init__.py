"""The joint application and what belongs to it. Split by topic: the application itself, its lines
(competence measures and innovation projects), its files and its history."""

from .application import Application, ApplicationStatus, Receipt
from .events import ApplicationEvent, EventKind
from .files import Attachment, AttachmentKind
from .lines import (
    FORMAL_EDUCATION_KINDS,
    LINE_MODELS,
    MEASURE_FIELDS,
    PROJECT_FIELDS,
    CompetenceMeasure,
    InnovationProject,
    LinePart,
    MeasureKind,
    Partner,
    ServiceArea,
    raises_formal_education_q,
)
from .signatures import SignatureRequest

__all__ = [
    "Application", "ApplicationStatus", "LINE_MODELS", "MEASURE_FIELDS", "PROJECT_FIELDS", "Receipt", "ApplicationEvent", "EventKind", "Attachment",
    "AttachmentKind", "CompetenceMeasure", "FORMAL_EDUCATION_KINDS", "InnovationProject", "LinePart", "MeasureKind",
    "Partner", "ServiceArea", "SignatureRequest", "raises_formal_education_q",
]
