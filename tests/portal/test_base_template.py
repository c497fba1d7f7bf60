"""The base template: skip link, landmarks, one h1, lang, and who the user acts for."""

import re

import pytest

pytestmark = pytest.mark.django_db

PAGES = ["/", "/rounds/", "/login/"]


@pytest.mark.parametrize("url", PAGES)
def test_every_page_has_skip_link_landmarks_one_h1_and_lang(client, demo, url):
    html = client.get(url).content.decode()
    assert re.search(r'<html lang="nb">', html)
    assert re.search(r'<a class="skip-link" href="#main">', html)
    assert '<main id="main"' in html
    assert "<header" in html and "<footer" in html and "<nav" in html
    assert len(re.findall(r"<h1[ >]", html)) == 1


def affiliation(response) -> str:
    return re.search(r'id="affiliation">(.*?)</p>', response.content.decode(), re.S).group(1)


def test_the_header_shows_the_users_organisation(editor_client, organisation):
    assert organisation.name in affiliation(editor_client.get("/"))


def test_the_header_shows_the_caseworkers_office_by_its_name_today(caseworker_client, office):
    assert office.name.startswith("Fylkesmannen i ")  # stored under its 2020 name
    assert office.name.replace("Fylkesmannen", "Statsforvalteren") in affiliation(caseworker_client.get("/me/"))


def test_no_page_loads_anything_from_another_host(client, demo):
    html = client.get("/").content.decode()
    for url in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert not url.startswith(("http://", "https://", "//")), url
