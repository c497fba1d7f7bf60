"""The open data endpoints as a crawler reads them: what is shown and what never is, the figures,
the CSV, the cache headers and conditional GET, and the number of queries."""

import csv
import io
import json
import time

import pytest
from django.core.cache import cache
from django.urls import reverse

from applications.models import MeasureKind
from casework.workflow import DECISION
from portal.middleware import LAST_SEEN_AT, LOGGED_IN_AT
from portal.models import User
from tests.casework.factories import AppealFactory, letter_stored
from tests.helpers import in_english, page_text
from tests.opendata.factories import MARKERS, decided, simple
from tests.portal.factories import OrganisationFactory, UserFactory
from tests.schemes.factories import RoundFactory

pytestmark = pytest.mark.django_db

FURTHER = MeasureKind.FURTHER_EDUCATION


def grants_url(round_, fmt="json"):
    return reverse(f"opendata:grants_{fmt}", kwargs={"round_id": round_.pk})


ROUNDS_JSON, ROUNDS_CSV = "/open-data/v1/rounds.json", "/open-data/v1/rounds.csv"


def csv_rows(response) -> list[dict]:
    text = response.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def every_document(client, *rounds) -> str:
    """Everything a reader can fetch, in one text."""
    paths = [ROUNDS_JSON, ROUNDS_CSV, "/open-data/", "/open-data/v1/openapi.json"]
    paths += [grants_url(r, fmt) for r in rounds for fmt in ("json", "csv")]
    return "\n".join(page_text(client.get(path)) for path in paths)


def test_the_urls_are_versioned():
    assert ROUNDS_JSON == reverse("opendata:rounds_json")
    assert reverse("opendata:grants_csv", kwargs={"round_id": 7}) == "/open-data/v1/rounds/7/grants.csv"


def test_nothing_of_a_round_whose_decisions_are_not_sent(client, round_):
    simple(round_, approved=False, sent=False)
    simple(round_, sent=False)  # approved, the letter made but not sent
    organisation_numbers = [a.organisation.organisation_number for a in round_.applications.all()]

    assert client.get(grants_url(round_)).status_code == 404
    assert client.get(grants_url(round_, "csv")).status_code == 404
    assert client.get(ROUNDS_JSON).json()["rounds"] == []
    assert len(csv_rows(client.get(ROUNDS_CSV))) == 0
    everything = every_document(client, round_)
    for number in organisation_numbers:
        assert number not in everything
    assert f"/rounds/{round_.pk}/" not in everything


def test_a_round_not_published_answers_a_clear_404_in_the_readers_language(client, round_):
    response = client.get(grants_url(round_), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 404 and "none of its decision letters has been sent" in problem["detail"]
    # in the reader's language, so no shared cache keeps it; and not remembered per id asked for
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]
    assert client.get("/open-data/v1/rounds/999999999/grants.csv").status_code == 404


def test_the_grants_of_a_round_as_json(client, round_):
    organisation = OrganisationFactory(county=round_.office.counties.first(), name="Bø kommune")
    decided(round_, organisation=organisation,
            measures=[(FURTHER, 200_000, 150_000), (MeasureKind.LEADERSHIP, 50_000, 50_000)],
            projects=[(400_000, 300_000)])

    response = client.get(grants_url(round_))

    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    document = response.json()
    assert document["round"]["id"] == round_.pk and document["round"]["year"] == round_.year
    assert document["amount_awarded"] == 150_000 + 50_000 + 300_000
    assert [(g["organisation"], g["organisation_number"], g["part"], g["kind"], g["amount_awarded"])
            for g in document["grants"]] == [
        ("Bø kommune", organisation.organisation_number, "measure", "further_education", 150_000),
        ("Bø kommune", organisation.organisation_number, "measure", "leadership", 50_000),
        ("Bø kommune", organisation.organisation_number, "project", None, 300_000),
    ]
    # the office by its name in the round's year (this year: Statsforvalteren), in bokmål
    assert round_.year >= 2021
    assert {g["office"] for g in document["grants"]} == {round_.office.name.replace("Fylkesmannen", "Statsforvalteren")}


