"""Helpers every test module shares: defined once, imported where needed (fixtures live in the
root conftest.py)."""

import html
import importlib
import re

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
