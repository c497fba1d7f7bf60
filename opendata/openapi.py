"""The one declaration of the open data API, version 1: the OpenAPI 3.1 description served at
/open-data/v1/openapi.json. The JSON documents are checked against its schemas by the tests, and
the CSV columns are its `Grant` and `Round` properties, in their order: what is described is what is
served.

Version 1 is stable: a field may be added, never renamed, removed or given another meaning; such a
change is version 2, under its own path, with version 1 served alongside it for a while. The
descriptions are in English (the API's names are English; the documentation page is in the
reader's language)."""

from applications.models import LinePart, MeasureKind

API_VERSION = "1"
BASE_PATH = "/open-data/v1"
CACHE_SECONDS = 15 * 60  # how long a reader (or a proxy) may keep a document before asking again

_nullable = {"type": "null"}

ROUND_SCHEMA = {
    "type": "object",
    "description": "A round (one office's year of the scheme) with at least one published decision.",
    "additionalProperties": False,
    "required": ["id", "scheme", "year", "office_id", "office", "decisions_published", "amount_awarded",
                 "all_decisions_sent", "last_published_at", "grants_json", "grants_csv"],
    "properties": {
        "id": {"type": "integer", "description": "The round's number, as in its public page /rounds/{id}/."},
        "scheme": {"type": "string", "description": "The grant scheme's short name."},
        "year": {"type": "integer"},
        "office_id": {"type": "string", "description": "The County Governor office's short name."},
        "office": {"type": "string", "description": "The office's official name in the round's year, in bokmål."},
        "decisions_published": {"type": "integer", "minimum": 1,
                                "description": "Decisions of the round whose letter is sent."},
        "amount_awarded": {"type": "integer", "minimum": 0,
                           "description": "Whole kroner awarded by the published decisions."},
        "all_decisions_sent": {"type": "boolean", "description": (
            "True when every application of the round that is still in play has its decision letter: the "
            "list is final. False: more decisions may be published.")},
        "last_published_at": {"type": "string", "format": "date-time",
                              "description": "When the latest of the round's published decision letters was sent."},
        "grants_json": {"type": "string", "format": "uri-reference"},
        "grants_csv": {"type": "string", "format": "uri-reference"},
    },
}

GRANT_SCHEMA = {
    "type": "object",
    "description": ("What one organisation was awarded in one part of the grant (and, for competence measures, "
                    "one kind of measure) by one decision: the sum of the decision's lines of that part and kind."),
    "additionalProperties": False,
    "required": ["office", "year", "organisation", "organisation_number", "part", "kind", "amount_awarded",
                 "decision_date"],
    "properties": {
        "office": {"type": "string", "description": "The deciding office's official name in the round's year."},
        "year": {"type": "integer", "description": "The round's year."},
        "organisation": {"type": "string",
                         "description": "The recipient: a municipality, county municipality or state body."},
        "organisation_number": {"type": "string", "pattern": "^[0-9]{9}$",
                                "description": "The recipient's organisation number (Enhetsregisteret), 9 digits."},
        "part": {"type": "string", "enum": list(LinePart.values), "description": (
            "measure: competence measures (kompetansetiltak); project: innovation projects "
            "(innovasjonsprosjekter).")},
        "kind": {"anyOf": [{"type": "string", "enum": list(MeasureKind.values)}, _nullable], "description": (
            "The kind of competence measure: basic_education (grunnutdanning), further_education "
            "(videreutdanning), continuing_education (etterutdanning), leadership, other; null for innovation "
            "projects and for a measure without a kind.")},
        "amount_awarded": {"type": "integer", "minimum": 1, "description": "Whole kroner (NOK)."},
        "decision_date": {"type": "string", "format": "date",
                          "description": "The decision's date (as on its letter), Europe/Oslo."},
    },
}

ERROR_SCHEMA = {
    "type": "object",
    "description": "Problem details (RFC 9457), in the language the request asks for (Accept-Language).",
    "required": ["status", "title", "detail"],
    "properties": {"status": {"type": "integer"}, "title": {"type": "string"}, "detail": {"type": "string"}},
}

ROUND_FIELDS = [name for name in ROUND_SCHEMA["properties"] if name not in ("grants_json", "grants_csv")]
GRANT_FIELDS = list(GRANT_SCHEMA["properties"])

_CACHING = (f"Responses may be kept for {CACHE_SECONDS} seconds (Cache-Control: public) and carry an ETag and "
            "Last-Modified: ask again with If-None-Match or If-Modified-Since and an unchanged document "
            "answers 304 Not Modified.")
