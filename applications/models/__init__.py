"""The joint application and what belongs to it. Split by topic: the application itself, its lines
(competence measures and innovation projects), its files and its history."""

from .application import Application, ApplicationStatus, Receipt
from .assessment import (
    Appeal,
    AppealHandling,
    Assessment,
    CriterionScore,
    Decision,
    DecisionStatus,
    Outcome,
)
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
    "Appeal", "AppealHandling", "Assessment", "CriterionScore", "Decision", "DecisionStatus", "Outcome",
    "Application", "ApplicationStatus", "Receipt", "ApplicationEvent", "EventKind", "Attachment",
    "AttachmentKind", "CompetenceMeasure", "InnovationProject", "MeasureKind", "Partner", "ServiceArea",
]
