"""HR calibrates a department in the browser; then an employee appeals and the
appeal goes through mediation, HR intake, investigation and an upheld decision."""

import pytest
from django.test import override_settings

from engine.appraisals.models import Appraisal
from engine.org.models import Department
from tests.browser.conftest import log_in
from tests.month import at, open_workshop, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@override_settings(DEBUG=True)
def test_calibrate_then_appeal(live_server, browser, litong_live, set_clock):
    """In chromium: HR calibrates a department, the GM approves, the employee appeals and HR
    upholds it."""
    w = open_workshop(litong_live, calibration_required=True)
    users, cycle, apps = w.u, w.cycle, w.a
    dept = Department.objects.get(company=w.company, code="workshop")
    set_clock(at(2026, 11, 1))
    for name, v in {"staff02": 24, "staff03": 20, "workshop_head": 17}.items():
        a = apps[name]
        submit(a, "self", users[name])
        boss = users["gm" if name == "workshop_head" else "workshop_head"]
        submit(
            a,
            "supervisor",
            boss,
            {"values": {k: v for k in ("efficiency", "operation", "attitude", "knowledge")}},
        )
        submit(a, "hr", users["hr"])
    base = live_server.url

    ctx, page = log_in(browser, base, "hr")
    page.goto(f"{base}/hr/cycles/{cycle.pk}/calibration/")
    card = page.locator(f"[data-department='{dept.pk}']")
    assert "优秀 → 合格" in card.locator(".proposals").inner_text()  # 96 with caps of 0 for 3
    # "set grade" starts on 请选择… for both: clicked unchosen, the browser keeps the form
    who = card.locator(".override select[name=appraisal]")
    assert who.evaluate("e => e.value") == "" and "请选择" in who.inner_text()
    card.locator(".override button").click()
    assert who.evaluate("e => e.matches(':invalid')")
    assert not Appraisal.objects.filter(cycle=cycle).exclude(calibrated_grade="").exists()
    card.locator(".confirm button").click()  # refused at the card's button, no summary page
    card = page.locator(f"[data-department='{dept.pk}']")
    assert card.locator(".confirm [role=alert]").get_attribute("data-field") == "form"
    card = page.locator(f"[data-department='{dept.pk}']")
    card.locator(".apply input[name=reason]").fill("3 people: caps of 0")
    card.locator(".apply button").click()
    page.wait_for_selector("[role=status]")
    page.locator(f"[data-department='{dept.pk}'] .confirm button").click()
    page.click("#calibration-confirm button")  # the summary, then the confirmation
    page.wait_for_selector("[role=status]")
    assert "✓" in page.locator(f"[data-department='{dept.pk}'] h2").inner_text()
    ctx.close()

    set_clock(at(2026, 11, 10))
    for a in apps.values():
        submit(a, "gm", users["gm"])
    staff02 = Appraisal.objects.get(pk=apps["staff02"].pk)
    assert (str(staff02.total), staff02.grade) == ("96.00", "c")

    set_clock(at(2026, 11, 11, 10))
    ctx, page = log_in(browser, base, "staff02")
    page.goto(f"{base}/appraisals/{staff02.pk}/")
    page.click("#appeal-form button")  # nothing filled in: both refused at once, on top
    assert page.locator("#appeal-form [role=alert]").first.get_attribute("data-field") == "items"
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert "2 处需要修改" in page.inner_text("#error-summary")
    page.check("#items input[value=attitude]")
    page.fill("#appeal-reason", "客户表扬信未计入 the customer letters were ignored")
    page.set_input_files(
        "#attachments",
        files=[
            {"name": "letters.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 letters"}
        ],
    )
    page.click("#appeal-form button")
    assert "letters.pdf" in page.inner_text("#confirm-attachments")  # asked once, file kept
    page.click("#appeal-confirm button")
    page.wait_for_selector("#appeal-state")
    assert page.locator("#appeal-state").inner_text() == "调解"
    ctx.close()

    ctx, page = log_in(browser, base, "workshop_head")
    page.goto(f"{base}/inbox/")
    page.locator("#appeal-inbox a").first.click()
    page.fill("#note", "未能调解 not settled")
    page.click("#decision-go-on")
    page.wait_for_selector("[role=status]")
    ctx.close()

    ctx, page = log_in(browser, base, "hr")
    page.goto(f"{base}/appraisals/{staff02.pk}/")
    page.fill("#ar", "有客观事实 there are letters")
    page.click("#decision-go-on")
    page.wait_for_selector("[role=status]")
    page.fill("#findings", "letters confirmed")
    page.click("#appeal-submit")
    page.wait_for_selector("[role=status]")
    page.fill("#dr", "letters confirm the attitude")
    page.fill("#c0_value", "25")  # the one contested item, offered alone
    page.fill("#c0_reason", "customer letters")
    page.click("#decision-uphold")
    assert "→ 25" in page.inner_text("#decision-summary")  # asked once, nothing written yet
    page.click("#decision-confirm button")
    page.wait_for_selector("#appeal-outcome")
    assert page.locator("#appeal-outcome").inner_text() == "申诉成立"
    # 24 + 24 + 25 + 24 = 97; the calibrated grade stays c
    assert page.locator("#total").inner_text() == "97.00"
    assert "attitude" in page.locator("#appeal").inner_text()
    ctx.close()
