"""People walk one appraisal through its chain in the browser: the employee's
self-review, the supervisor's scores (with a refused bad value first), HR, the GM,
and the employee reading the published breakdown."""

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from engine.appraisals.models import Appraisal
from tests.browser.conftest import log_in
from tests.month import at, open_workshop

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_task(page, base, name):
    page.goto(base + "/inbox/")
    page.locator("#inbox tr", has_text=name).locator("a").click()
    page.wait_for_selector("#steps")


@override_settings(DEBUG=True)
def test_a_month_in_the_browser(live_server, browser, litong_live, set_clock):
    """In chromium: the employee, supervisor, HR and GM take one appraisal through its chain to a
    published result."""
    cycle = open_workshop(litong_live).cycle
    a = Appraisal.objects.get(cycle=cycle, employee__user__username="staff02")
    name = a.employee.name
    set_clock(at(2026, 11, 1, 10))
    base = live_server.url

    def as_user(username):
        return log_in(browser, base, username)

    ctx, page = as_user("staff02")
    open_task(page, base, name)
    page.click("#submit")  # an empty self-review is refused at its field
    assert page.locator("#step-form [role=alert]").first.get_attribute("data-field") == "comment"
    assert page.evaluate("document.activeElement.id") == "error-summary"  # said on top
    page.fill("#f-comment", "本月按计划完成了装配任务")
    page.click("#submit")
    assert "本月按计划完成了装配任务" in page.inner_text("#submit-summary")  # asked once
    page.click("#submit-confirm button")
    page.wait_for_selector("[role=status]")
    assert "本月按计划完成了装配任务" in page.inner_text("#my-submissions")
    ctx.close()

    ctx, page = as_user("workshop_head")
    open_task(page, base, name)
    page.fill("#f-values\\.efficiency", "30")  # above the weight of 25
    for code, v in [("operation", "21"), ("attitude", "22"), ("knowledge", "19")]:
        page.fill(f"#f-values\\.{code}", v)
    page.click("#submit")
    alert = page.locator("#step-form [role=alert]")
    assert alert.get_attribute("data-field") == "values.efficiency"
    # the typed values were kept; correct the one refused and watch the preview follow
    assert page.input_value("#f-values\\.operation") == "21"
    page.fill("#f-values\\.efficiency", "20")
    expect(page.locator("#preview-total")).to_have_text("82.00")
    assert page.locator("#preview-grade").inner_text() == "良好"
    page.click("#submit")
    assert page.inner_text("#confirm-total") == "82.00"  # the total it gives, before it goes
    page.click("#submit-confirm button")
    page.wait_for_selector("[role=status]")
    ctx.close()

    for username in ("hr", "gm"):
        ctx, page = as_user(username)
        open_task(page, base, name)
        page.click("#submit")
        # every hand-in is confirmed once; the final approval with what it publishes
        page.click("#publish-confirm button" if username == "gm" else "#submit-confirm button")
        page.wait_for_selector("[role=status]")
        ctx.close()

    ctx, page = as_user("staff02")
    page.goto(f"{base}/appraisals/{a.pk}/")
    # 20 + 21 + 22 + 19 = 82 → b
    assert page.locator("#total").inner_text() == "82.00"
    assert page.locator("#grade").inner_text() == "良好"
    result = page.locator("#result").inner_text()
    assert "绩效系数" in result and "1.20" in result and "工作效率" in result
    page.goto(f"{base}/notifications/")
    assert "82.00" in page.locator("#notifications").inner_text()
    ctx.close()
