"""A person logs in with a demo account and lands on their home page."""

import pytest
from django.test import override_settings

from engine.demo.people import load_demo, password

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@override_settings(DEBUG=True)
def test_login_page_and_home(live_server, page):
    """In chromium: the login page signs a demo user in and the home page names them."""
    load_demo(usable_passwords=True)
    page.goto(live_server.url + "/")
    assert "/accounts/login/" in page.url
    assert page.locator("h1").inner_text() == "登录"  # Simplified Chinese by default
    page.fill("#id_username", "hr")
    page.fill("#id_password", "wrong")
    page.click("button[type=submit]")
    assert page.locator("[role=alert]").is_visible()
    page.fill("#id_username", "hr")
    page.fill("#id_password", password())
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/")
    body = page.locator("main").inner_text()
    # the company role in words, never its code ("hr")
    roles = page.locator("#home-roles tbody").inner_text()
    assert "力同机械" in body and "人事" in roles and "hr" not in roles.lower().split()
