"""Each published document is built once and kept in Django's cache (Redis), so that a crawler
reading it again and again costs the database nothing: a request served from the cache makes no
query. A document is kept for `CACHE_SECONDS` at most, and every document is forgotten (the cache's
generation moves on) when a decision is published, after its transaction commits.

A cache that is down never stops open data: the document is then built from the database for each
request (and a warning logged), as the sessions do (`portal.sessions`)."""

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction

from .openapi import API_VERSION, CACHE_SECONDS
from .rules import decision_published

logger = logging.getLogger(__name__)

GENERATION_KEY = f"opendata:v{API_VERSION}:generation"


@dataclass(frozen=True)
class Representation:
    """A document as served: its bytes and what a conditional GET compares."""

    body: bytes
    content_type: str
    last_modified: int | None  # a Unix timestamp, whole seconds
    filename: str = ""

    @property
    def etag(self) -> str:
        return '"%s"' % hashlib.sha256(self.body).hexdigest()[:32]


def _generation() -> int:
    return cache.get(GENERATION_KEY) or 0


def representation_get(name: str, build: Callable[[], Representation | None]) -> Representation | None:
    """The document `name` from the cache, or built (None: nothing is published there) and kept."""
    try:
        key = f"opendata:v{API_VERSION}:{_generation()}:{name}"
        kept = cache.get(key)
    except Exception as error:  # noqa: BLE001 - any cache failure: the database has the data
        logger.warning("Open data cache unavailable (read): %s: %s; reading the database.", type(error).__name__, error)
        return build()
    if kept is not None:
        return kept
    representation = build()
    if representation is None:
        return None  # not kept: one key per id asked for would let anyone fill the shared Redis
    try:
        cache.set(key, representation, CACHE_SECONDS)
    except Exception as error:  # noqa: BLE001
        logger.warning("Open data cache unavailable (write): %s: %s.", type(error).__name__, error)
    return representation


def forget_all() -> None:
    """Every kept document is forgotten: the next request builds it anew."""
    try:
        cache.set(GENERATION_KEY, _generation() + 1, None)
    except Exception as error:  # noqa: BLE001 - kept documents then live out their CACHE_SECONDS
        logger.warning("Open data cache unavailable (forget): %s: %s.", type(error).__name__, error)


def forget_when_published(sender, instance, **kwargs):
    """`post_save` of a decision: once it is published (or a published one changes), the documents
    are forgotten after the commit, so no request can keep what the transaction had not yet written."""
    if decision_published(instance):
        transaction.on_commit(forget_all, robust=True)
