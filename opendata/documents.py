"""The published documents, from what the selectors read: JSON as `openapi.OPENAPI` describes it,
CSV with its `Round` and `Grant` fields as columns (made formula-safe, UTF-8 with a byte order mark and
semicolons, by the office's own CSV export: `casework.exports.export_csv`). Pure: no query here."""

import json

from django.urls import reverse

from casework.exports import export_csv

from .openapi import API_VERSION, GRANT_FIELDS, ROUND_FIELDS
from .selectors import Grant, PublishedRound


def round_data(round_: PublishedRound) -> dict:
    return {
        "id": round_.id, "scheme": round_.scheme, "year": round_.year, "office_id": round_.office_id,
        "office": round_.office, "decisions_published": round_.decisions_published,
        "amount_awarded": round_.amount_awarded, "all_decisions_sent": round_.all_decisions_sent,
        "last_published_at": round_.last_published_at.isoformat(),
        "grants_json": reverse("opendata:grants_json", kwargs={"round_id": round_.id}),
        "grants_csv": reverse("opendata:grants_csv", kwargs={"round_id": round_.id}),
    }


def grant_data(grant: Grant) -> dict:
    return {
        "office": grant.office, "year": grant.year, "organisation": grant.organisation,
        "organisation_number": grant.organisation_number, "part": grant.part, "kind": grant.kind,
        "amount_awarded": grant.amount_awarded, "decision_date": grant.decision_date.isoformat(),
    }


def rounds_document(rounds: list[PublishedRound]) -> dict:
    return {"api_version": API_VERSION, "rounds": [round_data(round_) for round_ in rounds]}


def grants_document(round_: PublishedRound, grants: list[Grant]) -> dict:
    return {"api_version": API_VERSION, "round": round_data(round_),
            "amount_awarded": sum(grant.amount_awarded for grant in grants),
            "grants": [grant_data(grant) for grant in grants]}


def as_json(document: dict) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=1).encode()


def _csv(records: list[dict], fields: list[str]) -> bytes:
    rows = [[_cell(record[name]) for name in fields] for record in records]
    return export_csv(rows, header=fields)


def _cell(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def rounds_csv(document: dict) -> bytes:
    return _csv(document["rounds"], ROUND_FIELDS)


def grants_csv(document: dict) -> bytes:
    return _csv(document["grants"], GRANT_FIELDS)
