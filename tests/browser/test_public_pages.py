"""An anonymous visitor finds the Nordland 2020 round, switches language and uses the keyboard;
a caseworker logs in and sees their office. Every page visited gets an axe scan."""

import re

from playwright.sync_api import expect

SCHEME_PATH = "/schemes/kompetanse-og-innovasjon/"
NORDLAND = "Fylkesmannen i Nordland"


def test_visitor_finds_the_nordland_2020_round_from_the_front_page(page, live_server, demo_data, axe_check, visit):
    visit("/")
    expect(page.locator("html")).to_have_attribute("lang", "nb")

    page.locator(f"main a[href='{SCHEME_PATH}']").first.click()
    expect(page).to_have_url(f"{live_server.url}{SCHEME_PATH}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kommunalt kompetanse- og innovasjonstilskudd")
    axe_check(page)

    page.locator("header nav a[href='/rounds/']").click()
    expect(page).to_have_url(f"{live_server.url}/rounds/")
    axe_check(page)

    year_2020 = page.locator("td:nth-child(2)", has_text=re.compile(r"^\s*2020\s*$"))
    page.locator("main table tbody tr").filter(has=year_2020).get_by_role("link", name=NORDLAND).click()
    expect(page).to_have_url(re.compile(rf"^{re.escape(live_server.url)}/rounds/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Kommunalt kompetanse- og innovasjonstilskudd 2020")
    main = page.locator("main")
    for text in ("20.02.2020 kl. 23:59", "01.03.2020 kl. 23:59", NORDLAND, "fmnopost@fylkesmannen.no"):
        expect(main).to_contain_text(text)
    expect(main.get_by_role("link", name="fmnopost@fylkesmannen.no")).to_have_attribute(
        "href", "mailto:fmnopost@fylkesmannen.no")
    axe_check(page)


def test_language_switcher_changes_the_page_language_and_keeps_the_page(page, live_server, demo_data, axe_check):
    page.goto(f"{live_server.url}/rounds/")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "nb")
    switcher = page.locator("header form button[name=language]")
    expect(switcher).to_have_count(3)
    expect(page.locator("header button[name=language][value=nb]")).to_have_attribute("aria-current", "true")

    page.locator("header button[name=language][value=en]").click()
    expect(html).to_have_attribute("lang", "en")
    expect(page).to_have_url(f"{live_server.url}/rounds/")
    expect(page.locator("a.skip-link")).to_have_text("Skip to main content")
    expect(page.locator("header button[name=language][value=en]")).to_have_attribute("aria-current", "true")
    axe_check(page)

    page.locator("header button[name=language][value=nn]").click()
    expect(html).to_have_attribute("lang", "nn")
    expect(page).to_have_url(f"{live_server.url}/rounds/")
    expect(page.locator("header button[name=language][value=nn]")).to_have_attribute("aria-current", "true")
    axe_check(page)


def test_first_tab_reaches_the_skip_link_which_moves_focus_to_main(page, live_server, demo_data, visit):
    visit("/")

    page.keyboard.press("Tab")
    skip_link = page.locator("a.skip-link")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_have_text("Hopp til hovedinnhold")
    expect(skip_link).to_be_in_viewport()

    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    expect(page).to_have_url(f"{live_server.url}/#main")


def test_caseworker_logs_in_and_sees_their_office_in_the_header(page, live_server, demo_data, axe_check, login,
                                                                visit):
    visit("/login/")

    login("sara.saksbehandler@fylkesmannen.example")
    expect(page).to_have_url(f"{live_server.url}/me/")
    expect(page.locator("#affiliation")).to_contain_text("Sara Olsen")
    expect(page.locator("#affiliation")).to_contain_text("Statsforvalteren i Nordland")  # its name today
    axe_check(page)