_CSV = ("CSV: UTF-8 with a byte order mark (so that Excel reads the Norwegian letters right), fields separated by "
        "semicolons (as Excel expects in a Norwegian locale), CRLF line ends, a header row of the field names. "
        "Amounts are whole kroner without separators; dates are ISO 8601. A text that a spreadsheet would read as "
        "a formula starts with an apostrophe.")


def _get(summary: str, description: str, json_schema: str = "", *, csv_fields: list[str] | None = None,
         not_found: bool = False, parameters: list | None = None) -> dict:
    if csv_fields is not None:
        content = {"text/csv": {"schema": {"type": "string", "description": "Columns: " + "; ".join(csv_fields)}}}
    else:
        content = {"application/json": {"schema": {"$ref": f"#/components/schemas/{json_schema}"}}}
    responses = {
        "200": {"description": "OK", "headers": {"ETag": {"$ref": "#/components/headers/ETag"},
                                                  "Cache-Control": {"$ref": "#/components/headers/Cache-Control"}},
                "content": content},
        "304": {"description": "Not modified since the ETag or date the request gave."},
    }
    if not_found:
        responses["404"] = {"description": "No such round, or none of its decision letters has been sent yet.",
                            "content": {"application/problem+json": {
                                "schema": {"$ref": "#/components/schemas/Error"}}}}
    operation = {"summary": summary, "description": description, "responses": responses}
    if parameters:
        operation["parameters"] = parameters
    return {"get": operation}


_ROUND_ID = [{"name": "round_id", "in": "path", "required": True, "schema": {"type": "integer"},
              "description": "The round's id, from /rounds.json."}]
_RULE = ("A decision is published when its letter has been sent to the organisation that applied, never before. "
         "Only awards above 0 kr are listed; no person, note, reason or title is.")

OPENAPI = {
    "openapi": "3.1.0",
    "info": {
        "title": "Tilskuddsportalen open data: municipal competence and innovation grants",
        "version": API_VERSION,
        "description": (
            "The grants awarded under Kommunalt kompetanse- og innovasjonstilskudd (Helsedirektoratet, kap. 761 "
            "post 68) by the County Governor offices, read-only, for anyone. " + _RULE + " " + _CACHING + " "
            + _CSV),
        "license": {"name": "Norwegian Licence for Open Government Data (NLOD) 2.0",
                    "url": "https://data.norge.no/nlod/en/2.0"},
    },
    "servers": [{"url": BASE_PATH}],
    "paths": {
        "/rounds.json": _get("Rounds with published decisions", "Newest year first, then by office.", "RoundList"),
        "/rounds.csv": _get("Rounds with published decisions, as CSV", _CSV, csv_fields=ROUND_FIELDS),
        "/rounds/{round_id}/grants.json": _get("The published grants of a round", _RULE, "GrantList",
                                               not_found=True, parameters=_ROUND_ID),
        "/rounds/{round_id}/grants.csv": _get("The published grants of a round, as CSV", _CSV,
                                              csv_fields=GRANT_FIELDS, not_found=True, parameters=_ROUND_ID),
        "/openapi.json": {"get": {"summary": "This description", "responses": {"200": {"description": "OK"}}}},
    },
    "components": {
        "schemas": {
            "Round": ROUND_SCHEMA,
            "Grant": GRANT_SCHEMA,
            "RoundList": {
                "type": "object", "additionalProperties": False, "required": ["api_version", "rounds"],
                "properties": {"api_version": {"const": API_VERSION},
                               "rounds": {"type": "array", "items": {"$ref": "#/components/schemas/Round"}}},
            },
            "GrantList": {
                "type": "object", "additionalProperties": False,
                "required": ["api_version", "round", "amount_awarded", "grants"],
                "properties": {"api_version": {"const": API_VERSION},
                               "round": {"$ref": "#/components/schemas/Round"},
                               "amount_awarded": {"type": "integer", "minimum": 0,
                                                  "description": "The sum of the grants' amounts."},
                               "grants": {"type": "array", "items": {"$ref": "#/components/schemas/Grant"}}},
            },
            "Error": ERROR_SCHEMA,
        },
        "headers": {
            "ETag": {"description": "The document's version; send it back in If-None-Match.",
                     "schema": {"type": "string"}},
            "Cache-Control": {"description": _CACHING, "schema": {"type": "string"}},
        },
    },
}
