"""Each person's journey from ux.md, in Chinese and English, at 1280 and 390 px: the
employee types a self-review and watches the total and grade move before submitting,
saves a draft and submits; the supervisor sees the self-review beside their own inputs;
HR hands on; the GM sees the total, grade and the department's grades before approving;
the employee reads every line of the result. No page scrolls sideways."""

import pytest
from django.test import override_settings

from engine.appraisals.models import Appraisal
from tests.browser.journeys import Visit
from tests.month import at, open_customer_service, open_department, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORDS = {
    "zh": {"a": "优秀", "b": "良好", "self": "员工本人", "conv": "询单转化率", "coef": "绩效系数"},
    "en": {
        "a": "Outstanding",
        "b": "Good",
        "self": "Employee",
        "conv": "Inquiry conversion",
        "coef": "Pay coefficient",
    },
}


def total_is(page, text: str) -> None:
    """Wait for the preview to show `text` as the total; on a timeout say what it shows."""
    from playwright.sync_api import expect

    try:  # a locator check: the page's CSP refuses Playwright's string-evaluated waits
        expect(page.locator("#preview-total")).to_have_text(text, timeout=10000)
    except AssertionError:
        shown = page.locator("#preview").inner_text()
        raise AssertionError(f"the preview never showed {text}: {shown!r}") from None


@override_settings(DEBUG=True)
@pytest.mark.parametrize(
    "lang,width", [("zh", 1280), ("en", 390), ("zh", 390), ("en", 1280)], ids=str
)
def test_a_month_for_each_person(live_server, browser, litong_live, set_clock, lang, width):
    """Employee, supervisor, HR, GM and the employee again, walking one e-commerce
    agent's month through the pages a person uses."""
    a = open_customer_service(litong_live, set_clock)
    set_clock(at(2026, 11, 1, 10))
    base, w, wide = live_server.url, WORDS[lang], []
    task = f"/appraisals/{a.pk}/"

    # The employee: 85 system points + follow-up 5 + execution 10 = 100.00 → a;
    # execution 4 instead → 94.00 → b. Both seen before submitting.
    me = Visit(browser, base, "ecom02", lang, width)
    me.go("/inbox/")
    me.page.locator("#inbox a").first.click()
    me.check(task)
    me.page.fill("#f-values\\.follow_up", "5")
    me.page.fill("#f-values\\.execution", "10")
    total_is(me.page, "100.00")
    assert me.page.locator("#preview-grade").inner_text() == w["a"]
    me.page.fill("#f-values\\.execution", "4")
    total_is(me.page, "94.00")
    assert me.page.locator("#preview-grade").inner_text() == w["b"]
    me.page.click("#save-draft")
    me.page.wait_for_selector("#draft-note")
    assert me.page.input_value("#f-values\\.execution") == "4"
    me.page.fill("#f-comment", "completed the month's plan")
    me.page.click("#submit")
    assert "completed the month's plan" in me.page.inner_text("#submit-summary")
    me.page.click("#submit-confirm button")
    me.page.wait_for_selector("[role=status]")
    assert "completed the month's plan" in me.page.inner_text("#my-submissions")
    me.go("/mine/")
    assert "2026-10" in me.page.locator("#mine").inner_text()
    wide += me.close()

    # The supervisor sees what the employee typed under each of their own fields.
    boss = Visit(browser, base, "cs_head", lang, width)
    boss.go("/inbox/")
    boss.go(task)
    beside = boss.page.locator(".field", has=boss.page.locator("#f-values\\.execution"))
    assert w["self"] in beside.inner_text() and "4" in beside.locator(".others").inner_text()
    boss.page.fill("#f-values\\.follow_up", "4")
    boss.page.fill("#f-values\\.execution", "7")
    total_is(boss.page, "96.00")  # 85 + 4 + 7
    boss.page.click("#submit")
    assert "96.00" in boss.page.inner_text("#confirm-total")
    boss.page.click("#submit-confirm button")
    boss.page.wait_for_selector("[role=status]")
    boss.go("/team/")
    wide += boss.close()

    hr = Visit(browser, base, "hr", lang, width)
    hr.go(task)
    hr.page.click("#submit")
    hr.page.click("#submit-confirm button")
    hr.page.wait_for_selector("[role=status]")
    wide += hr.close()

    # The GM sees the result and the department's grades before approving.
    gm = Visit(browser, base, "gm", lang, width)
    gm.go("/inbox/")
    gm.go(task)
    final = gm.page.locator("#final-view").inner_text()
    assert "96.00" in final and w["a"] in final
    assert w["conv"] in gm.page.locator("#final-lines").inner_text()  # every line, before approving
    gm.page.click("#submit")
    gm.page.wait_for_selector("#publish-confirm")  # the result it will publish, asked once
    assert "96.00" in gm.page.locator("#confirm-total").inner_text()
    gm.page.click("#publish-confirm button")
    gm.page.wait_for_selector("[role=status]")
    wide += gm.close()

    me = Visit(browser, base, "ecom02", lang, width)
    me.go(task)
    assert me.page.locator("#total").inner_text() == "96.00"
    lines = me.page.locator("#lines").inner_text()
    assert w["conv"] in lines and "50%" in lines and "30.00 / 30" in lines
    assert w["coef"] in me.page.locator("#outcomes").inner_text()
    me.go("/notifications/")
    wide += me.close()
    assert wide == []


def finance_month(litong, set_clock) -> Appraisal:
    """An accountant's October: the self-review comes a day late, the head of finance
    deducts with reasons, the GM approves."""
    set_clock(at(2026, 10, 20))
    a = open_department(litong, "finance").a["acct02"]
    set_clock(at(2026, 10, 31, 10))  # due Fri 30 Oct, end of day
    submit(a, "self", litong.u["acct02"], comment="十月对账完成")
    set_clock(at(2026, 11, 3))
    deductions = {
        "duties": [
            {"points": "5", "reason": "月末对账晚了两天"},
            {"points": "2.5", "reason": "凭证归档错误"},
        ],
        "integrity": [{"points": "3", "reason": "例会迟到"}],
    }
    submit(a, "dept_head", litong.u["finance_head"], {"deductions": deductions})
    set_clock(at(2026, 11, 9))
    submit(a, "gm", litong.u["gm"])
    a.refresh_from_db()
    return a


@override_settings(DEBUG=True)
@pytest.mark.parametrize(
    "lang,width", [("zh", 1280), ("en", 390), ("zh", 390), ("en", 1280)], ids=str
)
def test_the_result_explains_deductions_and_the_late_penalty(
    live_server, browser, litong_live, set_clock, lang, width
):
    """duties 70 − 5 − 2.5 = 62.50; integrity 30 − 3 = 27.00; 89.50 × 0.90 (self-review
    late) = 80.55 → b. The page shows each deduction with its reason and says which step
    was late, when it was due and when it came."""
    a = finance_month(litong_live, set_clock)
    assert str(a.total) == "80.55"
    me = Visit(browser, live_server.url, "acct02", lang, width)
    me.go(f"/appraisals/{a.pk}/")
    assert me.page.locator("#total").inner_text() == "80.55"
    lines = me.page.locator("#lines").inner_text()
    for text in (
        "− 5.00: 月末对账晚了两天",
        "− 2.50: 凭证归档错误",
        "− 3.00: 例会迟到",
        "62.50 / 70.00",
    ):
        assert text in lines
    late = me.page.locator("#result .adjustments").inner_text()
    assert "2026-10-31 10:00" in late and "× 0.90" in late
    assert ("迟交" in late) if lang == "zh" else ("late" in late)
    assert me.close() == []
