"""After the result in chromium: the GM's approval on its page publishes (and the form is
kept after the commit); the employee opens the after-the-result page from the result,
signs with the password, and the form downloaded then is a new edition listing the
signature; the supervisor schedules and records the feedback interview from the inbox;
the employee confirms the record; HR sees it filed as held on time; at 390 px the page
still reads. A low result's improvement plan is shown in next month's review.
Screenshots in zh-Hans at 1280 and 390 px go to $JIXIAO_SHOTS when set."""

import io
import os
from pathlib import Path

import pytest
from django.test import override_settings

from engine.demo.people import password
from engine.followup.models import FollowUp
from tests.browser.conftest import log_in
from tests.month import STAFF_VALUES, at, open_workshop, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name: str) -> None:
    where = os.environ.get("JIXIAO_SHOTS")
    if where:
        page.screenshot(path=os.path.join(where, f"{name}.png"), full_page=True)


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    pages = PdfReader(io.BytesIO(data)).pages
    return "\n".join(p.extract_text() for p in pages).replace("\x00", "")


@override_settings(DEBUG=True, JIXIAO_FORMS_AHEAD=["zh-hans"])
def test_publish_acknowledge_interview_confirm_filed(live_server, browser, litong_live, set_clock):
    """the GM approves on the page → the form is kept (edition 1, no signature) →
    employee acknowledges with the password → the downloaded form is edition 2 with
    the signature → supervisor schedules and records → employee confirms → HR sees it
    filed."""
    from engine.archive.models import AppraisalDocument
    from engine.archive.selectors import document_bytes

    w = open_workshop(litong_live)
    a = w.a["staff02"]
    set_clock(at(2026, 11, 1))
    submit(a, "self", w.u["staff02"])
    set_clock(at(2026, 11, 4))
    submit(a, "supervisor", w.u["workshop_head"], {"values": STAFF_VALUES})
    set_clock(at(2026, 11, 6))
    submit(a, "hr", w.u["hr"])
    set_clock(at(2026, 11, 10))
    base = live_server.url
    ctx, page = log_in(browser, base, "gm", viewport={"width": 1280, "height": 900})
    page.goto(f"{base}/appraisals/{a.pk}/")
    page.click("#submit")
    page.click("#publish-confirm button")
    page.wait_for_selector("[role=status]")
    ctx.close()
    first = AppraisalDocument.objects.get(appraisal=a)  # kept after the commit
    assert (first.edition, first.signatures) == (1, 0)
    set_clock(at(2026, 11, 11, 10))

    ctx, page = log_in(browser, base, "staff02", viewport={"width": 1280, "height": 900})
    page.goto(f"{base}/appraisals/{a.pk}/")
    page.click("#after-link a")
    page.wait_for_selector("#sign-form")
    assert "结果之后" in page.locator("h1").inner_text()
    page.check("input[name=decision][value=acknowledged]")
    page.fill("#id_password", "not-my-password")
    page.click("#sign-button")
    assert page.locator("[data-field=password]").first.is_visible()
    page.check("input[name=decision][value=acknowledged]")
    page.fill("#id_password", password())
    page.click("#sign-button")
    page.wait_for_selector("#done-message")
    assert page.locator("#ack-history tr[data-status=signed]").count() == 1
    shot(page, "after-employee-1280")
    page.click("#result-link")
    with page.expect_download() as got:
        page.click("#form-pdf a[download]:not(.earlier-edition)")
    text = pdf_text(Path(got.value.path()).read_bytes())
    assert "被考核人确认（已签字）" in text and "2026-11-11 10:00" in text
    assert AppraisalDocument.objects.filter(appraisal=a).count() == 2
    assert "被考核人确认（已签字）" not in pdf_text(document_bytes(first))
    assert page.locator("#form-pdf a.earlier-edition").count() == 1
    ctx.close()

    ctx, page = log_in(browser, base, "workshop_head", viewport={"width": 1280, "height": 900})
    page.goto(f"{base}/inbox/")
    page.click(f"#after-inbox a[href='/appraisals/{a.pk}/after/']")
    page.wait_for_selector("#schedule-form")
    page.fill("#id_when", "2026-11-12T09:30")  # set for tomorrow…
    page.fill("#id_place", "车间办公室")
    page.click("#schedule-form button")
    page.wait_for_selector("#done-message")
    page.fill("#id_held_at", "2026-11-11T09:30")  # …held this morning after all
    page.fill("#id_strengths", "准时交付，主动分担")
    page.fill("#id_gaps", "质量记录不全")
    page.fill("#id_actions", "每周五前补齐记录")
    shot(page, "after-supervisor-1280")
    page.click("#record-form button")
    page.wait_for_selector("#interview-strengths")
    ctx.close()

    ctx, page = log_in(browser, base, "staff02", viewport={"width": 390, "height": 844})
    page.goto(f"{base}/appraisals/{a.pk}/after/")
    page.check("input[name=response][value=confirmed]")
    page.click("#respond-form button")
    page.wait_for_selector("#done-message")
    assert "已确认" in page.locator("#interview-response").inner_text()
    # nothing wider than the screen at 390 px
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "after-employee-390")
    ctx.close()

    f = FollowUp.objects.get(appraisal=a, kind="interview")
    assert (f.state, f.response, f.late) == ("done", "confirmed", False)

    ctx, page = log_in(browser, base, "hr", viewport={"width": 1280, "height": 900})
    page.goto(f"{base}/hr/cycles/?company=litong")
    page.click("#nav-followup")
    row = page.locator(f"#followup-people tr[data-appraisal='{a.pk}']")
    assert row.get_attribute("data-interview") == "held"
    assert row.get_attribute("data-ack") == "signed"
    assert "按时面谈" in row.inner_text()
    shot(page, "after-hr-board-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    shot(page, "after-hr-board-390")
    ctx.close()


# a weak month: slow answers, late tickets, unhappy customers
SUPPORT = {
    "response_time": 45,
    "ticket_on_time": "0.9",
    "csat": "4.0",
    "first_contact_resolution": "0.8",
    "kb_contributions": 1,
    "training_pass_rate": "0.8",
}


@override_settings(DEBUG=True)
def test_a_low_result_opens_a_plan_the_next_months_review_shows(
    live_server, browser, litong_live, set_clock
):
    """support06's October result asks for an improvement plan: cs_head adds a goal on
    the after-the-result page; in November's review of support06 the page shows
    October's plan with the goal; cs_head follows its link, checks the goal in as
    reached, and the review shows it reached (zh-Hans, 1280 and 390 px)."""
    from engine.appraisals import services as appraisals
    from tests.month import open_department

    w = open_department(litong_live, "cs")
    a, u = w.a["support06"], w.u
    appraisals.appraisal_set_inputs(actor=u["hr"], appraisal=a, system_values=SUPPORT)
    set_clock(at(2026, 11, 1))
    submit(a, "self", u["support06"])
    set_clock(at(2026, 11, 4))
    submit(a, "supervisor", u["cs_head"])
    set_clock(at(2026, 11, 6))
    submit(a, "hr", u["hr"])
    set_clock(at(2026, 11, 10))
    submit(a, "gm", u["gm"])
    a.refresh_from_db()
    assert a.result["outcomes"]["improvement_plan_required"] is True
    assert a.total < 70, a.total  # a low result
    set_clock(at(2026, 11, 11, 10))
    base = live_server.url

    ctx, page = log_in(browser, base, "cs_head", viewport={"width": 1280, "height": 900})
    page.goto(f"{base}/appraisals/{a.pk}/after/")
    page.wait_for_selector("#plan #goal-form")
    page.fill("#id_goal", "首次响应时长降到 20 秒以内")
    page.fill("#id_due_date", "2026-11-30")
    page.click("#goal-form button")
    page.wait_for_selector("#done-message")
    assert "首次响应时长降到 20 秒以内" in page.locator("#plan-goals").inner_text()
    shot(page, "after-plan-1280")
    ctx.close()

    # November: the cycle opens; support06 hands in the self-review; cs_head reviews
    set_clock(at(2026, 11, 30, 9))
    nxt = appraisals.cycle_open(
        targets_later=True,
        actor=u["hr"],
        company=w.company,
        kind="month",
        period="2026-11",
        department_ids=[a.department_id],
    )
    new = nxt.appraisals.get(employee=a.employee)
    set_clock(at(2026, 12, 1, 10))
    submit(new, "self", u["support06"])

    ctx, page = log_in(browser, base, "cs_head", viewport={"width": 1280, "height": 900})
    page.goto(f"{base}/appraisals/{new.pk}/")
    card = page.locator("#previous-plan")
    assert "2026-10" in card.locator("h2").inner_text()
    assert "首次响应时长降到 20 秒以内" in card.inner_text()
    assert card.locator(".badge").count() == 0  # not checked in yet
    shot(page, "review-with-plan-1280")
    card.locator(f"a[href='/appraisals/{a.pk}/after/']").click()
    page.wait_for_selector("#plan-goals form.check-in")
    page.fill("#plan-goals form.check-in input[name=note]", "11 月平均 18 秒")
    page.check("#plan-goals form.check-in input[name=done]")
    page.click("#plan-goals form.check-in button")
    page.wait_for_selector("#done-message")
    page.goto(f"{base}/appraisals/{new.pk}/")
    assert page.locator("#previous-plan .badge").inner_text() == "已达成"
    assert "11 月平均 18 秒" in page.locator("#previous-plan .check-in").inner_text()
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "review-with-plan-390")
    ctx.close()
