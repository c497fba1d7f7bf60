"""The browser and transport policy of every page (settings CONTENT_SECURITY_POLICY and around,
portal.csp): a Content-Security-Policy with no 'unsafe-inline', nobody framing a page, no Referer off
the site, browser features off, the admin at a configurable path. The browser journeys prove the
pages work under it (tests/browser: a violation fails them)."""

import importlib
import re

import pytest
from csp.middleware import CSPMiddleware
from django.http import HttpResponse
from django.template import RequestContext, Template
from django.urls import clear_url_caches, reverse

import config.urls
from portal.csp import PortalCSPMiddleware, framed_document_policy, origin, style_hash
from tests.people.factories import InvitationFactory


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in policy.split(";") if part.strip())}


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)([^>]*)>", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style([^>]*)>", re.IGNORECASE)
# an attribute of an element (a space or quote before it), not the words in a text
STYLE_OR_HANDLER_ATTRIBUTE = re.compile(r"<[a-z][^>]*\s(style|on[a-z]+)\s*=", re.IGNORECASE)


def inline_code_refused(response) -> list[str]:
    """What in the page's markup the policy would refuse: an inline <script> or <style> without the
    response's nonce, a style="" attribute, an on…="" handler."""
    html = response.content.decode()
    nonce = next((v[len("'nonce-"):-1] for v in directives(response).get("script-src", []) if v.startswith("'nonce-")), None)
    refused = []
    for kind, pattern in (("script", INLINE_SCRIPT), ("style", STYLE_ELEMENT)):
        for attributes in pattern.findall(html):
            if nonce is None or f'nonce="{nonce}"' not in attributes:
                refused.append(f"<{kind}{attributes}> without the nonce")
    refused += [f"a {name}= attribute" for name in STYLE_OR_HANDLER_ATTRIBUTE.findall(html)]
    return refused


def test_the_check_of_a_page_s_markup_finds_what_the_policy_refuses(rf):
    def page(html):
        return PortalCSPMiddleware(lambda request: HttpResponse(html))(rf.get("/"))

    assert inline_code_refused(page("<p>Alt i orden</p><script src='/static/x.js'></script>")) == []
    assert inline_code_refused(page("<p>style= in a text is no attribute</p>")) == []
    assert len(inline_code_refused(page("<script>alert(1)</script><style>p{}</style>"))) == 2
    assert inline_code_refused(page('<p style="color: red">')) == ["a style= attribute"]
    assert inline_code_refused(page('<button onclick="go()">')) == ["a onclick= attribute"]


# --- the headers ------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_page_has_the_strict_policy_and_the_security_headers(client):
    response = client.get(reverse("portal:home"))

    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"][0] == "'self'" and policy["style-src"][0] == "'self'"
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert policy["frame-ancestors"] == ["'none'"] and response["X-Frame-Options"] == "DENY"
    assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    permissions = response["Permissions-Policy"].split(", ")
    assert {"camera=()", "microphone=()", "geolocation=()", "payment=()"} <= set(permissions)


@pytest.mark.django_db
def test_the_invitation_link_with_its_token_is_never_sent_off_the_site_as_a_referrer(client, organisation):
    invitation = InvitationFactory(organisation=organisation)
    response = client.get(reverse("people:invitation", args=[invitation.token]))
    assert response.status_code == 200
    assert response["Referrer-Policy"] == "same-origin"  # no Referer at all to another origin
    assert inline_code_refused(response) == []


def test_an_inline_script_with_the_nonce_is_allowed_by_the_header_of_its_own_response(rf):
    template = Template('<script nonce="{{ request.csp_nonce }}">document.title = "x";</script>')
    middleware = CSPMiddleware(lambda request: HttpResponse(template.render(RequestContext(request))))

    first, second = middleware(rf.get("/")), middleware(rf.get("/"))

    nonce = re.search(r'nonce="([^"]+)"', first.content.decode()).group(1)
    assert f"'nonce-{nonce}'" in directives(first)["script-src"]
    assert f"'nonce-{nonce}'" in directives(first)["style-src"]
    assert f"'nonce-{nonce}'" not in second["Content-Security-Policy"]  # a new one for every response
    assert inline_code_refused(first) == []


def test_a_form_may_be_redirected_to_the_configured_identity_providers(rf, settings):
    settings.OIDC_PROVIDERS = {"idporten": {"DISCOVERY_URL": "https://idporten.example/.well-known/openid-configuration",
                                            "CLIENT_ID": "portal"}}
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {**settings.CONTENT_SECURITY_POLICY["DIRECTIVES"],
                                                       "form-action": ["'self'", "https://login.idporten.example"]}}
    response = PortalCSPMiddleware(lambda request: HttpResponse("<p>x</p>"))(rf.get("/"))

    assert directives(response)["form-action"] == [
        "'self'", "https://login.idporten.example", "https://idporten.example"]
    assert origin("https://idporten.example:8443/a/b?c") == "https://idporten.example:8443"
    assert origin("not a url") == ""


def test_a_printable_document_in_a_frame_allows_its_own_styles_and_nothing_else():
    html = "<html><head><style>\n  p { color: #1a1a1a; }\n</style></head><body><p>Vedtak</p></body></html>"

    policy = framed_document_policy(html)

    assert f"style-src {style_hash(chr(10) + '  p { color: #1a1a1a; }' + chr(10))};" in policy
    assert "default-src 'none'" in policy and "frame-ancestors 'self'" in policy and "form-action 'none'" in policy
    assert "style-src 'none'" in framed_document_policy("<p>no style</p>")


# --- the pages: no inline code the policy would refuse ------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("name", ["portal:home", "login", "password_reset"])
def test_public_pages_have_no_inline_code_the_policy_refuses(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert inline_code_refused(response) == []


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["portal:dashboard", "portal:notifications", "people:index"])
def test_a_municipality_s_pages_have_no_inline_code_the_policy_refuses(signatory_client, name):
    response = signatory_client.get(reverse(name), follow=True)  # people: to the organisation's people
    assert response.status_code == 200
    assert inline_code_refused(response) == []


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["admin:index", "admin:schemes_round_changelist", "admin:schemes_round_add",
                                  "admin:portal_organisation_changelist"])
def test_the_admin_pages_have_no_inline_code_the_policy_refuses(office_admin_client, name):
    response = office_admin_client.get(reverse(name))
    assert response.status_code == 200
    assert inline_code_refused(response) == []


# --- the admin's path ------------------------------------------------------------------------------

@pytest.fixture
def admin_at(settings):
    """`admin_at("path/")`: the site's URLs as they are with ADMIN_URL_PATH set to it."""

    def configure(path: str):
        settings.ADMIN_URL_PATH = path
        importlib.reload(config.urls)
        clear_url_caches()

    yield configure
    settings.ADMIN_URL_PATH = "admin/"
    importlib.reload(config.urls)
    clear_url_caches()


@pytest.mark.django_db
def test_the_admin_is_at_the_configured_path_and_not_at_admin(office_admin_client, admin_at):
    admin_at("forvaltning-7f3a/")

    assert reverse("admin:index") == "/forvaltning-7f3a/"
    assert office_admin_client.get("/forvaltning-7f3a/").status_code == 200
    assert office_admin_client.get("/admin/").status_code == 404
