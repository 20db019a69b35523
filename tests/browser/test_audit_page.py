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
    page.select_option("select[name=cycle]", str(cycle.pk))  # chosen by its name
    page.select_option("select[name=action]", "open")  # chosen by its words
    page.click("#filters button")
    rows = page.locator("#trail tbody tr")
    assert rows.count() == 3  # one "open" event per workshop appraisal
    texts = [rows.nth(i).inner_text() for i in range(3)]
    assert all("创建考核" in t and "2026-10 月度考核" in t for t in texts)  # words, not codes
    assert "UTC+8" in page.locator("#trail caption").inner_text()  # the zone is named
    name = cycle.appraisals.select_related("employee").first().employee.name
    page.fill("input[name=person]", name)  # a person by name
    page.click("#filters button")
    assert page.locator("#trail tbody tr").count() >= 1
    assert all(name in t for t in page.locator("#trail tbody tr").all_inner_texts())
    page.click("#order-oldest")
    assert "order=oldest" in page.url
    with page.expect_download() as dl:
        page.click("#exports >> text=Excel")
    assert dl.value.suggested_filename == "audit-trail.xlsx"
    page.click("#verify-now")  # a POST: the check is recorded on the trail
    assert "完整" in page.locator("#verified").inner_text()
    assert "完整" in page.locator("#verification dl").first.inner_text()  # last verified
    page.goto(base + "/audit/?since=2026-02-30")  # no such day: said at the field
    assert page.locator("[role=alert]").get_attribute("data-field") == "since"
    ctx.close()
    other, p2 = log_in(browser, base, "staff02")
    assert p2.goto(base + "/audit/").status == 403
    other.close()
