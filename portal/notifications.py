"""The words notifications are shown with: a registry of kinds that each app fills in its
`AppConfig.ready()`, so this core module knows no grant, application or report.

A notification stores its kind and the facts (`data`); the sentence is composed when it is shown,
in the reader's language, by the function registered for its kind:

    notifications.register(CaseworkNotice.DECISION_SENT, sentence(_("The decision on ... is sent.")))

A kind whose texts need the database (a reminder names its scheme) registers a `context` function
as well: it reads what a whole page of its notifications needs in one query.

Writing notifications is `portal.services.notify`; reading them, `portal.selectors`."""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .models import Notification

# text(data, context) -> the sentence, in the active language
Text = Callable[[dict, dict], str]
# context([data, ...]) -> what the texts of those notifications need, read at once
Context = Callable[[list[dict]], dict]


@dataclass(frozen=True)
class NotificationKind:
    kind: str
    text: Text
    context: Context | None = None


_registry: dict[str, NotificationKind] = {}


def register(kind: str, text: Text, *, context: Context | None = None) -> None:
    """Say how notifications of `kind` read. Called from AppConfig.ready(); registering a kind twice
    (another app, the same name) is a mistake that fails at start-up."""
    kind = str(kind)
    if kind in _registry and _registry[kind].text is not text:
        raise ValueError(f"The notification kind {kind!r} is registered twice.")
    _registry[kind] = NotificationKind(kind=kind, text=text, context=context)


def registered_kinds() -> set[str]:
    return set(_registry)


def sentence(template, *, values: Callable[[dict], dict] | None = None) -> Text:
    """A text that fills `template` (a lazily translated string with %(name)s placeholders) with
    the notification's data, made readable by `values` if given. Data that does not fit the
    template (an older notification) gives the template's first clause rather than an error."""

    def text(data: dict, context: dict) -> str:
        template_text = str(template)
        try:
            return template_text % (values(data) if values else data)
        except (KeyError, TypeError, ValueError):
            return template_text.split(":")[0]

    return text


def notification_texts(notifications: Iterable[Notification]) -> list[str]:
    """The sentences of a page of notifications, in the current language, in the page's order;
    what they name is read once per kind, however many there are."""
    notifications = list(notifications)
    by_kind = defaultdict(list)
    for notification in notifications:
        by_kind[notification.kind].append(notification.data)
    contexts = {kind: _registry[kind].context(data) for kind, data in by_kind.items()
                if kind in _registry and _registry[kind].context is not None}
    return [notification_text(n, context=contexts.get(n.kind, {})) for n in notifications]


def notification_text(notification: Notification, *, context: dict | None = None) -> str:
    """The sentence shown for one notification; an unknown kind shows as itself."""
    spec = _registry.get(notification.kind)
    if spec is None:
        return notification.kind
    if context is None and spec.context is not None:
        context = spec.context([notification.data])
    return spec.text(notification.data, context or {})
