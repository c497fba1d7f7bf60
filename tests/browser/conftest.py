"""Browser journeys: Playwright driving Debian's chromium against pytest-django's `live_server`.

Every test under tests/browser is marked `browser`. Without /usr/bin/chromium the tests are skipped
outside CI; with CI=true a missing chromium fails the run instead.

Pages open as a Norwegian visitor (locale nb-NO, Europe/Oslo), see `browser_context_args`.

Fixtures for the journeys:
- `demo_data`: the reference data and the demo scheme, rounds and users in the live server's database.
- `demo_round`: this year's open demo round of Fylkesmannen i Nordland (with `demo_data`).
- `axe_check(page)`: an axe scan of the current page; fails on any serious or critical violation.
- `login(email, password=DEMO_PASSWORD)`: logs the page in through /login/ and returns it.
- `visit(url)`: opens a page (a path on the live server, or a whole URL) and runs `axe_check` on it.
- `follow(selector)`: clicks what `selector` finds and waits for the page it leads to.
- `log_out()`: logs the page out through the header's button.

The Content-Security-Policy is on in every journey: any violation on any page or frame the test
opened (chromium's console message or the page's `securitypolicyviolation` event) fails the test at
its end, and at once in `axe_check`.
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the main thread; Django then refuses ORM calls from
# the test (seeding, assertions on the database) unless this is set.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
BROWSER_DIR = Path(__file__).resolve().parent
BLOCKING_IMPACTS = ("serious", "critical")


def _ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def pytest_collection_modifyitems(config, items):
    # This hook sees every collected item of the session, not just this directory's.
    browser_mark = pytest.mark.browser
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is missing (install Debian's chromium package; with CI=true this fails)")
    for item in items:
        if BROWSER_DIR not in Path(item.path).resolve().parents:
            continue
        item.add_marker(browser_mark)
        if not CHROMIUM.exists() and not _ci():
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args():
    if not CHROMIUM.exists():
        pytest.fail(f"CI=true but {CHROMIUM} is missing: the browser journeys cannot run.", pytrace=False)
    return {
        "executable_path": str(CHROMIUM),
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # LocaleMiddleware honours Accept-Language, and headless chromium sends en-US: browse as a
    # Norwegian visitor (bokmål, Oslo time), which is what the portal defaults to anyway.
    return {**browser_context_args, "locale": "nb-NO", "timezone_id": "Europe/Oslo"}


@pytest.fixture
def demo_data(transactional_db, live_server):
    """Reference data plus the demo scheme, rounds and users, committed so the live server sees them."""
    from demo.seed import demo_seed

    return demo_seed()


@pytest.fixture
def demo_round(demo_data):
    """This year's open demo round of Fylkesmannen i Nordland (its 2020 round is long closed)."""
    from schemes.models import Round

    return Round.objects.exclude(year=2020).get(office__slug="fylkesmannen-i-nordland")


def _format_violations(url: str, violations: list[dict]) -> str:
    lines = [f"axe found {len(violations)} serious/critical violation(s) on {url}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation.get('helpUrl', '')}")
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"    target: {target}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"      {summary}")
    return "\n".join(lines)


# Reports every violation of the page's policy, in every frame, to the test (`window.__cspViolation`),
# but those of axe itself while it scans (it copies stylesheets into <style> elements it makes).
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  if (window.__cspAxeScanning) return;
  window.__cspViolation(`${event.effectiveDirective} blocked ${event.blockedURI || "inline"} `
                        + `at ${event.sourceFile || event.documentURI}:${event.lineNumber}`);
});
"""


def _csp_failure(found: list[str]) -> str:
    return "Content-Security-Policy violation(s):\n" + "\n".join(found)


@pytest.fixture(autouse=True)
def csp_violations(request):
    """Every Content-Security-Policy violation in the test's page, in any frame, as text. Checked when
    the test ends (and by `axe_check`): a journey with a violation fails."""
    if "page" not in request.fixturenames:
        yield []
        return
    page = request.getfixturevalue("page")
    found: list[str] = []
    page.expose_function("__cspViolation", lambda text: found.append(f"{page.url}: {text}"))
    page.add_init_script(CSP_LISTENER)
    yield found
    if found:
        pytest.fail(_csp_failure(found), pytrace=False)


@pytest.fixture(scope="session")
def _axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.fixture
def axe_check(_axe, csp_violations):
    """`axe_check(page)` scans the page as it is now and fails listing every serious/critical violation
    (and every Content-Security-Policy violation so far)."""

    def check(page, context=None):
        if csp_violations:
            pytest.fail(_csp_failure(csp_violations), pytrace=False)
        page.evaluate("window.__cspAxeScanning = true")
        results = _axe.run(page, context=context)
        # after the violations axe caused are dispatched (each is a task queued when it happened)
        page.evaluate("() => new Promise((done) => setTimeout(() => { window.__cspAxeScanning = false; done(); }))")
        blocking = [v for v in results.response["violations"] if v.get("impact") in BLOCKING_IMPACTS]
        if blocking:
            pytest.fail(_format_violations(page.url, blocking), pytrace=False)
        return results

    return check


@pytest.fixture
def login(page, live_server):
    """`login(email, password=DEMO_PASSWORD)` logs `page` in through the real login form."""
    from demo.seed import DEMO_PASSWORD

    def do_login(email: str, password: str = DEMO_PASSWORD, next_url: str = ""):
        url = f"{live_server.url}/login/" + (f"?next={next_url}" if next_url else "")
        page.goto(url)
        page.fill("input[name=username]", email)
        page.fill("input[name=password]", password)
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()
        assert "/login/" not in page.url, f"login as {email} failed: still on {page.url}"
        return page

    return do_login


@pytest.fixture
def visit(page, live_server, axe_check):
    """`visit(url)` opens `url` (a path on the live server, or a whole URL) and scans it with axe."""

    def go(url: str):
        page.goto(url if url.startswith("http") else f"{live_server.url}{url}")
        axe_check(page)
        return page

    return go


@pytest.fixture
def follow(page):
    """`follow(selector)` clicks the one element `selector` finds and waits for the next page."""

    def click(selector: str):
        with page.expect_navigation():
            page.locator(selector).click()
        return page

    return click


@pytest.fixture
def log_out(page, live_server, follow):
    """`log_out()` logs the page out with the button in the header."""

    def do_log_out():
        page.goto(f"{live_server.url}/")
        follow("header form[action*='logout'] button")

    return do_log_out
