"""Helpers every test module shares: defined once, imported where needed (fixtures live in the
root conftest.py)."""

import html
import importlib
import re
import socket
from html.parser import HTMLParser

from django.contrib.auth import SESSION_KEY
from django.urls import reverse


class TaskCalls(list):
    """The arguments of each `delay(...)` of a stubbed task, in order."""

    @property
    def first_args(self) -> list:
        return [args[0] for args in self]


def stub_task(monkeypatch, dotted: str) -> TaskCalls:
    """Replace `delay` of the Celery task at `dotted` ("casework.tasks.decision_letter_task") with a
    recorder, and return its calls. Fails loudly when no such task exists: a renamed or moved task
    breaks the test that stubs it instead of leaving the real task to run."""
    module_name, _, name = dotted.rpartition(".")
    task = getattr(importlib.import_module(module_name), name)  # AttributeError when renamed
    assert hasattr(task, "delay") and getattr(task, "name", None), f"{dotted} is not a Celery task"
    calls = TaskCalls()
    monkeypatch.setattr(task, "delay", lambda *args, **kwargs: calls.append(args))
    return calls


def page_text(response) -> str:
    """A response's HTML as a reader sees its characters (entities and non-breaking spaces plain)."""
    return re.sub(r"[\xa0\u202f]", " ", html.unescape(response.content.decode()))


def in_english(client):
    """The client reads the portal in English (the language cookie)."""
    client.cookies["tilskudd_language"] = "en"
    return client


def url(name: str, obj=None, **kwargs) -> str:
    """reverse() with the object's pk under the key its route takes (pk, round_pk, appeal_pk)."""
    if obj is not None:
        key = {"round": "round_pk", "appeal": "appeal_pk"}.get(type(obj).__name__.lower(), "pk")
        kwargs = {key: obj.pk, **kwargs}
    return reverse(name, kwargs=kwargs or None)


def pdf_text(pdf: bytes) -> list[str]:
    """Each page's text, with runs of white space (the non-breaking ones in amounts too) made one space."""
    import io

    import pypdf

    return [" ".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def messages_of(response) -> list[str]:
    """The flash messages a response carries (after `follow=True`), as the user reads them."""
    return [str(message) for message in response.context["messages"]] if response.context else []


# --- reading pages as a browser would -------------------------------------------------------------

def visible_text(response) -> str:
    """The page's words without its tags, scripts and styles, white space made single spaces: the
    label and the value of a fact (a <dt> and its <dd>) read as one phrase."""
    page = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", page_text(response), flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


class _PageParser(HTMLParser):
    """The values of the page's forms (as a browser would post them), the ids on the page, the
    texts of field errors and the links."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self.ids: set[str] = set()
        self.links: list[tuple[str, str]] = []
        self.errors: dict[str, str] = {}
        self._form = None
        self._textarea = None
        self._select = None
        self._error = None
        self._error_depth = 0
        self._link = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if "id" in a:
            self.ids.add(a["id"])
        if self._error is not None:
            self._error_depth += 1
        elif re.fullmatch(r"error_\d+_id_\w+", a.get("id", "")):
            self._error = a["id"].split("_id_", 1)[1]
            self._error_depth = 1
            self.errors.setdefault(self._error, "")
        if tag == "a" and "href" in a:
            self._link = [a["href"], ""]
            self.links.append(self._link)
        if tag == "form":
            self._form = {"_action": a.get("action", ""), "_fields": {}}
            self.forms.append(self._form)
        if self._form is None:
            return
        fields = self._form["_fields"]
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("submit", "button", "file", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                fields.setdefault(name, [])
                return
            fields.setdefault(name, []).append(a.get("value", "on" if kind in ("checkbox", "radio") else ""))
        elif tag == "textarea" and name:
            self._textarea = name
            fields.setdefault(name, []).append("")
        elif tag == "select" and name:
            self._select = name
            fields.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in a:
            fields[self._select].append(a.get("value", ""))

    def handle_data(self, data):
        if self._textarea:
            values = self._form["_fields"][self._textarea]
            values[-1] += data
        if self._error is not None:
            self.errors[self._error] += data
        if self._link is not None:
            self._link[1] += data

    def handle_endtag(self, tag):
        if self._error is not None:
            self._error_depth -= 1
            if self._error_depth == 0:
                self._error = None
        if tag == "a":
            self._link = None
        if tag == "textarea" and self._textarea:
            values = self._form["_fields"][self._textarea]
            if values[-1].startswith("\n"):  # the newline after <textarea> is not part of the value
                values[-1] = values[-1][1:]
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self._form = None


def parse(response) -> _PageParser:
    parser = _PageParser()
    parser.feed(response.content.decode())
    return parser


def form_values(response) -> dict:
    """The section's form (the one carrying the version), as a browser would post it."""
    forms = [f["_fields"] for f in parse(response).forms if "version" in f["_fields"]]
    assert len(forms) == 1, "the page should have exactly one versioned form"
    return {name: values if len(values) != 1 else values[0] for name, values in forms[0].items()
            if values != [] and name != "csrfmiddlewaretoken"}


def field_error(response, field) -> str:
    """The error text shown at the field (crispy's error_N_id_<field> elements)."""
    return " ".join(parse(response).errors.get(field, "").split())


def assert_error_summary_links_land(response):
    """Each link of the error summary at the top leads to an element on the page (WCAG: linked errors)."""
    page = parse(response)
    summary = response.content.decode().split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    anchors = re.findall(r'href="#([^"]+)"', summary)
    assert anchors, "the error summary links to no field"
    for anchor in anchors:
        assert anchor in page.ids, f"the error summary links to #{anchor}, which is not on the page"


def unused_port() -> int:
    """A loopback port nothing listens on (for a service that is down)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def warm_user_context(client) -> None:
    """Put the logged-in user's memberships and unread count in the cache, as their first page after a
    change does (`portal.selectors.request_user_get`: two queries then, none after), so that the count
    that follows is of the page alone. For query-count tests comparing a page at two sizes: the data
    they add between the two (notifications, roles) would otherwise decide which count pays for it."""
    from portal.selectors import request_user_get

    request_user_get(pk=int(client.session[SESSION_KEY]))
