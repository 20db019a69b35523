"""Payroll complete (ux.md, "Payroll export"; issue 20): every pay column filled or the
row says why in words; sales commission from the pack's outcomes; every sheet in the
reader's language and the company's time zone."""

import dataclasses
import datetime as dt
import io
from decimal import Decimal as D

import pytest
from django.test import Client
from openpyxl import load_workbook

from engine.payroll.services import payroll_export
from engine.plugins.registry import get_template
from engine.scoring import score
from tests.golden.test_customer_service import support
from tests.payroll.test_export_and_trail import finalised  # noqa: F401

pytestmark = pytest.mark.django_db

REP_VALUES = {
    "orders": 10,
    "net_revenue": 250000,
    "collection": 1,
    "new_customers": 4,
    "customer_satisfaction": 4,
    "customer_churn": 4,
    "information": 4,
    "teamwork": 4,
    "discipline": 4,
}
REP_TARGETS = {"orders": 10, "net_revenue": 250000, "collection": 1}


def test_rep_commission_from_the_measured_net_revenue():
    # orders 10 + net revenue 45 + collection 10 = 65; scales 4/5 of 35 = 28 → 93.00
    # → excellent (91–100), grade coefficient 1.3, the month's coefficient 1.1.
    # No `context.net_revenue`: the measured indicator (250000) is the month's figure:
    # commission 250000 × 0.82% × 1.1 = 2255.00; 70% paid 1578.50; 30% held 676.50.
    # Performance pay (inherited from the company policy): 3000 × 1.3 = 3900.00.
    """The commission no longer waits for the net revenue to be typed twice."""
    r = score(
        get_template("sales", "sales_rep"),
        {"values": REP_VALUES, "targets": REP_TARGETS, "context": {"base_performance_pay": 3000}},
    ).to_json()
    o = r["outcomes"]
    assert (r["total"], r["grade"]) == ("93.00", "excellent")
    assert (o["commission"], o["commission_paid"], o["risk_reserve"]) == (
        "2255.00",
        "1578.50",
        "676.50",
    )
    assert (o["base_performance_pay"], o["performance_pay"]) == ("3000.00", "3900.00")
    assert o["net_revenue"] == "250000.00"  # handed on to the pay table's tier


def test_a_loss_earns_no_commission_and_context_wins():
    # a given figure wins over the indicator: 100000 × 0.82% × 1.1 = 902.00;
    # a loss (−5000) earns 0, never a negative commission.
    """The context's figure, when given, is the one paid on; a loss pays nothing."""
    t = get_template("sales", "sales_rep")
    given = {"values": REP_VALUES, "targets": REP_TARGETS, "context": {"net_revenue": 100000}}
    assert score(t, given).to_json()["outcomes"]["commission"] == "902.00"
    loss = {"values": {**REP_VALUES, "net_revenue": -5000}, "targets": REP_TARGETS}
    assert score(t, loss).to_json()["outcomes"]["commission"] == "0.00"
    # in a monthly cycle the measured figure is the month's; in a quarter it is not
    month = {**loss, "values": REP_VALUES, "context": {"period": "2026-10"}}
    assert score(t, month).to_json()["outcomes"]["commission"] == "2255.00"
    quarter = {**month, "context": {"period": "2026-Q4"}}
    assert "commission" not in score(t, quarter).to_json()["outcomes"]


def _with_coefficients(t, coefficients):
    grades = tuple(dataclasses.replace(g, coefficient=coefficients[g.code]) for g in t.grades)
    return dataclasses.replace(t, grades=grades)


