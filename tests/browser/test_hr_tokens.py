"""Issue 24 in chromium, in Chinese: HR opens API 令牌 from the menu, creates a token
for the payroll system (the secret shown once, with the header to send it in), sees it
listed with its scopes, expiry and "从未" used, and revokes it after the confirmation;
the page fits 390 px without sideways scrolling and axe finds nothing on it."""

import os

import pytest
from django.test import override_settings

from engine.api.models import ApiToken
from engine.org.models import Employee
from tests.browser.conftest import log_in
from tests.browser.test_accessibility import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDE = "document.documentElement.scrollWidth > document.documentElement.clientWidth"


def shoot(page, width: int, what: str) -> None:
    folder = os.environ.get("JIXIAO_SCREENSHOTS")
    if folder:
        page.screenshot(path=f"{folder}/hrtokens_{what}_{width}.png", full_page=True)


@override_settings(DEBUG=True)
@pytest.mark.parametrize("width", [1280, 390])
def test_hr_creates_sees_once_and_revokes_a_token_in_chinese(
    live_server, browser, litong_live, width
):
    """The menu link, the form (a scope beyond the person refused at its field), the
    secret once, the row in words, the confirmation and the revoked state."""
    base = live_server.url
    ctx, page = log_in(browser, base, "hr", viewport={"width": width, "height": 900})
    page.goto(base + "/hr/packs/?company=litong")
    page.click("#nav-tokens")
    page.wait_for_selector("#token-form")
    assert page.locator("h1").inner_text() == "API 令牌"
    assert "还没有令牌" in page.locator("#tokens").inner_text()
    assert axe_violations(page) == []

    page.fill("#id_name", "薪资系统")
    hr = Employee.objects.get(user__username="hr")
    page.select_option("#id_person", str(hr.pk))
    page.check("input[name=scopes][value=read]")
    page.check("input[name=scopes][value='results:read']")
    page.fill("#id_days", "0")
    page.click("#token-form button[type=submit]")
    page.wait_for_selector("p.error[data-field=days]")
    assert "至少 1 天" in page.locator("p.error[data-field=days]").inner_text()
    page.fill("#id_days", "30")
    page.click("#token-form button[type=submit]")
    page.wait_for_selector("#new-secret")
    token = ApiToken.objects.get()
    secret = page.locator("#new-secret").inner_text()
    assert secret.startswith(f"jx_{token.prefix}.")
    assert "只显示这一次" in page.locator("#new-token").inner_text()
    row = page.locator(f"tr[data-token='{token.pk}']").inner_text()
    assert "薪资系统" in row and "读取最终结果" in row and "从未" in row and "有效" in row
    assert not page.evaluate(WIDE)
    shoot(page, width, "created")
    assert axe_violations(page) == []
    page.reload()
    assert page.locator("#new-secret").count() == 0  # shown once

    page.click(f"#revoke-{token.pk} button")
    page.wait_for_selector("#revoke-confirm")
    assert "薪资系统" in page.locator("h1").inner_text()
    assert not page.evaluate(WIDE)
    shoot(page, width, "confirm")
    page.click("#revoke-confirm button[type=submit]")
    page.wait_for_selector("[role=status]")
    assert "已吊销" in page.locator(f"tr[data-token='{token.pk}']").inner_text()
    assert page.locator(f"#revoke-{token.pk}").count() == 0
    token.refresh_from_db()
    assert token.revoked_at is not None
    shoot(page, width, "revoked")
    ctx.close()
