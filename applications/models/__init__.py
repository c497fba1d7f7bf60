"""The joint application and what belongs to it. Split by topic: the application itself, its lines
(competence measures and innovation projects), its files and its history."""

from .application import Application, ApplicationStatus, Receipt
from .events import ApplicationEvent, EventKind
from .files import Attachment, AttachmentKind
from .lines import (
    CompetenceMeasure,
    InnovationProject,
    MeasureKind,
    Partner,
    ServiceArea,
)

__all__ = [
    "Application", "ApplicationStatus", "Receipt", "ApplicationEvent", "EventKind", "Attachment",
    "AttachmentKind", "CompetenceMeasure", "InnovationProject", "MeasureKind", "Partner", "ServiceArea",
]
