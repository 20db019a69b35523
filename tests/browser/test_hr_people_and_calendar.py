"""Issue 23 in chromium, in Chinese, at 1280 and 390 px: HR adds a person from the
people page with the form (a bad e-mail first: refused at its field, what was typed
kept), edits them, then opens 工作日历, adds a working Sunday and removes it again.
Nothing scrolls sideways and axe finds nothing on the pages."""

import datetime as dt

import pytest
from django.test import override_settings

from engine.org.models import CalendarOverride, Department, Employee
from tests.browser.conftest import log_in
from tests.browser.test_accessibility import axe_violations
from tests.browser.test_hr_roles import WIDE, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@override_settings(DEBUG=True)
@pytest.mark.parametrize("width", [1280, 390])
def test_hr_adds_and_edits_a_person_by_form(live_server, browser, litong_live, width):
    """From the people page: a bad e-mail refused at its field with the typed name kept and nothing stored; then added, found in the list, edited."""
    base = live_server.url
    cs = Department.objects.get(company__code="litong", code="cs")
    ctx, page = log_in(browser, base, "hr", viewport={"width": width, "height": 900})
    page.goto(base + "/hr/people/?company=litong")
    page.click("#add-person")
    page.wait_for_selector("#person-form")
    assert page.locator("h1").inner_text() == "添加人员"
    page.fill("#id_number", "N777")
    page.fill("#id_name", "周新")
    page.fill("#id_email", "not-an-address")
    page.select_option("#id_department", str(cs.pk))
    page.select_option("#id_position", index=1)
    page.fill("#id_hire_date", "2026-10-08")
    page.click("#person-form button[type=submit]")
    page.wait_for_selector("#person-form [role=alert]")
    assert page.locator("#person-form [role=alert]").get_attribute("data-field") == "email"
    assert page.input_value("#id_name") == "周新"
    assert not page.evaluate(WIDE)
    shoot(page, width, "person_refused")
    assert axe_violations(page) == []
    assert not Employee.objects.filter(number="N777").exists()

    page.fill("#id_email", "zhou@litong.example")
    page.click("#person-form button[type=submit]")
    page.wait_for_selector("[role=status]")
    assert "周新" in page.locator("#people").inner_text()
    e = Employee.objects.get(company__code="litong", number="N777")
    page.click(f"#edit-{e.pk}")
    page.wait_for_selector("#person-form")
    assert page.input_value("#id_username") == "litong_n777"
    page.fill("#id_name", "周新民")
    shoot(page, width, "person_edit")
    assert not page.evaluate(WIDE)
    page.click("#person-form button[type=submit]")
    page.wait_for_selector("[role=status]")
    assert "周新民" in page.locator("#people").inner_text()
    shoot(page, width, "people")
    assert not page.evaluate(WIDE)
    ctx.close()


@override_settings(DEBUG=True)
@pytest.mark.parametrize("width", [1280, 390])
def test_hr_sets_a_company_day_on_the_calendar(live_server, browser, litong_live, width):
    """From the menu: October's National Day in the list; a working Sunday added and shown as working, removed again; a Monday made a working day is refused at its field."""
    base = live_server.url
    ctx, page = log_in(browser, base, "hr", viewport={"width": width, "height": 900})
    page.goto(base + "/hr/people/?company=litong")
    page.click("#nav-calendar")
    page.wait_for_selector("#month")
    assert page.locator("h1").inner_text() == "工作日历"
    page.goto(base + "/hr/calendar/?company=litong&month=2026-10")
    assert "国庆节" in page.locator("#notable").inner_text()
    assert not page.evaluate(WIDE)
    shoot(page, width, "calendar")
    assert axe_violations(page) == []

    page.fill("#id_date", "2026-11-15")
    page.select_option("#id_kind", "workday")
    page.fill("#id_note", "年终盘点")
    page.click("#override-form button[type=submit]")
    page.wait_for_selector("[role=status]")
    assert page.locator("#month-title").inner_text() == "2026-11"
    assert page.locator('#month td[data-date="2026-11-15"]').get_attribute("data-working") == "1"
    assert "年终盘点" in page.locator("#own-days").inner_text()
    shoot(page, width, "calendar_added")
    assert not page.evaluate(WIDE)
    assert axe_violations(page) == []
    day = CalendarOverride.objects.get(company__code="litong", date=dt.date(2026, 11, 15))

    page.click(f"#remove-{day.pk} button")
    page.wait_for_selector("[role=status]")
    assert page.locator('#month td[data-date="2026-11-15"]').get_attribute("data-working") == "0"
    assert not CalendarOverride.objects.filter(pk=day.pk).exists()

    page.fill("#id_date", "2026-11-16")
    page.select_option("#id_kind", "workday")
    page.click("#override-form button[type=submit]")
    page.wait_for_selector("#override-form [role=alert]")
    assert page.locator("#override-form [role=alert]").get_attribute("data-field") == "kind"
    shoot(page, width, "calendar_refused")
    ctx.close()
