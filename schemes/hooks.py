"""Where the layers above add to a round, without this app knowing them, each registered in the
higher app's `AppConfig.ready()`: panels on its public page (applications: "start an application"),
and locks on its assessment criteria (casework: once applications are scored with them)."""

from collections.abc import Callable

# panel(request, round) -> HTML (a rendered template), or "" when it has nothing for this visitor
RoundPanel = Callable[[object, object], str]
_round_panels: list[RoundPanel] = []


def register_round_panel(panel: RoundPanel) -> None:
    if panel not in _round_panels:
        _round_panels.append(panel)


def round_panels(request, round_) -> list[str]:
    return [html for panel in _round_panels if (html := panel(request, round_))]


# lock(round) -> why the round's assessment criteria can no longer change, or "" (casework: once an
# application of the round is scored with them, changing a weight would rank it on other terms)
CriteriaLock = Callable[[object], str]
_criteria_locks: list[CriteriaLock] = []


def register_criteria_lock(lock: CriteriaLock) -> None:
    if lock not in _criteria_locks:
        _criteria_locks.append(lock)


def criteria_locked_reason(round_) -> str:
    """Why the round's criteria and weights are fixed now, or "" while they may change."""
    if round_ is None or round_.pk is None:
        return ""
    return next((reason for lock in _criteria_locks if (reason := lock(round_))), "")
