"""The public pages: anyone can read the scheme, the open rounds, and a round like seed 001."""


import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from portal.formatting import deadline_text, kroner
from schemes.models import Round
from tests.helpers import visible_text
from tests.schemes.factories import RoundDocumentFactory, RoundFactory, oslo

pytestmark = pytest.mark.django_db


@pytest.fixture
def nordland_2020(demo):
    return Round.objects.get(office__name="Fylkesmannen i Nordland", year=2020)


def test_the_round_page_shows_what_seed_001_shows(client, nordland_2020):
    response = client.get(nordland_2020.get_absolute_url())
    assert response.status_code == 200
    text = visible_text(response)
    assert "Søknadsfrist 20.02.2020 kl. 23:59" in text
    assert "Rapporteringsfrist 01.03.2020 kl. 23:59" in text
    assert "Ansvarlig Fylkesmannen i Nordland" in text
    assert "fmnopost@fylkesmannen.no" in text
    assert "Ledere, ansatte og personer som kan rekrutteres" in text
    assert "Ansatte i andre kommunale og fylkeskommunale etater" in text
    assert "Kommuner, Fylkeskommuner, Statlige mottakere" in text
    assert "kun nettobudsjetterte virksomheter" in text
    assert "Regelverk for kommunalt kompetanse- og innovasjonstilskudd" in text
    assert "Kommunalt kompetanse- og innovasjonstilskudd 2020" in text


def test_the_round_page_in_nynorsk_and_english(client, nordland_2020):
    client.post(reverse("set_language"), {"language": "nn", "next": "/"})
    text = visible_text(client.get(nordland_2020.get_absolute_url()))
    assert "Søknadsfrist 20.02.2020 kl. 23:59" in text
    assert "Kven kan søkje" in text
    assert "Kommunalt kompetanse- og innovasjonstilskot 2020" in text
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(nordland_2020.get_absolute_url())
    text = visible_text(response)
    assert '<html lang="en">' in response.content.decode()
    assert "Application deadline 20.02.2020 at 23:59" in text
    assert "Municipal competence and innovation grant 2020" in text


def test_the_scheme_page_shows_goals_target_groups_applicants_and_priority_area(client, demo):
    response = client.get(reverse("schemes:scheme_detail", kwargs={"slug": "kompetanse-og-innovasjon"}))
    text = visible_text(response)
    assert "Kommunalt kompetanse- og innovasjonstilskudd" in text
    assert "bærekraftige og gode helse- og omsorgstjenester" in text
    for goal in ("Økt kompetanse", "Sterkere brukerinnflytelse", "Forebygge og utsette", "Styrket lederkompetanse"):
        assert goal in text
    assert "Ansatte i andre kommunale og fylkeskommunale etater, når tiltaket gjelder rus og psykisk helse" in text
    assert "Kommuner" in text and "Statlige mottakere" in text
    assert "Rus og psykisk helse er et prioritert område" in text


def test_the_open_rounds_are_listed_by_office_and_closed_ones_apart(client, demo):
    RoundFactory(office__name="Fylkesmannen i Testland", published=True)
    RoundFactory(office__name="Fylkesmannen i Skjulested", published=False)
    text = visible_text(client.get(reverse("schemes:round_list")))
    open_part, closed_part = text.split("Tidligere tildelingsrunder", 1)
    # this year's rounds are Statsforvalteren's; the 2020 round was Fylkesmannen's
    assert "Statsforvalteren i Nordland" in open_part and "Statsforvalteren i Testland" in open_part
    assert "Fylkesmannen" not in open_part
    assert "Skjulested" not in text
    assert "20.02.2020 kl. 23:59" in closed_part and "Fylkesmannen i Nordland" in closed_part


def test_an_unpublished_round_is_not_found(client, db):
    hidden = RoundFactory(published=False)
    assert client.get(hidden.get_absolute_url()).status_code == 404


def test_an_unknown_scheme_is_not_found(client, db):
    assert client.get(reverse("schemes:scheme_detail", kwargs={"slug": "finnes-ikke"})).status_code == 404


def test_the_front_page_needs_no_login_and_links_the_open_round(client, demo):
    response = client.get("/")
    assert response.status_code == 200
    open_round = Round.objects.get(office__name="Fylkesmannen i Nordland", year__gt=2020)
    assert open_round.get_absolute_url() in response.content.decode()


def test_the_deadline_filter_uses_oslo_time_in_summer_and_winter():
    with translation.override("nb"):
        assert deadline_text(oslo(2020, 2, 20, 23, 59)) == "20.02.2020 kl. 23:59"
        assert deadline_text(oslo(2020, 7, 1, 23, 59)) == "01.07.2020 kl. 23:59"


def test_kroner_are_grouped_in_norwegian_and_english():
    with translation.override("nb"):
        assert kroner(12_500_000) == "12\xa0500\xa0000 kr"
    with translation.override("en"):
        assert kroner(12_500_000) == "NOK 12,500,000"


def test_a_round_document_is_downloaded_never_shown_in_the_portals_origin(client, db):
    document = RoundDocumentFactory(stored=True)
    response = client.get(document.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def test_an_office_admin_cannot_put_a_web_page_on_a_round(db):
    document = RoundDocumentFactory.build(round=RoundFactory(), url="", file=SimpleUploadedFile(
        "guide.html", b"<script>alert(1)</script>", "text/html"))
    with pytest.raises(ValidationError):
        document.full_clean()


def test_the_office_is_named_as_in_the_rounds_year_on_its_page(client, nordland_2020):
    this_year = Round.objects.exclude(year=2020).get(office__slug="fylkesmannen-i-nordland")
    assert this_year.year >= 2026  # the demo's open round is this year's
    old = visible_text(client.get(nordland_2020.get_absolute_url()))
    assert "Ansvarlig Fylkesmannen i Nordland" in old and "Statsforvalteren" not in old
    new = visible_text(client.get(this_year.get_absolute_url()))
    assert "Ansvarlig Statsforvalteren i Nordland" in new and "Fylkesmannen i Nordland" not in new
    client.post(reverse("set_language"), {"language": "nn", "next": "/"})
    assert "Statsforvaltaren i Nordland" in visible_text(client.get(this_year.get_absolute_url()))
