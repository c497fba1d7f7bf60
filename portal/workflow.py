"""One state machine mechanism for every model that has a status: the application, the decision and
the report. Each app declares its table in its own `workflow.py` (a `Machine` of `Transition`s:
from, to, who may, guard); this module performs them, the same way for all three:

    DECISION.perform(decision, "approve", user=user)

1. locks the row (and whatever the machine locks with it), and reads the status under the lock;
2. if the row is already where the transition leads, and the transition cannot start from there,
   the transition was already performed (a double click, a retried request): nothing is written,
   and the outcome says so (`performed=False`), once the user is known to hold a role that may
   perform it. A transition reached as the follow of another is never "already done": that would
   be a mismatch between the two machines, and is refused;
3. otherwise checks the status, the user's role in the object's organisation or office, and the
   guard, raising `TransitionError` with the reason in the user's language;
4. writes the new status and the transition's other fields, and exactly one event;
5. performs the transitions of other machines that follow it (the decision's approval decides
   the application), and calls the machine's `after` hook (signals, notifications after commit),

all in one `transaction.atomic()`. Nothing else writes a status. Templates ask `available` which
buttons to show, so the page and the rules cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .exceptions import TransitionError

# guard(obj, user, now) -> "" when the transition may happen, otherwise why not (translated)
Guard = Callable[[Any, Any, dt.datetime], str]
# effects(obj, user, now, data) -> the fields the transition sets besides the status
Effects = Callable[[Any, Any, dt.datetime, dict], dict]


@dataclass(frozen=True)
class Follow:
    """A transition of another machine performed with this one, in the same transaction: `of(obj)`
    is the object it moves (the decision's application)."""

    machine: Machine
    transition: str
    of: Callable[[Any], Any]


@dataclass(frozen=True)
class Transition:
    name: str
    label: str  # what its button says
    sources: tuple[str, ...]
    target: str
    roles: tuple[str, ...]  # who may: any one of these roles in the object's organisation or office
    guard: Guard | None = None
    effects: Effects | None = None
    follows: tuple[Follow, ...] = ()
    internal: bool = False  # its event is for the office only, never shown to the applicant
    follow_only: bool = False  # happens only as the follow of another machine's transition (no button)
    button: bool = True  # False: performed by a service as part of another write, never a button of its own


@dataclass(frozen=True)
class Outcome:
    """What `perform` did: the object as it now stands, and whether this call moved it."""

    object: Any
    performed: bool


@dataclass
class Machine:
    """The declared table of one model's transitions, and the hooks that tie it to its app.

    - `roles_of(user, obj)`: the roles the user holds for the object (its organisation, its office);
    - `record(obj, transition, source, user, data)`: writes the transition's one event;
    - `lock(obj)`: the object again, its row locked (default: the row alone, `of=("self",)`);
    - `after(obj, transition, user, data)`: runs last inside the transaction (signals, and
      `transaction.on_commit` for notifications and tasks);
    - `wrong_status`: the refusal when the status does not allow a transition, with %(status)s;
    - `shown_status(user, obj)`: the status named in that refusal, as the user may know it (the
      applicant is not told of a decision before its letter)."""

    model: type[models.Model]
    transitions: list[Transition]
    roles_of: Callable[[Any, Any], set[str]]
    record: Callable[[Any, Transition, str, Any, dict], None]
    lock: Callable[[Any], Any] | None = None
    after: Callable[[Any, Transition, Any, dict], None] | None = None
    # the refusal when the status does not allow a transition, with %(status)s (in the user's language)
    wrong_status: str = ""
    # shown_status(user, obj) -> the status as this user may know it (default: the stored one)
    shown_status: Callable[[Any, Any], str] | None = None
    status_field: str = "status"
    table: dict[str, Transition] = field(init=False, repr=False)

    def __post_init__(self):
        self.table = {transition.name: transition for transition in self.transitions}

    def __getitem__(self, name: str) -> Transition:
        return self.table[name]

    def status_of(self, obj) -> str:
        return getattr(obj, self.status_field)

    def status_label(self, obj) -> str:
        status = self.status_of(obj)
        return str(dict(obj._meta.get_field(self.status_field).flatchoices).get(status, status))

    # --- reading the table ---------------------------------------------------------------------------

    def may(self, obj, name: str, user) -> bool:
        """Does the user hold a role that may perform `name` on this object (whatever its status)?"""
        return bool(self.roles_of(user, obj) & set(self.table[name].roles))

    def check(self, obj, name: str, user, now: dt.datetime | None = None) -> str:
        """"" when `user` may perform `name` on `obj` now, otherwise why not (translated)."""
        transition = self.table[name]
        if self.status_of(obj) not in transition.sources:
            shown = self.shown_status(user, obj) if self.shown_status else self.status_label(obj)
            return str(self.wrong_status or _("This cannot be done now.")) % {"status": str(shown).lower()}
        if not self.may(obj, name, user):
            return _("Your role does not allow this.")
        if transition.guard is not None:
            return str(transition.guard(obj, user, now or timezone.now()) or "")
        return ""

    def available(self, obj, user) -> list[Transition]:
        """The transitions whose buttons this user sees on the object's page: its status allows them
        and the user holds a role for them (the guard may still refuse, saying why)."""
        if obj is None:
            return []
        roles = self.roles_of(user, obj)
        return [t for t in self.transitions
                if t.button and not t.follow_only and self.status_of(obj) in t.sources and roles & set(t.roles)]

    # --- performing ----------------------------------------------------------------------------------

    def _lock(self, obj):
        if self.lock is not None:
            return self.lock(obj)
        return self.model.objects.select_for_update(of=("self",)).get(pk=obj.pk)

    def perform(self, obj, name: str, *, user, data: dict | None = None, now: dt.datetime | None = None,
                as_follow: bool = False) -> Outcome:
        """Perform the transition `name` on `obj` for `user` (see the module's docstring).
        `as_follow`: performed because another machine's transition follows into it (then it must
        happen now: "already done" is a mismatch between the two, and refused)."""
        transition = self.table[name]
        now = now or timezone.now()
        data = dict(data or {})
        if transition.follow_only and not as_follow:
            raise TransitionError(_("This happens only together with another step."))
        with transaction.atomic():
            locked = self._lock(obj)
            source = self.status_of(locked)
            if source == transition.target and source not in transition.sources and not as_follow:
                if not self.may(locked, name, user):
                    raise TransitionError(_("Your role does not allow this."))
                return Outcome(locked, performed=False)
            reason = self.check(locked, name, user, now)
            if reason:
                raise TransitionError(reason)
            setattr(locked, self.status_field, transition.target)
            changed = [self.status_field]
            effects = transition.effects(locked, user, now, data) if transition.effects else {}
            for name_, value in effects.items():
                setattr(locked, name_, value)
                changed.append(name_)
            if any(f.name == "updated_at" for f in locked._meta.concrete_fields):
                changed.append("updated_at")
            locked.save(update_fields=changed)
            self.record(locked, transition, source, user, data)
            for follow in transition.follows:  # its event says what it follows: "grantreport.submit"
                target = follow.of(locked)
                follow.machine.perform(target, follow.transition, user=user, now=now, as_follow=True,
                                       data={**data, "follows": f"{locked._meta.model_name}.{transition.name}"})
                target.refresh_from_db()  # the object this one holds shows its new status too
            if self.after is not None:
                self.after(locked, transition, user, data)
        return Outcome(locked, performed=True)
