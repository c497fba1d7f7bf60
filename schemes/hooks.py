"""Where the layers above add to a round's public page, without this app knowing them: panels that
each higher app registers in its `AppConfig.ready()` (applications: "start an application")."""

from collections.abc import Callable

# panel(request, round) -> HTML (a rendered template), or "" when it has nothing for this visitor
RoundPanel = Callable[[object, object], str]
_round_panels: list[RoundPanel] = []


def register_round_panel(panel: RoundPanel) -> None:
    if panel not in _round_panels:
        _round_panels.append(panel)


def round_panels(request, round_) -> list[str]:
    return [html for panel in _round_panels if (html := panel(request, round_))]
