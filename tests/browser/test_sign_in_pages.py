"""Issue 23 in chromium, in Chinese, at 1280 and 390 px: HR invites the people without
a password from the people page (the summary, then the invitations); a person who
lost the link asks for a new one from the login page (忘记密码？), opens the e-mailed
link, sets a password and signs in. Nothing scrolls sideways; axe finds nothing."""

import re

import pytest
from django.core import mail
from django.test import override_settings

from engine.org.invitations import not_signed_up
from tests.browser.conftest import log_in
from tests.browser.test_accessibility import axe_violations
from tests.browser.test_hr_roles import WIDE, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Litong-evening-2026"


@override_settings(DEBUG=True)
@pytest.mark.parametrize("width", [1280, 390])
def test_invitations_and_forgot_password(live_server, browser, litong_live, width):
    """The invitation summary names the people; the forgot-password page, its answer
    and the set-password page speak Chinese; the new password signs in."""
    base = live_server.url
    viewport = {"width": width, "height": 900}
    # Two people imported lately: no password yet (the demo's others have one).
    for username in ("staff02", "staff03"):
        user = litong_live.u[username]
        user.set_unusable_password()
        user.save()
    person = not_signed_up(litong_live.company)[0]
    ctx, page = log_in(browser, base, "hr", viewport=viewport)
    page.goto(base + "/hr/people/?company=litong")
    shoot(page, width, "people_invite")
    assert not page.evaluate(WIDE)
    assert axe_violations(page) == []
    page.click("#invite-all button[type=submit]")
    page.wait_for_selector("#invite-confirm")
    assert person.name in page.locator("main, body").first.inner_text()
    shoot(page, width, "invite_confirm")
    assert not page.evaluate(WIDE)
    assert axe_violations(page) == []
    page.click("#invite-confirm button[type=submit]")
    page.wait_for_selector("[role=status]")
    assert "份邀请" in page.locator("[role=status]").first.inner_text()
    sent = len(mail.outbox)
    assert sent > 0
    ctx.close()

    ctx = browser.new_context(locale="zh-CN", viewport=viewport)
    page = ctx.new_page()
    page.goto(base + "/accounts/login/")
    page.click("#forgot-link")
    page.wait_for_selector("#forgot-password")
    assert page.locator("h1").inner_text() == "忘记密码？"
    shoot(page, width, "forgot")
    assert not page.evaluate(WIDE)
    assert axe_violations(page) == []
    page.fill("#id_email", "not-an-address")
    page.click("#forgot-password button[type=submit]")
    page.wait_for_selector("[data-field=email]")
    page.fill("#id_email", person.user.email)
    page.click("#forgot-password button[type=submit]")
    page.wait_for_selector("#reset-sent")
    shoot(page, width, "forgot_sent")
    assert axe_violations(page) == []
    assert len(mail.outbox) == sent + 1
    path = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", mail.outbox[-1].body).group(1)
    page.goto(base + path)
    page.wait_for_selector("#id_new_password1")
    shoot(page, width, "set_password")
    page.fill("#id_new_password1", PASSWORD)
    page.fill("#id_new_password2", PASSWORD)
    page.click("#set-password button[type=submit]")
    page.wait_for_url(re.compile(r".*/accounts/reset/done/"))
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", person.user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")
    ctx.close()
