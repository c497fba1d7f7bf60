"""The OpenAPI description is what is served: it parses, each of its paths is a URL of the app, and
the JSON documents validate against the schemas it gives for them (JSON Schema 2020-12, as OpenAPI
3.1 uses); the CSV columns are its fields."""

import csv
import io

import jsonschema
import pytest
from django.urls import Resolver404, resolve

from applications.models import MeasureKind
from opendata.openapi import BASE_PATH, GRANT_FIELDS
from tests.opendata.factories import decided, simple

pytestmark = pytest.mark.django_db


@pytest.fixture
def description(client):
    response = client.get(f"{BASE_PATH}/openapi.json")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert "ETag" in response and "public" in response["Cache-Control"]
    return response.json()


def response_schema(description, path, status="200", media="application/json") -> dict:
    schema = description["paths"][path]["get"]["responses"][status]["content"][media]["schema"]
    return {**description, **schema}  # its $ref resolves within the whole description


def validate(description, path, document, **kwargs):
    schema = response_schema(description, path, **kwargs)
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(document)


def test_the_description_parses_and_its_schemas_are_valid(description):
    assert description["openapi"].startswith("3.1")
    assert description["servers"] == [{"url": BASE_PATH}]
    for schema in description["components"]["schemas"].values():
        jsonschema.Draft202012Validator.check_schema(schema)


def test_every_path_described_is_served(description):
    for path in description["paths"]:
        concrete = BASE_PATH + path.replace("{round_id}", "1")
        try:
            resolve(concrete)
        except Resolver404:
            pytest.fail(f"{path} is described but not served")


def test_the_json_documents_match_the_description(client, description, round_):
    decided(round_, measures=[(MeasureKind.FURTHER_EDUCATION, 200_000, 100_000), ("", 50_000, 50_000)],
            projects=[(300_000, 200_000)])
    simple(round_, awarded=0)

    rounds = client.get(f"{BASE_PATH}/rounds.json").json()
    grants = client.get(f"{BASE_PATH}/rounds/{round_.pk}/grants.json").json()

    validate(description, "/rounds.json", rounds)
    validate(description, "/rounds/{round_id}/grants.json", grants)
    assert [(g["part"], g["kind"]) for g in grants["grants"]] == [  # a measure without a kind has null
        ("measure", None), ("measure", "further_education"), ("project", None)]


def test_the_404_matches_the_description(client, description, round_):
    response = client.get(f"{BASE_PATH}/rounds/{round_.pk}/grants.json")
    assert response.status_code == 404
    validate(description, "/rounds/{round_id}/grants.json", response.json(), status="404",
             media="application/problem+json")


def test_a_field_the_description_does_not_name_fails_the_check(client, description, round_):
    """The check can fail: a grant carrying anything more (a title, the reasons) is refused."""
    simple(round_)
    grants = client.get(f"{BASE_PATH}/rounds/{round_.pk}/grants.json").json()
    grants["grants"][0]["reasons"] = "Søknaden er godt begrunnet."

    with pytest.raises(jsonschema.ValidationError):
        validate(description, "/rounds/{round_id}/grants.json", grants)


def test_the_csv_columns_are_the_described_fields(client, description, round_):
    simple(round_)
    response = client.get(f"{BASE_PATH}/rounds/{round_.pk}/grants.csv")
    header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))

    assert header == GRANT_FIELDS == list(description["components"]["schemas"]["Grant"]["properties"])
    described = description["paths"]["/rounds/{round_id}/grants.csv"]["get"]["responses"]["200"]["content"]
    assert described["text/csv"]["schema"]["description"] == "Columns: " + "; ".join(header)
