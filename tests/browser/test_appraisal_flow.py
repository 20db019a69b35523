"""People walk one appraisal through its chain in the browser: the employee's
self-review, the supervisor's scores (with a refused bad value first), HR, the GM,
and the employee reading the published breakdown."""

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings

from engine.appraisals import services
from engine.appraisals.models import Appraisal
from engine.demo.packs import company_on_builtin_packs
from engine.demo.people import load_demo, password
from engine.org.models import Company, Department
from tests.month import at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, base, username):
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password())
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")


def open_task(page, base, name):
    page.goto(base + "/inbox/")
    page.locator("#inbox tr", has_text=name).locator("a").click()
    page.wait_for_selector("#steps")


@override_settings(DEBUG=True)
def test_a_month_in_the_browser(live_server, browser, set_clock):
    set_clock(at(2026, 10, 31, 9))
    load_demo(usable_passwords=True)
    co = Company.objects.get(code="litong")
    hr = get_user_model().objects.get(username="hr")
    company_on_builtin_packs(actor=hr, company=co)
    cycle = services.cycle_open(
        actor=hr,
        company=co,
        kind="month",
        period="2026-10",
        department_ids=[Department.objects.get(company=co, code="workshop").pk],
    )
    a = Appraisal.objects.get(cycle=cycle, employee__user__username="staff02")
    name = a.employee.name
    set_clock(at(2026, 11, 1, 10))
    base = live_server.url

    def as_user(username):
        ctx = browser.new_context(locale="zh-CN")
        page = ctx.new_page()
        login(page, base, username)
        return ctx, page

    ctx, page = as_user("staff02")
    open_task(page, base, name)
    page.click("#submit")
    page.wait_for_selector("[role=status]")
    ctx.close()

    ctx, page = as_user("workshop_head")
    open_task(page, base, name)
    page.fill("#f-values\\.efficiency", "30")  # above the weight of 25
    for code, v in [("operation", "21"), ("attitude", "22"), ("knowledge", "19")]:
        page.fill(f"#f-values\\.{code}", v)
    page.click("#submit")
    alert = page.locator("[role=alert]")
    assert alert.get_attribute("data-field") == "values.efficiency"
    for code, v in [
        ("efficiency", "20"),
        ("operation", "21"),
        ("attitude", "22"),
        ("knowledge", "19"),
    ]:
        page.fill(f"#f-values\\.{code}", v)
    page.click("#submit")
    page.wait_for_selector("[role=status]")
    ctx.close()

    for username in ("hr", "gm"):
        ctx, page = as_user(username)
        open_task(page, base, name)
        page.click("#submit")
        page.wait_for_selector("[role=status]")
        ctx.close()

    ctx, page = as_user("staff02")
    page.goto(f"{base}/appraisals/{a.pk}/")
    # 20 + 21 + 22 + 19 = 82 → b
    assert page.locator("#total").inner_text() == "82.00"
    assert page.locator("#grade").inner_text() == "b"
    assert "pay_coefficient: 1.20" in page.locator("#result").inner_text()
    page.goto(f"{base}/notifications/")
    assert "82.00" in page.locator("#notifications").inner_text()
    ctx.close()
