"""The journeys run with the portal's Content-Security-Policy on, and a violation fails them
(tests/browser/conftest.py): here, that the check sees one, and that the letter preview, framed by
the decision page, is shown under its own policy with none (test_side_by_side shows it too)."""

import pytest


@pytest.mark.django_db(transaction=True)
def test_an_inline_style_is_refused_by_the_browser_and_the_journey_would_fail(page, live_server, csp_violations):
    page.goto(f"{live_server.url}/")
    page.evaluate("""document.body.insertAdjacentHTML("beforeend", '<p id="styled" style="color: red">x</p>')""")
    page.wait_for_timeout(100)  # the violation's event is a task of its own
    assert any("style-src-attr" in violation for violation in csp_violations), csp_violations
    assert page.evaluate("getComputedStyle(document.getElementById('styled')).color") != "rgb(255, 0, 0)"
    csp_violations.clear()  # seen: this test is about the check, not a page of the portal