def test_the_grants_of_a_round_as_csv_with_the_same_figures(client, round_):
    decided(round_, measures=[(FURTHER, 200_000, 150_000)], projects=[(400_000, 300_000)])
    simple(round_, awarded=80_000)

    response = client.get(grants_url(round_, "csv"))

    assert response["Content-Type"].startswith("text/csv; charset=utf-8")
    assert response.content.startswith("\ufeff".encode())  # the byte order mark Excel needs
    assert "attachment" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert list(rows[0]) == ["office", "year", "organisation", "organisation_number", "part", "kind",
                             "amount_awarded", "decision_date"]
    assert sorted(int(row["amount_awarded"]) for row in rows) == [80_000, 150_000, 300_000]
    assert sum(int(row["amount_awarded"]) for row in rows) == client.get(grants_url(round_)).json()["amount_awarded"]


def test_the_csv_is_formula_safe(client, round_):
    organisation = OrganisationFactory(county=round_.office.counties.first(), name='=HYPERLINK("http://x","y")')
    simple(round_, organisation=organisation)

    [row] = csv_rows(client.get(grants_url(round_, "csv")))

    assert row["organisation"] == "'=HYPERLINK(\"http://x\",\"y\")"
    assert client.get(grants_url(round_)).json()["grants"][0]["organisation"] == organisation.name  # JSON as is


def test_the_list_of_rounds_links_to_their_grants(client, round_):
    simple(round_, awarded=120_000)
    simple(round_, sent=False)

    [listed] = client.get(ROUNDS_JSON).json()["rounds"]
    assert listed["id"] == round_.pk
    assert (listed["decisions_published"], listed["amount_awarded"], listed["all_decisions_sent"]) == (1, 120_000, False)
    assert client.get(listed["grants_json"]).status_code == 200
    assert client.get(listed["grants_csv"]).status_code == 200
    [row] = csv_rows(client.get(ROUNDS_CSV))
    assert (row["id"], row["amount_awarded"], row["all_decisions_sent"]) == (str(round_.pk), "120000", "false")


def test_no_person_and_no_internal_text_anywhere(client, round_):
    decision = simple(round_)
    AppealFactory(decision=decision, text="XQZ-APPEAL-MARKER", handling_notes="XQZ-HANDLING-MARKER")
    simple(round_, sent=False)
    decision.application.organisation.email = "xqz-organisation-marker@kommune.example"
    decision.application.organisation.save()

    everything = every_document(client, round_)

    assert decision.application.organisation.name in everything  # the documents were read
    for marker in [*MARKERS.values(), "XQZ-APPEAL-MARKER", "XQZ-HANDLING-MARKER", "xqz-organisation-marker"]:
        assert marker not in everything, marker
    for user in User.objects.all():
        assert user.full_name not in everything and user.email not in everything


