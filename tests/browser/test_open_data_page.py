"""A visitor finds the open data from the footer: the documentation page (scanned with axe in bokmål,
English and nynorsk) lists the Nordland 2020 round once a decision letter of it is sent, and its links give
the grants as JSON and CSV and the OpenAPI description."""

from playwright.sync_api import expect

NORDLAND = "Fylkesmannen i Nordland"


def test_visitor_finds_the_published_grants_from_the_footer(page, live_server, demo_data, visit, follow, axe_check):
    from applications.models import MeasureKind
    from portal.models import Organisation
    from schemes.models import Round
    from tests.opendata.factories import decided

    round_2020 = Round.objects.get(office__slug="fylkesmannen-i-nordland", year=2020)
    bodo = Organisation.objects.get(name__startswith="Bodø")
    decided(round_2020, organisation=bodo, measures=[(MeasureKind.FURTHER_EDUCATION, 300_000, 250_000)])

    visit("/")
    follow("footer a[href='/open-data/']")
    axe_check(page)
    page.locator("header button[name=language][value=en]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Open data")
    axe_check(page)

    row = page.locator("#rounds ~ table tbody tr").filter(has_text=NORDLAND)
    expect(row).to_contain_text("2020")
    grants_json = row.get_by_role("link", name="JSON").get_attribute("href")
    grants_csv = row.get_by_role("link", name="CSV").get_attribute("href")

    document = page.request.get(f"{live_server.url}{grants_json}").json()
    assert [(g["organisation"], g["amount_awarded"]) for g in document["grants"]] == [(bodo.name, 250_000)]
    csv = page.request.get(f"{live_server.url}{grants_csv}")
    assert csv.ok and bodo.organisation_number in csv.text()
    description = page.locator("main a[href='/open-data/v1/openapi.json']").get_attribute("href")
    openapi = page.request.get(f"{live_server.url}{description}")
    assert openapi.json()["openapi"].startswith("3.1")

    page.locator("header button[name=language][value=nn]").click()
    expect(page.locator("html")).to_have_attribute("lang", "nn")
    axe_check(page)