def test_support_and_rnd_pay_once_their_grades_carry_a_coefficient():
    # Support agent at every target: 100 → S. Seed 001 gives S/A/B/C no coefficient: no
    # pay. With HR's coefficient S 1.5: 3000 × 1.5 = 4500.00.
    """The packs inherit the company's performance pay; a grade without a coefficient
    pays none (and the payroll row says so)."""
    plain = support()
    assert plain["grade"] == "S" and "performance_pay" not in plain["outcomes"]
    t = _with_coefficients(
        get_template("customer_service", "support_agent"),
        {"S": D("1.5"), "A": D("1.2"), "B": D("1.0"), "C": D("0.5")},
    )
    values = {
        "response_time": 30,
        "ticket_on_time": 0.98,
        "csat": 4.5,
        "first_contact_resolution": 0.90,
        "kb_contributions": 3,
        "training_pass_rate": 1.0,
    }
    o = score(t, {"values": values, "context": {"monthly_salary": 10000}}).to_json()["outcomes"]
    # base = 30% of the monthly salary: 10000 × 0.30 = 3000.00; × 1.5 = 4500.00
    assert (o["base_performance_pay"], o["performance_pay"]) == ("3000.00", "4500.00")
    assert o["improvement_plan_required"] is True


def test_the_xlsx_every_row_paid_or_explained(finalised, set_clock):  # noqa: F811
    """zh-Hans: the workbook's sheets and headers are Chinese; the workshop's rows have
    no base pay entered, so each says so naming the position; commission is 0 (staff earn
    none); the partial file warns above a frozen header; the about sheet's time is a
    date-time cell in the company's zone (Asia/Shanghai)."""
    w, _appeal = finalised
    export = payroll_export(actor=w.u["hr"], cycle=w.cycle, fmt="xlsx")
    book = load_workbook(io.BytesIO(export.content))
    assert book.sheetnames == ["绩效工资", "更正", "群体规则", "未包含", "说明"]
    sheet = book["绩效工资"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "注意：还有 1 份考核尚未定稿，未包含在本文件中（见“未包含”表）"
    assert rows[1] == (
        "工号",
        "姓名",
        "部门",
        "岗位角色",
        "总分",
        "等级",
        "绩效系数",
        "绩效工资基数（元）",
        "绩效工资（元）",
        "提成（元）",
        "本月发放提成（元）",
        "风险金（元）",
        "补贴扣减比例",
        "结果版本",
        "说明",
    )
    assert sheet.freeze_panes == "A3"
    body = rows[2:]
    assert len(body) == 2
    for r in body:
        paid = r[7:13]
        assert all(v is not None for v in paid) or r[14], r  # filled, or the note says why
        assert r[14] == (
            "绩效工资：未录入绩效工资基数或月工资（岗位：职员），请在“目标与指标”中录入"
        )
        assert r[9:12] == (0, 0, 0) and isinstance(r[4], float | int)
    for ws in book.worksheets:
        header_row = 3 if ws.title == "绩效工资" else 2
        assert ws.freeze_panes == f"A{header_row}"
    about = dict(book["说明"].iter_rows(min_row=2, values_only=True))
    # the clock says 16 Nov 2026 09:00 in Shanghai (01:00 UTC): the cell holds 09:00
    assert about["导出时间"] == dt.datetime(2026, 11, 16, 9, 0)
    assert book["说明"]["B4"].is_date and about["时区"] == "Asia/Shanghai"
    assert about["本文件人数"] == 2 and about["未定稿、未包含的人数"] == 1
    missing = list(book["未包含"].iter_rows(values_only=True))
    assert missing[0] == ("工号", "姓名", "状态", "当前步骤")
    assert missing[1][1] == w.a["staff02"].employee.name and missing[1][2] == "已发布"


def test_the_payroll_page_summarises_before_the_export(finalised):  # noqa: F811
    """HR sees what the file will hold and why a row has a note, then exports (POST);
    others are refused."""
    w, _appeal = finalised
    hr = Client()
    hr.force_login(w.u["hr"])
    url = f"/hr/cycles/{w.cycle.pk}/payroll/"
    page = hr.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "工资导出" in page and "未录入绩效工资基数或月工资（岗位：职员）" in page
    assert w.a["staff02"].employee.name in page  # left out, named
    assert f'action="/hr/cycles/{w.cycle.pk}/payroll.xlsx"' in page and "尚未导出。" in page
    # The page is the summary, so its buttons carry confirm=1 and export at once.
    assert 'name="confirm" value="1"' in page
    hr.post(f"/hr/cycles/{w.cycle.pk}/payroll.xlsx", {"confirm": "1"})
    assert "尚未导出。" not in hr.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    staff = Client()
    staff.force_login(w.u["staff03"])
    assert staff.get(url).status_code == 403
