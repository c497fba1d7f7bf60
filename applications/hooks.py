"""Where the layers above add to the municipality's application, without this app knowing them.
Each registry is filled by the higher app in its `AppConfig.ready()`:

- **event kinds**: the words for the events higher apps write into the application's history
  (casework's "Decision approved", reporting's "Report submitted");
- **status masks**: what the applicant may not know yet of the status (casework: the decision,
  until its letter is sent), with the relations a mask reads so lists load them in one query;
- **overview panels**: sections on the application's page (casework: the decision and its
  letter; reporting: the report on the use of funds).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.safestring import SafeString

_event_labels: dict[str, str] = {}


def register_event_kinds(choices) -> None:
    """Add a TextChoices enum of event kinds (values and labels) to the history's vocabulary."""
    for value, label in choices.choices:
        if value in _event_labels and str(_event_labels[value]) != str(label):
            raise ValueError(f"The event kind {value!r} is registered twice with different words.")
        _event_labels[value] = label


def event_kind_label(kind: str) -> str:
    return str(_event_labels.get(kind, kind))


def event_kinds() -> list[tuple[str, str]]:
    """Every kind of event the history holds, with its words (for a filter's choices)."""
    return list(_event_labels.items())


@dataclass(frozen=True)
class StatusMask:
    mask: Callable  # (application) -> the status the applicant sees instead, or None
    related: tuple[str, ...] = ()  # select_related paths the mask reads


_masks: list[StatusMask] = []


def register_status_mask(mask: Callable, *, related: tuple[str, ...] = ()) -> None:
    if not any(existing.mask is mask for existing in _masks):
        _masks.append(StatusMask(mask, related))


def status_mask_related() -> tuple[str, ...]:
    """What the masks read, for `select_related` in the selectors that list applications."""
    return tuple(path for mask in _masks for path in mask.related)


def masked_status(application) -> str:
    """The status as the applicant may know it (see `applications.rules.applicant_status`)."""
    for entry in _masks:
        shown = entry.mask(application)
        if shown is not None:
            return shown
    return application.status


# panel(request, application) -> HTML (a rendered template), or "" when it has nothing to show
Panel = Callable[[object, object], SafeString | str]
_panels: list[Panel] = []


def register_overview_panel(panel: Panel) -> None:
    if panel not in _panels:
        _panels.append(panel)


def overview_panels(request, application) -> list[str]:
    return [html for panel in _panels if (html := panel(request, application))]
