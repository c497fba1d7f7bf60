"""Rules about the code itself that a test can hold: a status is written only by the state machine
(portal.workflow), and every notification kind a service sends is registered with its words.
(The layers are held by import-linter: `make test` runs `lint-imports`.)"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ["portal", "schemes", "applications", "casework", "reporting", "reminders", "home", "demo", "config"]
STATUS_WRITERS = {
    ROOT / "portal" / "workflow.py": "the one performer of every machine",
    ROOT / "portal" / "mail.py": "SentEmail.status is an e-mail's delivery, not a machine's state",
}


MACHINE_MODELS = {"Application", "Decision", "GrantReport"}


def _sources():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path


def _status_writes(tree) -> list[int]:
    """Lines that assign `x.status = ...`, or pass `status=` to update(), create() or to a model of
    a machine."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Attribute) and t.attr == "status" for t in targets):
                lines.append(node.lineno)
        elif isinstance(node, ast.Call) and any(k.arg == "status" for k in node.keywords):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in {"update", "create", "get_or_create", "update_or_create"} | MACHINE_MODELS:
                lines.append(node.lineno)
    return lines


def test_no_module_but_the_state_machine_writes_a_status():
    found = {
        f"{path.relative_to(ROOT)}:{line}"
        for path in _sources() if path not in STATUS_WRITERS
        for line in _status_writes(ast.parse(path.read_text(), str(path)))
    }
    assert not found, f"status written outside portal.workflow: {sorted(found)}"


def test_the_check_finds_a_status_written_by_hand():
    """The check above can fail: these are what it catches."""
    assert _status_writes(ast.parse("decision.status = 'sent'")) == [1]
    assert _status_writes(ast.parse("Decision.objects.filter(pk=1).update(status='sent')")) == [1]
    assert _status_writes(ast.parse("Decision(status='sent')")) == [1]
    assert _status_writes(ast.parse("queryset.filter(status='sent')")) == []


@pytest.mark.django_db
def test_every_notification_kind_in_the_code_is_registered_with_its_words():
    from applications.notifications import ApplicationNotice
    from casework.notifications import CaseworkNotice
    from portal import notifications
    from reminders.notifications import ReminderNotice
    from reporting.notifications import ReportNotice

    kinds = {str(kind) for enum in (ApplicationNotice, CaseworkNotice, ReportNotice, ReminderNotice) for kind in enum}
    assert kinds <= notifications.registered_kinds()
