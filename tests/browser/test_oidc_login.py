"""The ID-porten login as a person meets it in a browser: the button, the provider's page (a real
provider process on loopback), and back to the page they asked for; an unknown person is told why.
axe on the portal's pages."""

import pytest

SIGNATORY = "Per Hansen"


@pytest.fixture
def provider_page(page):
    """The local provider's page loads a stylesheet from a CDN; the tests have no internet."""
    page.route("**/cdn.jsdelivr.net/**", lambda route: route.abort())
    return page


def log_in_at_provider(page, follow, subject: str):
    page.fill("input[name=sub]", subject)
    follow("form button[type=submit] >> text=Authorize")


@pytest.mark.django_db(transaction=True)
def test_a_signatory_logs_in_through_id_porten_and_lands_where_they_were_going(
        provider_page, demo_data, oidc, visit, follow, axe_check, log_out):
    page = provider_page
    visit("/login/?next=/me/notifications/")
    follow("#login-idporten")
    assert page.url.startswith(f"{oidc.issuer}/oauth2/authorize?")
    log_in_at_provider(page, follow, "demo-signatory")
    assert page.url.endswith("/me/notifications/")
    assert SIGNATORY in page.locator("#affiliation").inner_text()
    axe_check(page)

    log_out()
    visit("/login/")
    follow("#login-idporten")
    log_in_at_provider(page, follow, "somebody-not-invited")
    assert "/login/" in page.url
    assert "ID-porten" in page.locator(".messages").inner_text()
    assert page.locator("#affiliation").count() == 0
    axe_check(page)
