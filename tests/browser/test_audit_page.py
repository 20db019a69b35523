"""The auditor filters the trail in the browser and downloads it; an employee cannot."""

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings

from engine.appraisals import services
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


@override_settings(DEBUG=True)
def test_auditor_reads_and_exports_the_trail(live_server, browser, set_clock):
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
    base = live_server.url
    ctx = browser.new_context(locale="zh-CN", accept_downloads=True)
    page = ctx.new_page()
    login(page, base, "auditor")
    page.click("text=审计轨迹")
    page.fill("input[name=cycle]", str(cycle.pk))
    page.fill("input[name=action]", "open")
    page.click("#filters button")
    rows = page.locator("#trail tbody tr")
    assert rows.count() == 3  # one "open" event per workshop appraisal
    assert all("open" in rows.nth(i).inner_text() for i in range(3))
    with page.expect_download() as dl:
        page.click("text=CSV")
    assert dl.value.suggested_filename == "audit-trail.csv"
    ctx.close()
    other = browser.new_context()
    p2 = other.new_page()
    login(p2, base, "staff02")
    assert p2.goto(base + "/audit/").status == 403
    other.close()
