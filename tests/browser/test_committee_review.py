"""The committee review in chromium (述职报告评议, seed 004 篇6): the manager writes a
draft and submits the self-report; HR forms the committee of three on the page; each
member opens the task from the inbox, reads the report and scores; the chair's close
before the quorum is refused in words, then the chair closes and the page explains the
combined score. At 390 px nothing scrolls sideways. Screenshots in zh-Hans at 1280 and
390 px go to $JIXIAO_SHOTS when set."""

import os

import pytest
from django.test import override_settings

from engine.committee.models import Committee
from engine.demo.people import password
from tests.browser.conftest import log_in
from tests.browser.test_accessibility import AXE, DISABLED, RUN
from tests.committee.conftest import CHAIR, MEMBERS, open_half
from tests.month import at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDE = {"viewport": {"width": 1280, "height": 900}}
NARROW = {"viewport": {"width": 390, "height": 844}}


def shot(page, name: str) -> None:
    where = os.environ.get("JIXIAO_SHOTS")
    if where:
        page.screenshot(path=os.path.join(where, f"{name}.png"), full_page=True)


def violations(page) -> list:
    """axe-core's violations on the page, and disabled buttons that do not say why."""
    page.evaluate(AXE)
    return page.evaluate(RUN) + page.evaluate(DISABLED)


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@override_settings(DEBUG=True)
def test_members_score_and_the_chair_closes(live_server, browser, litong_live, set_clock):
    """report → committee formed → three scores on the page → chair closes: 78, 92.5
    and 85 give 85.00 (highest and lowest dropped)."""
    h = open_half(litong_live, set_clock, password=password())
    base = live_server.url
    url = f"{base}/appraisals/{h.a.pk}/committee/"

    ctx, page = log_in(browser, base, "mgr01", **WIDE)
    page.goto(f"{base}/appraisals/{h.a.pk}/")
    page.click("#committee-link a")
    page.fill("#id_text", "下半年：完成车间改造，产量提升百分之十二。")
    page.click("#report-draft")
    page.wait_for_selector("#done-message")
    assert "产量提升" in page.input_value("#id_text")
    shot(page, "committee-report-1280")
    assert violations(page) == []
    page.set_viewport_size({"width": 390, "height": 844})
    assert no_sideways_scroll(page)
    shot(page, "committee-report-390")
    page.click("#report-submit")
    page.wait_for_selector("#report-text")
    ctx.close()

    ctx, page = log_in(browser, base, "hr", **WIDE)
    page.goto(url)
    for name in MEMBERS:
        page.check(f"input[name=members][value='{h.u[name].pk}']")
    page.select_option("#id_chair", str(h.u[CHAIR].pk))
    shot(page, "committee-hr-form-1280")
    assert violations(page) == []
    page.set_viewport_size({"width": 390, "height": 844})
    assert no_sideways_scroll(page)
    shot(page, "committee-hr-form-390")
    page.click("#form-button")
    page.wait_for_selector("#members")
    assert page.locator("#members tbody tr").count() == 3
    ctx.close()

    set_clock(at(2026, 12, 29, 10))
    for i, (name, score) in enumerate(zip(MEMBERS, ("78", "92.5", "85"), strict=True)):
        ctx, page = log_in(browser, base, name, **(NARROW if i == 1 else WIDE))
        page.goto(f"{base}/inbox/")
        page.click(f"#committee-inbox a[href='/appraisals/{h.a.pk}/committee/']")
        page.wait_for_selector("#score-form")
        assert "产量提升" in page.locator("#report-text").inner_text()
        if i == 1:
            # the browser's own check stops 101 first; the server's answer is tested too
            page.evaluate("document.querySelector('#score-form').noValidate = true")
            page.fill("#id_score", "101")
            page.click("#score-button")
            assert page.locator("[data-field=score]").first.is_visible()
            assert no_sideways_scroll(page)
            shot(page, "committee-member-390")
            assert violations(page) == []
        else:
            shot(page, f"committee-member-{i}-1280")
        page.fill("#id_score", score)
        page.click("#score-button")
        page.wait_for_selector("#done-message")
        if name == CHAIR:
            page.click("#close-button")  # one of three has scored
            err = page.locator("#committee-error")
            assert err.is_visible() and "至少需要 3 位成员评分" in err.inner_text()
        ctx.close()

    ctx, page = log_in(browser, base, CHAIR, **WIDE)
    page.goto(url)
    page.click("#close-button")
    page.wait_for_selector("#combination")
    text = page.locator("#combination").inner_text()
    # trimming leaves one score: said in words, no "85.00 ÷ 1 = 85.00"
    assert "92.50" in text and "保留中间的评分：85.00" in text and "÷ 1" not in text
    assert Committee.objects.get(appraisal=h.a).combined == 85
    shot(page, "committee-closed-1280")
    assert violations(page) == []
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(url)
    assert no_sideways_scroll(page)
    shot(page, "committee-closed-390")
    ctx.close()

    ctx, page = log_in(browser, base, "mgr01", **NARROW)
    page.goto(f"{base}/appraisals/{h.a.pk}/")
    # the appraised manager reads the combined score, no member's score
    lines = page.locator("#committee-lines").inner_text()
    assert "评议得分：85.00" in lines and "92.50" not in lines
    assert no_sideways_scroll(page)
    shot(page, "committee-appraisal-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    shot(page, "committee-appraisal-1280")
    ctx.close()


@override_settings(DEBUG=True)
def test_hr_forms_the_cycles_committees_from_the_board(
    live_server, browser, litong_live, set_clock
):
    """The cycle board links to its committee reviews; HR ticks three members, picks the
    chair and forms; the row then says 0 of 3 scored. Fits 390 px."""
    h = open_half(litong_live, set_clock, password=password())
    base = live_server.url
    ctx, page = log_in(browser, base, "hr", **WIDE)
    page.goto(f"{base}/hr/cycles/{h.cycle.pk}/")
    page.click("#committees-link")
    page.wait_for_selector("#cycle-committee-form")
    for name in MEMBERS:
        page.check(f"input[name=members][value='{h.u[name].pk}']")
    page.select_option("#id_chair", str(h.u[CHAIR].pk))
    shot(page, "committee-cycle-1280")
    assert violations(page) == []
    page.click("#form-all-button")
    page.wait_for_selector("#done-message")
    assert "0 人" in page.locator("#committee-rows").inner_text()
    page.set_viewport_size({"width": 390, "height": 844})
    assert no_sideways_scroll(page)
    shot(page, "committee-cycle-390")
    ctx.close()
