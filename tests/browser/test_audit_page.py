"""The auditor filters the trail in the browser and downloads it; an employee cannot."""

import pytest
from django.test import override_settings

from tests.browser.conftest import log_in
from tests.month import open_workshop

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@override_settings(DEBUG=True)
def test_auditor_reads_and_exports_the_trail(live_server, browser, litong_live, set_clock):
    """In chromium: the auditor filters the trail, downloads it, and is refused nothing they may
    read."""
    cycle = open_workshop(litong_live).cycle
    base = live_server.url
    ctx, page = log_in(browser, base, "auditor", accept_downloads=True)
    page.click("text=审计轨迹")
    page.fill("input[name=cycle]", str(cycle.pk))
    page.select_option("select[name=action]", "open")  # chosen by its words
    page.click("#filters button")
    rows = page.locator("#trail tbody tr")
    assert rows.count() == 3  # one "open" event per workshop appraisal
    assert all("创建考核" in rows.nth(i).inner_text() for i in range(3))  # the action in words
    assert "+0800" in rows.first.inner_text()  # the time says its zone
    with page.expect_download() as dl:
        page.click("#exports >> text=Excel")
    assert dl.value.suggested_filename == "audit-trail.xlsx"
    page.click("#verify-now")
    assert (
        "intact" in page.locator("#verified").inner_text()
        or "完整" in page.locator("#verified").inner_text()
    )
    page.goto(base + "/audit/?since=2026-02-30")  # no such day: said at the field
    assert page.locator("[role=alert]").get_attribute("data-field") == "since"
    ctx.close()
    other, p2 = log_in(browser, base, "staff02")
    assert p2.goto(base + "/audit/").status == 403
    other.close()