def test_cache_headers_and_a_304_for_an_unchanged_document(client, round_):
    decision = simple(round_)

    for path in (grants_url(round_), grants_url(round_, "csv"), ROUNDS_JSON, ROUNDS_CSV):
        response = client.get(path)
        assert "public" in response["Cache-Control"] and "max-age=900" in response["Cache-Control"]
        assert response["Access-Control-Allow-Origin"] == "*"
        etag = response["ETag"]

        again = client.get(path, HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 304 and again.content == b""
        assert again["ETag"] == etag
        if path in (ROUNDS_JSON, ROUNDS_CSV):  # no single date tells when the list changed: only its ETag
            assert not response.has_header("Last-Modified")
        else:
            assert client.get(path, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"]).status_code == 304
        assert client.get(path, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200

    from django.utils.http import parse_http_date

    assert parse_http_date(client.get(grants_url(round_))["Last-Modified"]) == int(decision.sent_at.timestamp())


def test_a_document_changes_its_etag_when_another_decision_is_sent(client, round_, django_capture_on_commit_callbacks):
    simple(round_)
    waiting = simple(round_, awarded=40_000, sent=False)
    first = client.get(grants_url(round_))

    with django_capture_on_commit_callbacks(execute=True):
        DECISION.perform(letter_stored(waiting), "send", user=waiting.test_caseworker)

    second = client.get(grants_url(round_), HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200 and second["ETag"] != first["ETag"]
    assert len(second.json()["grants"]) == 2


def test_a_kept_document_is_served_without_a_query(client, round_, django_assert_num_queries):
    simple(round_)
    client.get(grants_url(round_))
    client.get(ROUNDS_JSON)

    with django_assert_num_queries(0):
        assert client.get(grants_url(round_)).status_code == 200
        assert client.get(ROUNDS_JSON).status_code == 200
        assert client.get(grants_url(round_), HTTP_IF_NONE_MATCH='"x"').status_code == 200
    with django_assert_num_queries(1):  # a round not published is not kept (one key per id would fill Redis)
        assert client.get("/open-data/v1/rounds/999999999/grants.json").status_code == 404


def _queries_building(client, round_, django_assert_max_num_queries, limit):
    cache.clear()
    with django_assert_max_num_queries(limit) as context:
        client.get(grants_url(round_))
        client.get(grants_url(round_, "csv"))
        client.get(ROUNDS_JSON)
    return len(context.captured_queries)


@pytest.mark.parametrize("decisions", [5, 41])
def test_the_queries_do_not_grow_with_the_grants(client, django_assert_max_num_queries, decisions):
    """A round of 5 and one of 41 sent decisions (Nordland's 41 municipalities of 2020 all applying): the
    same queries, built from nothing: two for a round's grants in each format, one for the list."""
    round_ = RoundFactory(with_criteria=True)
    for _ in range(decisions):
        decided(round_, measures=[(FURTHER, 100_000, 60_000)], projects=[(200_000, 100_000)])

    assert _queries_building(client, round_, django_assert_max_num_queries, 5) == 5
    assert len(client.get(grants_url(round_)).json()["grants"]) == 2 * decisions


def test_only_get_and_head(client, round_):
    simple(round_)
    assert client.head(grants_url(round_)).status_code == 200
    assert client.post(grants_url(round_)).status_code == 405
    assert client.post(ROUNDS_JSON).status_code == 405


def test_open_data_works_while_the_cache_is_down(client, round_, redis_down):
    simple(round_, awarded=70_000)

    response = client.get(grants_url(round_))

    assert response.status_code == 200 and response.json()["amount_awarded"] == 70_000


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_the_documentation_page_in_each_language(client, round_, language):
    simple(round_)
    client.cookies["tilskudd_language"] = language

    response = client.get("/open-data/")

    assert response.status_code == 200
    text = page_text(response)
    assert f'lang="{language}"' in text
    assert 'href="/open-data/v1/openapi.json"' in text
    assert grants_url(round_) in text and grants_url(round_, "csv") in text


def test_the_documentation_page_says_when_a_grant_is_published(client):
    response = in_english(client).get("/open-data/")
    text = page_text(response)
    assert "A decision is published when its letter has been sent" in text
    assert "No round has published decisions yet." in text
    assert json.loads(client.get("/open-data/v1/openapi.json").content)["info"]["version"] == "1"


def test_a_logged_in_reader_gets_the_same_public_document_and_no_cookie(client, round_):
    """A shared cache keeps one copy for everyone: the document varies on no cookie nor language, and
    no session cookie rides on it (a logged-in user's session is not even read on these paths)."""
    simple(round_)
    anonymous = client.get(ROUNDS_JSON)
    client.force_login(UserFactory())
    session = client.session
    session[LOGGED_IN_AT] = session[LAST_SEEN_AT] = int(time.time()) - 600  # its activity mark is due
    session.save()
    logged_in = client.get(ROUNDS_JSON, HTTP_ACCEPT_LANGUAGE="nn")
    assert logged_in.content == anonymous.content
    assert not logged_in.cookies and "public" in logged_in["Cache-Control"]
    assert "cookie" not in logged_in.get("Vary", "").lower() and "accept-language" not in logged_in.get("Vary", "").lower()
