"""HR's home page says what waits on HR (a user walk of the demo month found none):
per open cycle the steps waiting for HR's review, the overdue steps and the inputs
still missing, per company the appeal steps HR must answer — each with a link to the
page where it is handled, counted as those pages count them, in few queries."""

import re

import pytest
from django.test import Client

from engine.appeals import services as appeals
from tests.month import at, open_customer_service, run_chain, submit
from tests.web.visible import raw_codes, visible_text

pytestmark = pytest.mark.django_db


def client_for(user, lang="zh-hans"):
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    c.force_login(user)
    return c


def _cs_month(litong, set_clock):
    """Customer service's October: ecom02 at HR's review; the other agents' self-reviews
    overdue on 20 November; their metrics not loaded."""
    a = open_customer_service(litong, set_clock)
    set_clock(at(2026, 11, 1))
    submit(a, "self", litong.u["ecom02"], {"values": {"follow_up": 4, "execution": 8}})
    submit(a, "supervisor", litong.u["cs_head"], {"values": {"follow_up": 4, "execution": 8}})
    set_clock(at(2026, 11, 20, 10))
    return a


def test_hr_home_says_what_waits_on_hr_with_links_in_few_queries(
    litong, set_clock, django_assert_max_num_queries
):
    """HR's home: per open cycle the steps waiting for HR's review (to the inbox of that
    cycle), the overdue steps — the number the cycle board shows — (to the board,
    overdue only) and the targets and metrics still missing (to the targets page); in
    both languages, no code; and the whole page within the home page's 21 queries."""
    a = _cs_month(litong, set_clock)
    cycle = a.cycle
    hr = client_for(litong.u["hr"])
    hr.get("/")
    with django_assert_max_num_queries(21):
        page = hr.get("/").content.decode()
    card = page.split('id="home-hr"', 1)[1].split("</div>", 1)[0]
    text = visible_text(card)
    assert "待人事处理" in text and "2026-10 月度考核" in text
    assert "1 个步骤等待人事审核" in text
    assert f'href="/inbox/?cycle={cycle.pk}" class="home-hr-review"' in card
    board = hr.get(f"/hr/cycles/{cycle.pk}/").content.decode()
    late = re.search(r"(\d+) 个步骤逾期", visible_text(board.split('id="overdue-count"')[1]))
    assert late and f"{late.group(1)} 个步骤逾期" in text and int(late.group(1)) > 0
    assert f'href="/hr/cycles/{cycle.pk}/?late=on" class="home-hr-late"' in card
    missing = re.search(r"\d+ 项系统指标", visible_text(board.split('id="gaps"')[1]))
    assert "总经理审批前仍缺少" in text and missing and missing.group(0) in text
    assert f'href="/hr/cycles/{cycle.pk}/inputs/" class="home-hr-gaps"' in card
    assert raw_codes(card) == []
    en = visible_text(client_for(litong.u["hr"], "en").get("/").content.decode())
    assert "Waiting on HR" in en and "1 step waits for HR's review" in en


def test_hr_home_counts_the_appeals_hr_must_answer(workshop, set_clock):
    """An appeal passed on by the department head to HR's intake: HR's home counts it
    and links to the company's open appeals, where it is listed; nothing else waits."""
    a = run_chain(workshop, "staff02", set_clock, self_at=at(2026, 11, 1), sup_at=at(2026, 11, 4))
    set_clock(at(2026, 11, 11, 9))
    appeal = appeals.appeal_file(
        actor=workshop.u["staff02"], appraisal_id=a.pk, items=["attitude"], reason="x"
    )
    appeals.appeal_mediate(
        actor=workshop.u["workshop_head"], appeal_id=appeal.pk, resolved=False, note="n"
    )
    hr = client_for(workshop.u["hr"])
    card = hr.get("/").content.decode().split('id="home-hr"', 1)[1].split("</div>", 1)[0]
    assert "1 个申诉步骤等待人事答复" in visible_text(card)
    link = re.search(r'href="([^"]+)" class="home-hr-appeals"', card).group(1)
    assert link == "/hr/appeals/?company=litong&amp;state=open"
    listed = hr.get(link.replace("&amp;", "&")).content.decode()
    assert f'href="/appraisals/{a.pk}/' in listed


def test_nobody_but_hr_gets_the_card_and_an_idle_hr_reads_nothing_waits(litong):
    """An employee's home has no HR card; HR with no open cycle reads that nothing waits."""
    assert 'id="home-hr"' not in client_for(litong.u["ecom02"]).get("/").content.decode()
    page = client_for(litong.u["hr"]).get("/").content.decode()
    assert 'id="home-hr-nothing"' in page and "没有待人事处理的事项" in visible_text(page)
