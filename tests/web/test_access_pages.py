"""Refusals that say what is true: the audit trail refuses a non-reader before reading
any filter; HR and the GM of one company opening the other company's page are told it
is another company's (not "HR only"); another company's cycle on the GM's page is not
found; the cycle form speaks the page's language and says where missing targets go; a
GET on a button's action leads to its page instead of a blank 405."""

import pytest
from django.test import Client

from tests.month import at, open_department

pytestmark = pytest.mark.django_db


def client_for(user, lang="zh-hans"):
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    c.force_login(user)
    return c


@pytest.mark.parametrize("query", ["since=x", "cycle=4", "company=litong", "until=2026-13-40"])
def test_the_trail_refuses_a_non_reader_before_reading_filters(litong, query):
    """yjboard may not read the trail: any filter, valid or malformed, gets the same 403
    in words, with no filter form and no verify button on it."""
    c = client_for(litong.u["yjboard"])
    r = c.get(f"/audit/?{query}")
    body = r.content.decode()
    assert r.status_code == 403
    assert "<form" not in body.split("<main", 1)[-1] or "verify" not in body
    assert 'id="verification"' not in body and "trail-filter" not in body
    r = c.get(f"/audit/export.csv?{query}")
    assert r.status_code == 403


def test_hr_of_another_company_is_told_it_is_another_companys_page(litong, set_clock):
    """yj_hr opening Litong's HR pages (by ?company= or a Litong cycle's board) is HR:
    the page says it is another company's, never "仅限人事"."""
    w = open_department(litong, "workshop")
    c = client_for(litong.u["yj_hr"])
    for url in (
        "/hr/cycles/?company=litong",
        f"/hr/cycles/{w.cycle.pk}/",
        f"/hr/cycles/{w.cycle.pk}/inputs/",
        f"/hr/cycles/{w.cycle.pk}/payroll/",
    ):
        r = c.get(url)
        body = r.content.decode()
        assert r.status_code == 403, url
        assert "仅限人事" not in body and "另一家公司" in body and "亿佳丽" in body, url
    # someone who is HR nowhere still reads "HR only"
    assert "仅限人事" in client_for(litong.u["ecom02"]).get("/hr/cycles/").content.decode()


def test_the_gm_pages_of_another_company_say_so_and_its_cycles_are_not_found(litong, set_clock):
    """yj_gm on /gm/?company=litong is told it is another company's page; gm asking for
    Yijiali's page likewise; /gm/?cycle=<Litong's cycle> as yj_gm is not found (404 in
    words), never "no cycle yet"."""
    w = open_department(litong, "workshop")
    yj = client_for(litong.u["yj_gm"])
    body = yj.get("/gm/?company=litong").content.decode()
    assert "仅限总经理" not in body and "另一家公司" in body
    body = client_for(litong.u["gm"]).get("/gm/?company=yijiali").content.decode()
    assert "仅限总经理" not in body and "力同" in body
    r = yj.get(f"/gm/?cycle={w.cycle.pk}")
    body = r.content.decode()
    assert r.status_code == 404 and "没有这个考核周期" in body and "还没有考核周期" not in body
    r = client_for(litong.u["gm"]).get(f"/gm/?cycle={w.cycle.pk}")
    assert r.status_code == 200


def test_opening_a_period_twice_is_said_in_chinese_and_targets_go_to_their_page(litong, set_clock):
    """HR opens 2026-10 for the workshop, then again: the refusal is in Chinese. Opening
    customer service (whose e-commerce targets are missing) says where they are given
    (not "请现在填写"); ticking the box opens it and leads to its targets page."""
    set_clock(at(2026, 10, 31, 9))
    c = client_for(litong.u["hr"])
    dept = {d.code: d.pk for d in litong.company.departments.all()}
    r = c.post(
        "/hr/cycles/",
        {"company": "litong", "kind": "month", "period": "2026-10", "departments": [dept["cs"]]},
    )
    body = r.content.decode()
    assert r.status_code == 400 and "请现在填写" not in body and "目标页面" in body
    r = c.post(
        "/hr/cycles/",
        {
            "company": "litong",
            "kind": "month",
            "period": "2026-10",
            "departments": [dept["cs"]],
            "targets_later": "1",
        },
    )
    assert r.status_code == 302 and r.url.endswith("/inputs/")
    for extra in ({"targets_later": "1"}, {}):  # taken is said first, targets or not
        r = c.post(
            "/hr/cycles/", {"company": "litong", "kind": "month", "period": "2026-10", **extra}
        )
        body = r.content.decode()
        assert r.status_code == 409 and "already open" not in body and "已经开启" in body


def test_a_get_on_a_buttons_action_leads_to_its_page(litong, set_clock):
    """A GET on /appraisals/<id>/steps/<id>/submit/ goes to the appraisal's page; on
    /hr/cycles/<id>/payroll.xlsx to the payroll page; never a blank 405. The API keeps
    its 405."""
    w = open_department(litong, "workshop")
    a = w.a["staff02"]
    s = a.steps.get(code="self")
    c = client_for(litong.u["staff02"])
    r = c.get(f"/appraisals/{a.pk}/steps/{s.pk}/submit/")
    assert r.status_code == 302 and r.url == f"/appraisals/{a.pk}/"
    page = c.get(r.url).content.decode()
    assert "按钮" in page
    hr = client_for(litong.u["hr"])
    r = hr.get(f"/hr/cycles/{w.cycle.pk}/payroll.xlsx")
    assert r.status_code == 302 and r.url == f"/hr/cycles/{w.cycle.pk}/payroll/"
    assert hr.get(r.url).status_code == 200
