"""The base template: skip link, landmarks, one h1, lang, and who the user acts for."""

import re

import pytest
from django.urls import reverse, set_script_prefix

from portal.context_processors import SITE_LINKS, site

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


def test_the_frame_links_where_the_url_names_point_under_any_url_prefix_and_offers_each_language(editor_client):
    """The header's and footer's links are reversed once per process and prefix (portal.context_processors.site):
    they are what `reverse` gives, also when the portal is served under a prefix."""
    html = editor_client.get("/").content.decode()
    hrefs = set(re.findall(r'(?:href|action)="([^"]+)"', html))
    shown = {"home", "rounds", "applications", "dashboard", "notifications", "logout", "set_language", "open_data"}
    assert {reverse(SITE_LINKS[key]) for key in shown} <= hrefs
    buttons = re.findall(r'<button type="submit" name="language" value="(\w+)" lang="\w+"[^>]*>([^<]+)</button>', html)
    assert buttons == [("nb", "Norsk (bokmål)"), ("nn", "Norsk (nynorsk)"), ("en", "English")]
    assert 'value="nb" lang="nb"\n              class="btn btn-sm btn-secondary"' in html  # the current one

    try:
        set_script_prefix("/tilskudd/")
        links = site(None)["site_links"]
    finally:
        set_script_prefix("/")
    assert links["dashboard"] == "/tilskudd" + reverse("portal:dashboard")
    assert site(None)["site_links"]["dashboard"] == reverse("portal:dashboard")
