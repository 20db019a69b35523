"""After the result in chromium: the GM's approval publishes; the employee opens the
after-the-result page from the result, signs with the password; the supervisor
schedules and records the feedback interview from the inbox; the employee confirms the
record; HR sees it filed as held on time; at 390 px the page still reads. Screenshots
in zh-Hans at 1280 and 390 px go to $JIXIAO_SHOTS when set."""

import os

import pytest
from django.test import override_settings

from engine.demo.people import password
from engine.followup.models import FollowUp
from tests.browser.conftest import log_in
from tests.month import STAFF_VALUES, at, open_workshop, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name: str) -> None:
    where = os.environ.get("JIXIAO_SHOTS")
    if where:
        page.screenshot(path=os.path.join(where, f"{name}.png"), full_page=True)


@override_settings(DEBUG=True)
def test_publish_acknowledge_interview_confirm_filed(live_server, browser, litong_live, set_clock):
    """publish → employee acknowledges with the password → supervisor schedules and
    records → employee confirms → HR sees it filed."""
    w = open_workshop(litong_live)
    a = w.a["staff02"]
    set_clock(at(2026, 11, 1))
    submit(a, "self", w.u["staff02"])
    set_clock(at(2026, 11, 4))
    submit(a, "supervisor", w.u["workshop_head"], {"values": STAFF_VALUES})
    set_clock(at(2026, 11, 6))
    submit(a, "hr", w.u["hr"])
    set_clock(at(2026, 11, 10))
    submit(a, "gm", w.u["gm"])
    set_clock(at(2026, 11, 11, 10))
    base = live_server.url

    ctx, page = log_in(browser, base, "staff02", viewport={"width": 1280, "height": 900})
    page.goto(f"{base}/appraisals/{a.pk}/")
    page.click("#after-link a")
    page.wait_for_selector("#sign-form")
    assert "结果之后" in page.locator("h1").inner_text()
    page.check("input[name=decision][value=acknowledged]")
    page.fill("#id_password", "not-my-password")
    page.click("#sign-button")
    assert page.locator("[data-field=password]").first.is_visible()
    page.check("input[name=decision][value=acknowledged]")
    page.fill("#id_password", password())
    page.click("#sign-button")
    page.wait_for_selector("#done-message")
    assert page.locator("#ack-history tr[data-status=signed]").count() == 1
    shot(page, "after-employee-1280")
    ctx.close()

    ctx, page = log_in(browser, base, "workshop_head", viewport={"width": 1280, "height": 900})
    page.goto(f"{base}/inbox/")
    page.click(f"#after-inbox a[href='/appraisals/{a.pk}/after/']")
    page.wait_for_selector("#schedule-form")
    page.fill("#id_when", "2026-11-11T09:30")  # held this morning: recorded now
    page.fill("#id_place", "车间办公室")
    page.click("#schedule-form button")
    page.wait_for_selector("#done-message")
    page.fill("#id_strengths", "准时交付，主动分担")
    page.fill("#id_gaps", "质量记录不全")
    page.fill("#id_actions", "每周五前补齐记录")
    shot(page, "after-supervisor-1280")
    page.click("#record-form button")
    page.wait_for_selector("#interview-strengths")
    ctx.close()

    ctx, page = log_in(browser, base, "staff02", viewport={"width": 390, "height": 844})
    page.goto(f"{base}/appraisals/{a.pk}/after/")
    page.check("input[name=response][value=confirmed]")
    page.click("#respond-form button")
    page.wait_for_selector("#done-message")
    assert "已确认" in page.locator("#interview-response").inner_text()
    # nothing wider than the screen at 390 px
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "after-employee-390")
    ctx.close()

    f = FollowUp.objects.get(appraisal=a, kind="interview")
    assert (f.state, f.response, f.late) == ("done", "confirmed", False)

    ctx, page = log_in(browser, base, "hr", viewport={"width": 1280, "height": 900})
    page.goto(f"{base}/hr/cycles/?company=litong")
    page.click("#nav-followup")
    row = page.locator(f"#followup-people tr[data-appraisal='{a.pk}']")
    assert row.get_attribute("data-interview") == "held"
    assert row.get_attribute("data-ack") == "signed"
    assert "按时面谈" in row.inner_text()
    shot(page, "after-hr-board-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    shot(page, "after-hr-board-390")
    ctx.close()
