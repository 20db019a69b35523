"""HR's journey from ux.md in the browser, in Chinese and English, at 1280 and 390 px:
the cycle board (filter overdue, remind the chosen), the targets page (a target typed as
a percentage), the import page (a dry run of the people template), the people page
(a leaver recorded, their steps moved), the dashboard's charts, the payroll download.
No page scrolls sideways."""

import pytest
from django.test import override_settings

from engine.appraisals.models import AppraisalStep
from engine.notifications.models import Notification
from tests.browser.journeys import Visit
from tests.month import at, open_department, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@override_settings(DEBUG=True)
@pytest.mark.parametrize("lang,width", [("zh", 1280), ("en", 390)], ids=str)
def test_hrs_desk(live_server, browser, litong_live, set_clock, tmp_path, lang, width):
    """HR runs the customer-service month from the pages."""
    cs = open_department(litong_live, "cs")
    set_clock(at(2026, 11, 3, 10))  # the self-reviews were due 2 Nov
    submit(cs.a["ecom03"], "self", cs.u["ecom03"])
    hr = Visit(browser, live_server.url, "hr", lang, width)
    page, board = hr.page, f"/hr/cycles/{cs.cycle.pk}/"

    hr.go(board + "?late=on")
    rows = page.locator("#board tbody tr")
    assert rows.count() >= 2 and page.locator("#gaps").count() == 1
    rows.first.locator("input[type=checkbox]").check()
    page.select_option("#bulk-action", "remind")
    page.click("#bulk-submit")
    page.wait_for_selector("#bulk-confirm")  # the summary, asked once
    page.click("#bulk-confirm button")
    page.wait_for_selector("[role=status]")
    assert Notification.objects.filter(kind="hr_reminder").count() == 1

    hr.go(f"/hr/cycles/{cs.cycle.pk}/inputs/")
    key = "t.customer_service.ecommerce_agent.inquiry_conversion"
    page.fill(f"[id='{key}']", "50%")
    page.click("#save-targets")
    page.wait_for_selector("[role=status]")
    assert (
        cs.cycle.__class__.objects.get(pk=cs.cycle.pk).targets["customer_service"][
            "ecommerce_agent"
        ]["inquiry_conversion"]
        == "0.5"
    )

    hr.go("/hr/import/?company=litong")
    with page.expect_download() as dl:
        page.locator("#templates a").first.click()
    template = tmp_path / "people.xlsx"
    dl.value.save_as(template)
    page.set_input_files("#id_file", str(template))
    page.click("#import-submit")
    page.wait_for_selector("#report")
    hr.check("/hr/import/ report")

    head = cs.u["cs_head"].employee
    hr.go(f"/hr/people/{head.pk}/leave/?company=litong")
    page.fill("#id_left_on", "2026-11-03")
    page.fill("#id_reason", "辞职")
    page.click("#leave-form button")
    page.wait_for_selector("#departure-plan")  # what will happen, before anything does
    hr.check("/hr/people/leave plan")
    page.click("#leave-confirm button")
    page.wait_for_selector("[role=status]")
    step = AppraisalStep.objects.get(appraisal=cs.a["ecom03"], code="supervisor")
    assert step.assignee_id != head.user_id

    hr.go("/hr/dashboard/?company=litong")
    assert page.locator("svg.chart").count() >= 2
    hr.go(board)
    page.click("#payroll-form button")
    page.wait_for_selector("#payroll-confirm")
    with page.expect_download() as dl:
        page.click("#payroll-confirm button")
    assert dl.value.suggested_filename.endswith(".xlsx")
    assert hr.close() == []
