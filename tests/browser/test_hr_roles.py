"""Issue 23 in chromium, in Chinese: HR opens 公司角色 from the menu, grants the board
role to an employee with the form, sees them listed under 董事会, and takes the role
back after the confirmation page; the page fits 390 px without sideways scrolling
and axe finds nothing on it."""

import os

import pytest
from django.test import override_settings

from engine.org.models import CompanyRole, Employee
from tests.browser.conftest import log_in
from tests.browser.test_accessibility import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDE = "document.documentElement.scrollWidth > document.documentElement.clientWidth"


def shoot(page, width: int, what: str) -> None:
    """A screenshot when JIXIAO_SCREENSHOTS names a folder (as the journeys do)."""
    folder = os.environ.get("JIXIAO_SCREENSHOTS")
    if folder:
        page.screenshot(path=f"{folder}/hrroles_{what}_{width}.png", full_page=True)


@override_settings(DEBUG=True)
@pytest.mark.parametrize("width", [1280, 390])
def test_hr_grants_and_takes_back_a_role_in_chinese(live_server, browser, litong_live, width):
    """The menu link, the grant form, the holder listed in words, the confirmation
    sentence and the role gone again; nothing scrolls sideways."""
    base = live_server.url
    person = Employee.objects.get(company__code="litong", user__username="staff02")
    ctx, page = log_in(browser, base, "hr", viewport={"width": width, "height": 900})
    page.goto(base + "/hr/packs/?company=litong")
    page.click("#nav-roles")
    page.wait_for_selector("#grant-form")
    assert page.locator("h1").inner_text() == "公司角色"
    assert "董事会" in page.locator("tr[data-role=board]").inner_text()
    shoot(page, width, "page")
    assert axe_violations(page) == []
    page.select_option("#id_person", str(person.pk))
    page.select_option("#id_role", "board")
    page.click("#grant-form button[type=submit]")
    page.wait_for_selector("[role=status]")
    assert "董事会" in page.locator("[role=status]").inner_text()
    assert person.name in page.locator("tr[data-role=board]").inner_text()
    assert not page.evaluate(WIDE)
    shoot(page, width, "granted")
    grant = CompanyRole.objects.get(company__code="litong", user=person.user, role="board")

    page.click(f"#revoke-{grant.pk} button")
    page.wait_for_selector("#revoke-confirm")
    assert person.name in page.locator("h1").inner_text()
    assert not page.evaluate(WIDE)
    shoot(page, width, "confirm")
    assert axe_violations(page) == []
    page.click("#revoke-confirm button[type=submit]")
    page.wait_for_selector("[role=status]")
    assert person.name not in page.locator("tr[data-role=board]").inner_text()
    assert not CompanyRole.objects.filter(pk=grant.pk).exists()

    page.select_option("#id_person", str(person.pk))
    page.click("#grant-form button[type=submit]")  # no role chosen
    page.wait_for_selector("#grant-form [role=alert]")
    assert page.locator("#grant-form [role=alert]").get_attribute("data-field") == "role"
    shoot(page, width, "refused")
    assert axe_violations(page) == []
    ctx.close()
