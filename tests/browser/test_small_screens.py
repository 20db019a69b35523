"""Every page people use, at 390 px wide in Chinese and in English: nothing scrolls
sideways and the header keeps the log-out button on screen."""

import pytest
from django.test import override_settings

from engine.demo.packs import demo_cycle
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = {
    "staff02": ["/", "/inbox/", "/mine/", "/notifications/", "TASK"],
    "workshop_head": ["/inbox/", "/team/", "TASK"],
    "hr": ["/hr/cycles/", "/hr/packs/", "/hr/positions/", "/audit/"],
    "gm": ["/inbox/", "/team/"],
    "auditor": ["/audit/"],
}


@override_settings(DEBUG=True)
@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_nothing_scrolls_sideways_at_390_px(live_server, browser, litong_live, locale):
    """At 390 × 844 each page fits its width and the log-out button is visible."""
    demo_cycle(finished_months=1)  # a finished month (published, appealed, final) and the open one
    base, wide = live_server.url, []
    for username, paths in PAGES.items():
        ctx, page = log_in(browser, base, username, viewport={"width": 390, "height": 844})
        if locale.startswith("en"):
            with page.expect_navigation():
                page.select_option("header select[name=language]", "en")
        for path in paths:
            if path == "TASK":
                page.goto(base + "/inbox/")
                link = page.locator("#inbox a").first
                if not link.count():
                    continue
                link.click()
            else:
                page.goto(base + path)
            page.wait_for_load_state()
            too_wide = page.evaluate(
                "document.documentElement.scrollWidth > document.documentElement.clientWidth"
            )
            logout = page.locator("header button[type=submit]").last.bounding_box()
            if too_wide or logout is None or logout["x"] + logout["width"] > 390:
                wide.append(f"{username} {path} {page.url}")
        ctx.close()
    assert wide == []
