"""Every form is performed once: a double click, a retried POST, the back button and "send again"
of the same form do it once.

One mechanism for every write form of the site:

1. the page renders a fresh key into the form (`{% form_key %}`, a builtin tag: a hidden
   `form_key` field holding a random UUID, next to `{% csrf_token %}`);
2. the view that receives it is wrapped in `@idempotent_post`, which opens the transaction the
   service's own `transaction.atomic()` nests into, and claims the sending there first
   (`idempotent`): a `SubmittedForm` row, written in the same transaction as the effect. So
   - the first POST inserts the row, performs, and records where it led (its redirect);
   - a repeat after it finds the row and is sent where the first went, with "already done";
   - a repeat *while the first is at work* waits on the row's unique key (PostgreSQL makes the
     second insert wait for the first transaction), then finds it done, or, if the first was
     refused or rolled back, performs as if it were the first;
3. a sending is the form's key *and what it sends* (`sending_key`: the key, the user, the address
   and the fields and files, hashed): the same form sent with other content (the back button, then
   a correction; another button of the form, with its own address) is a new sending, performed and
   met by the services' own guards (a stale version is refused with what was typed kept), never
   silently dropped as "already done";
4. what did nothing is not remembered: an answer that is not a redirect (the form shown again with
   its errors), an error message, or an exception gives the key back, so sending the corrected
   form, or the same one again, does what it says.

A POST without a key (an old page, a script, the autosave's fetch, which saves the same form many
times) is performed as before: each service's own guard stays (the state machine's "already done",
the stale-version check). Keys are kept `KEEP` and purged by `portal.form_keys_purge`.

Lock order: the key row is taken first, before the application → decision → round of the casework
(docs/architecture.md); only the two sendings of one form ever contend on it.
"""

import hashlib
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from functools import wraps

from django.contrib import messages
from django.db import IntegrityError, connection, transaction
from django.http import HttpResponseRedirect
from django.http.response import HttpResponseRedirectBase
from django.utils import timezone
from django.utils.translation import gettext as _

from .autosave import is_autosave
from .models import SubmittedForm

FIELD = "form_key"
KEEP = timedelta(hours=24)
MARK = "idempotent_post"  # the attribute `@idempotent_post` sets on a view (tests/portal/test_idempotency.py)


class KeyMisused(Exception):
    """The key was first sent by someone else, or to another form: not this form's repeat (never
    through `idempotent_post`, whose `sending_key` holds the user and the address)."""


@dataclass
class Once:
    """What `idempotent` found: `done` (a repeat: `outcome` is where the first led) or not."""

    done: bool
    outcome: str = ""
    row: SubmittedForm | None = field(default=None, repr=False)

    def record(self, outcome: str) -> None:
        """The form was performed: a repeat is sent to `outcome`."""
        if self.row is not None:
            self.row.outcome = outcome[:500]
            self.row.save(update_fields=["outcome"])

    def release(self) -> None:
        """Nothing was done (refused, shown again with errors): a repeat may perform."""
        if self.row is not None:
            self.row.delete()
            self.row = None


def key_parse(value) -> uuid.UUID | None:
    """The key a form sent, or None (missing, or not a UUID: then it is treated as missing)."""
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


@contextmanager
def idempotent(*, key: uuid.UUID | None, user, path: str) -> Iterator[Once]:
    """Claim `key` in the caller's transaction (required: the claim must commit or roll back with
    the effect). Yields a `Once`: `done` when the key was used before by this user on this path.
    Raises `KeyMisused` for a key someone else or another form used."""
    if key is None:
        yield Once(done=False)
        return
    if not connection.in_atomic_block:
        raise RuntimeError("idempotent() must run inside the transaction of what it guards")
    user_id = user.pk if user is not None and user.is_authenticated else None
    try:
        with transaction.atomic():  # a savepoint: a conflict leaves the caller's transaction usable
            row = SubmittedForm.objects.create(key=key, user_id=user_id, path=path[:500])
    except IntegrityError:
        # the same key, committed by an earlier sending (or by the one we waited for just now)
        row = SubmittedForm.objects.filter(key=key).first()
        if row is None or row.user_id != user_id or row.path != path[:500]:
            raise KeyMisused from None
        yield Once(done=True, outcome=row.outcome)
        return
    yield Once(done=False, row=row)


def _errors_queued(request) -> int:
    """How many error messages this request has added so far. Read from the storage's queue without
    iterating the storage: iterating moves the queued messages among the loaded ones, where they are
    no longer prepared for storing, and a lazily translated message then failed to be written to the
    cookie (a 500 after the view had answered)."""
    storage = messages.get_messages(request)
    return sum(1 for message in getattr(storage, "_queued_messages", ()) if message.level >= messages.ERROR)


def sending_key(request, form_key: uuid.UUID) -> uuid.UUID:
    """The key of this sending: the form's key, the user, the address, and every field and file it
    sends (the CSRF token left out: it changes at login). The same sending again has the same key;
    the same form sent with anything else has another."""
    digest = hashlib.sha256()
    user_id = request.user.pk if request.user.is_authenticated else None
    digest.update(f"{user_id}\0{request.path}\0".encode())
    for name in sorted(request.POST):
        if name not in (FIELD, "csrfmiddlewaretoken"):
            for value in request.POST.getlist(name):
                digest.update(f"{name}\0{value}\0".encode())
    for name in sorted(request.FILES):
        for upload in request.FILES.getlist(name):
            digest.update(f"{name}\0{upload.name}\0{upload.size}\0".encode())
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
    return uuid.uuid5(form_key, digest.hexdigest())


def idempotent_post(view):
    """Perform a form's POST once per key (see the module). Put it innermost, under the login and
    method decorators: a refusal before the view claims nothing."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        key = key_parse(request.POST.get(FIELD)) if request.method == "POST" else None
        if key is None or is_autosave(request):
            return view(request, *args, **kwargs)
        errors_before = _errors_queued(request)
        with transaction.atomic():
            with idempotent(key=sending_key(request, key), user=request.user, path=request.path) as once:
                if once.done:
                    messages.info(request, _("This form had already been sent, and what it asked "
                                             "for was done once. Here is the result."))
                    return HttpResponseRedirect(once.outcome or request.path)
                response = view(request, *args, **kwargs)
                if isinstance(response, HttpResponseRedirectBase) and _errors_queued(request) == errors_before:
                    once.record(response.url)
                else:
                    once.release()
                return response

    setattr(wrapper, MARK, True)
    return wrapper


def keys_purge(*, now=None) -> int:
    """Forget the keys older than `KEEP` (a repeat that late is performed as a new sending, and
    meets the services' own guards). Returns how many were deleted."""
    cutoff = (now or timezone.now()) - KEEP
    deleted, _kinds = SubmittedForm.objects.filter(created_at__lt=cutoff).delete()
    return deleted
