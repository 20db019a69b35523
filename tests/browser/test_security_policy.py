"""The Content-Security-Policy in a real browser: the API's docs page (Swagger UI from
the app's own files) and the language switch work with it, and the console shows no
refusal; a deliberately inline script is refused, which shows the check can fail."""

import pytest

from tests.browser.journeys import Visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pages_work_under_the_policy(live_server, browser, litong_live):
    """Swagger UI renders the schema; the language select switches to English by its
    script file; an injected inline script is refused and reported."""
    hr = Visit(browser, live_server.url, "hr", "en", 1280)
    page = hr.page
    hr.go("/api/v1/docs/")
    page.wait_for_selector(".swagger-ui .info", timeout=15000)
    assert "jixiao" in page.locator(".swagger-ui .info").inner_text().lower()
    hr.go("/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert hr.close() == []
    probe = Visit(browser, live_server.url, "hr", "zh", 1280)
    probe.go("/")
    probe.page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.x = 1';"
        " document.body.appendChild(s); }"
    )
    probe.page.wait_for_timeout(300)
    assert any("CSP" in w for w in probe.close())
