"""HR activates a pack, maps a position and opens a cycle in the browser; a wrong
period is refused with the field named; someone else is turned away."""

import pytest
from django.test import override_settings

from engine.appraisals.models import Appraisal, PositionMapping
from engine.demo.people import load_demo, password
from tests.month import at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, base, username):
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password())
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")


@override_settings(DEBUG=True)
def test_hr_desk(live_server, page, set_clock):
    """In chromium: HR activates packs, maps positions and opens a cycle from the desk."""
    set_clock(at(2026, 11, 20))
    load_demo(usable_passwords=True)
    base = live_server.url
    login(page, base, "hr")
    page.goto(base + "/hr/packs/?company=litong")
    for pack in ("general", "customer_service", "finance_warehouse", "sales", "rnd"):
        page.locator(f"tr[data-pack={pack}] button").click()
        page.wait_for_selector("[role=status]")
    assert "1.2.0" in page.locator("tr[data-pack=sales]").inner_text()
    page.goto(base + "/hr/positions/?company=litong")
    for code, role in [
        ("staff", "general.staff"),
        ("general_manager", "general.staff"),
        ("hr_officer", "general.staff"),
    ]:
        row = page.locator(f"tr[data-position={code}]")
        row.locator("select").select_option(role)
        row.locator("button").click()
        page.wait_for_selector("[role=status]")
    assert PositionMapping.objects.filter(position__code="staff", role="staff").exists()
    page.goto(base + "/hr/cycles/?company=litong")
    page.fill("#period", "2026-13")
    page.check("input[data-code=workshop]")
    page.click("#open-cycle button")
    assert page.locator("[role=alert]").get_attribute("data-field") == "period"
    page.fill("#period", "2026-12")
    page.check("input[data-code=workshop]")
    page.check("#calibrate")
    page.click("#open-cycle button")
    page.wait_for_selector("[role=status]")  # on the new cycle's board
    assert "2026-12" in page.locator("h1").inner_text()
    assert page.locator("#board tbody tr").count() == 3
    page.goto(base + "/hr/cycles/?company=litong")
    assert "2026-12" in page.locator("#cycles").inner_text()
    assert Appraisal.objects.filter(cycle__period="2026-12").count() == 3
    assert Appraisal.objects.filter(cycle__period="2026-12").first().cycle.calibration_required


@override_settings(DEBUG=True)
def test_not_hr_is_turned_away(live_server, page):
    """In chromium: a person who is not HR is refused the HR desk."""
    load_demo(usable_passwords=True)
    login(page, live_server.url, "staff02")
    resp = page.goto(live_server.url + "/hr/cycles/")
    assert resp.status == 403
