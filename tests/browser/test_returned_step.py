"""In chromium: a self-review returned by the supervisor reopens with the summary the
employee wrote and the comment saying what to fix; the researcher's page lists the
items they are measured on; an overdue step says so before anything is submitted."""

import pytest
from django.test import override_settings

from engine.appraisals.models import Appraisal
from tests.browser.conftest import log_in
from tests.month import at, open_department, open_workshop

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_task(page, base, name):
    page.goto(base + "/inbox/")
    page.locator("#inbox tr", has_text=name).locator("a").click()
    page.wait_for_selector("#steps")


@override_settings(DEBUG=True)
def test_a_returned_step_keeps_its_summary(live_server, browser, litong_live, set_clock):
    """The summary typed before the return is in the field when the step reopens, with
    the return comment; the return form refuses an empty comment at its field."""
    cycle = open_workshop(litong_live).cycle
    a = Appraisal.objects.get(cycle=cycle, employee__user__username="staff02")
    name, base = a.employee.name, live_server.url
    summary = "本月完成三台设备的检修，共 40 工时"
    set_clock(at(2026, 11, 1, 10))

    ctx, page = log_in(browser, base, "staff02")
    open_task(page, base, name)
    assert page.locator("#measured-table tbody tr").count() == 4
    page.fill("#f-comment", summary)
    page.click("#submit")
    page.click("#submit-confirm button")  # asked once, with what is handed in
    page.wait_for_selector("[role=status]")
    ctx.close()

    ctx, page = log_in(browser, base, "workshop_head")
    open_task(page, base, name)
    page.click("#return-form button[type=submit]")  # no comment: refused at the field
    assert page.locator("#comment-error").is_visible()
    assert page.locator("#return-form [role=alert]").get_attribute("data-field") == "comment"
    page.fill("#comment", "请写明每台设备的工时")
    page.click("#return-form button[type=submit]")
    assert "（自评）" in page.inner_text("#confirm-return-to")  # asked once, says to whom
    page.click("#return-confirm button")
    page.wait_for_selector("[role=status]")
    ctx.close()

    set_clock(at(2026, 11, 4, 10))  # past the 2nd: a returned step is not late again
    ctx, page = log_in(browser, base, "staff02")
    open_task(page, base, name)
    assert page.input_value("#f-comment") == summary
    assert "请写明每台设备的工时" in page.inner_text("#returned")
    assert "现在提交不会扣分" in page.inner_text(".step-card")
    page.fill("#f-comment", summary + "；一号机 12 工时")
    page.click("#submit")
    page.click("#submit-confirm button")  # asked once, with what is handed in
    page.wait_for_selector("[role=status]")
    ctx.close()


@override_settings(DEBUG=True)
def test_the_researchers_overdue_self_review_in_the_browser(
    live_server, browser, litong_live, set_clock
):
    """390 px wide: the researcher reads all 16 items and the overdue warning with its
    penalty; nothing scrolls sideways."""
    w = open_department(litong_live, "rnd")
    a, base = w.a["research02"], live_server.url
    set_clock(at(2026, 11, 4, 10))
    ctx, page = log_in(browser, base, "research02", viewport={"width": 390, "height": 800})
    page.goto(f"{base}/appraisals/{a.pk}/")
    # 16 items under their 3 sections' heading rows (each section's share of the total)
    assert page.locator("#measured-table tbody tr[data-indicator]").count() == 16
    assert page.locator("#measured-table tbody tr.section-head").count() == 3
    notice = page.inner_text("#overdue")
    assert "已逾期" in notice and "10%" in notice
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.goto(f"{base}/inbox/")
    assert "已逾期" in page.inner_text("#inbox .overdue-flag")
    ctx.close()
