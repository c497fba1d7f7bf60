"""The open data endpoints: public, read-only (GET and HEAD), no login, no session needed. Each
answers from the cache (`cache.representation_get`), with Cache-Control, ETag and Last-Modified, and
304 Not Modified to a conditional GET whose document has not changed. The format is in the path
(`.json`, `.csv`): a link names exactly one document, so caches need not vary on Accept."""

import json

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from applications.models import LinePart, MeasureKind

from . import documents
from .cache import Representation, representation_get
from .openapi import CACHE_SECONDS, GRANT_FIELDS, OPENAPI
from .selectors import grants_published, round_published_get, rounds_published

JSON = "application/json"
CSV = "text/csv; charset=utf-8; header=present"
NOT_FOUND_SECONDS = 60  # a round not published yet may be published soon


def _public(response: HttpResponse, seconds: int = CACHE_SECONDS) -> HttpResponse:
    patch_cache_control(response, public=True, max_age=seconds)
    response["Access-Control-Allow-Origin"] = "*"  # open data: any site's script may read it
    response["X-Content-Type-Options"] = "nosniff"
    response.public_document = True  # portal.middleware.PublicDocumentMiddleware: varies on no cookie nor language
    return response


def _serve(request, representation: Representation) -> HttpResponse:
    etag, last_modified = representation.etag, representation.last_modified
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        response = HttpResponse(representation.body, content_type=representation.content_type)
        if representation.filename:
            response["Content-Disposition"] = f'attachment; filename="{representation.filename}"'
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)
    return _public(response)


def _not_published(request) -> HttpResponse:
    """404 as problem details in the reader's language: the round is unknown, or none of its
    decision letters is sent (the two are told apart by nobody)."""
    response = JsonResponse({
        "status": 404, "title": _("Not published"),
        "detail": _("This round has no published decisions: there is no such round, or none of its decision "
                    "letters has been sent yet. The list of rounds with published decisions is at %(url)s.")
        % {"url": request.build_absolute_uri(reverse("opendata:rounds_json"))},
    }, status=404, content_type="application/problem+json", json_dumps_params={"ensure_ascii": False})
    patch_cache_control(response, private=True, max_age=NOT_FOUND_SECONDS)  # in the reader's language
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _timestamp(moment) -> int | None:
    """Whole seconds, as HTTP dates have them (a fraction would make every If-Modified-Since older)."""
    return int(moment.timestamp()) if moment else None


def _rounds(fmt: str) -> Representation:
    rounds = rounds_published()
    document = documents.rounds_document(rounds)
    # no Last-Modified: the list also changes when a round's last letter is sent or an office is renamed,
    # which no single date tells; its ETag (the document's hash) does
    if fmt == "csv":
        return Representation(documents.rounds_csv(document), CSV, None, "tilskudd-runder.csv")
    return Representation(documents.as_json(document), JSON, None)


def _grants(round_id: int, fmt: str) -> Representation | None:
    round_ = round_published_get(round_id=round_id)
    if round_ is None:
        return None
    document = documents.grants_document(round_, grants_published(round_=round_))
    last = _timestamp(round_.last_published_at)
    if fmt == "csv":
        filename = f"tilskudd-{round_.year}-{round_.office_id}-{round_.id}.csv"
        return Representation(documents.grants_csv(document), CSV, last, filename)
    return Representation(documents.as_json(document), JSON, last)


@require_safe
def rounds(request, fmt: str):
    return _serve(request, representation_get(f"rounds.{fmt}", lambda: _rounds(fmt)))


@require_safe
def grants(request, round_id: int, fmt: str):
    representation = representation_get(f"rounds/{round_id}/grants.{fmt}", lambda: _grants(round_id, fmt))
    if representation is None:
        return _not_published(request)
    return _serve(request, representation)


_OPENAPI = Representation(json.dumps(OPENAPI, ensure_ascii=False, indent=1).encode(), JSON, None)


@require_safe
def openapi(request):
    return _serve(request, _OPENAPI)


def documentation(request):
    """The human-readable page (in the reader's language): what is published, when, in which
    fields and formats, and where the machine-readable description is."""
    return render(request, "opendata/documentation.html", {
        "rounds": rounds_published(),
        "fields": GRANT_FIELDS,
        "parts": LinePart.choices,
        "kinds": MeasureKind.choices,
        "cache_minutes": CACHE_SECONDS // 60,
    })
