"""360° feedback in chromium: HR nominates five peers on the appraisal's feedback page;
the five find the task in their inbox and rate on its page (a score out of range is
refused at its field); the employee's page shows no aggregate after two answers and
shows it after the third; the auditor's trail of the appraisal names who rated.
Screenshots in zh-Hans at 1280 and 390 px go to $JIXIAO_SHOTS when set."""

import os

import pytest
from django.test import override_settings

from tests.browser.conftest import log_in
from tests.month import open_department

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PEERS = ("support07", "support08", "support09", "ecom02", "ecom03")


def shot(page, name: str) -> None:
    where = os.environ.get("JIXIAO_SHOTS")
    if where:
        page.screenshot(path=os.path.join(where, f"{name}.png"), full_page=True)


def _rate(browser, base, username, score, *, width=1280, name=""):
    ctx, page = log_in(browser, base, username, viewport={"width": width, "height": 900})
    page.goto(f"{base}/inbox/")
    page.click("#feedback-inbox a")
    page.wait_for_selector("#rate-form")
    if name:
        shot(page, name)
    if score == "6":  # out of the indicator's 1–5: refused at its field, nothing kept
        page.fill("#id_score", "6")
        page.click("#rate-button")
        assert page.locator("[data-field=score]").first.is_visible()
        shot(page, f"{name}-refused" if name else "rate-refused")
        score = "4"
    page.fill("#id_score", score)
    page.fill("#id_comment", "合作顺畅")
    page.click("#rate-button")
    page.wait_for_selector("#done-message")
    ctx.close()


@override_settings(DEBUG=True)
def test_five_peers_rate_and_the_employee_sees_the_aggregate_from_the_third(
    live_server, browser, litong_live
):
    """nominate five peers → two rate: the employee sees "not enough answers" and no
    aggregate → the third rates: the aggregate shows → the auditor's trail names the
    raters."""
    cs = open_department(litong_live, "cs")
    a = cs.a["support06"]
    base = live_server.url

    ctx, page = log_in(browser, base, "hr", viewport={"width": 1280, "height": 900})
    page.goto(f"{base}/appraisals/{a.pk}/")
    page.click("#feedback-link")
    page.wait_for_selector("#nominate-form")
    shot(page, "nominate-1280")
    page.select_option("#id_group_peer", [str(cs.u[p].pk) for p in PEERS])
    page.click("#nominate-button")
    page.wait_for_selector("#done-message")
    assert page.locator("#feedback-groups tr[data-group=peer]").count() == 1
    shot(page, "nominated-hr-1280")
    ctx.close()

    _rate(browser, base, "support07", "6", name="rate-1280")
    _rate(browser, base, "support08", "5", width=390, name="rate-390")

    for width in (1280, 390):
        ctx, page = log_in(browser, base, "support06", viewport={"width": width, "height": 900})
        page.goto(f"{base}/appraisals/{a.pk}/feedback/")
        assert page.locator("#no-aggregate").is_visible()
        assert page.locator("tr[data-group=peer] .not-enough").is_visible()
        assert page.locator("#aggregate-value").count() == 0
        shot(page, f"employee-two-answers-{width}")
        ctx.close()

    _rate(browser, base, "support09", "3")
    for width in (1280, 390):
        ctx, page = log_in(browser, base, "support06", viewport={"width": width, "height": 900})
        page.goto(f"{base}/appraisals/{a.pk}/feedback/")
        # 3, 4, 5: not trimmed at three answers, mean 12 / 3 = 4.00; the overall
        # value waits for the round's close
        assert page.locator("tr[data-group=peer][data-shown=yes]").count() == 1
        assert "4.00" in page.locator("tr[data-group=peer]").inner_text()
        assert page.locator("#aggregate-value").count() == 0
        assert "待本轮结束后显示总体结果" in page.locator("#no-aggregate").inner_text()
        assert not page.evaluate(
            "document.documentElement.scrollWidth > document.documentElement.clientWidth"
        )
        shot(page, f"employee-aggregate-{width}")
        ctx.close()
    for name in PEERS[3:]:
        _rate(browser, base, name, "4")

    ctx, page = log_in(browser, base, "auditor", viewport={"width": 1280, "height": 900})
    page.goto(f"{base}/audit/?appraisal={a.pk}")
    trail = page.locator("#trail").inner_text()
    for username in PEERS:
        assert cs.u[username].employee.name in trail
    assert "360度反馈：已提交评价" in trail
    shot(page, "auditor-trail-1280")
    ctx.close()
