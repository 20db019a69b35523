"""The payroll page and file in HR's words (issue 20, fresh-eyes walk): no "pay table"
or "tier" — the salary scale (业务人员薪酬标准表) and the pay level (职等, Ⅰ级/Ⅱ级/Ⅲ级)
as the company's policy names them, with the base performance pay (绩效工资基数) and the
pay coefficient (绩效系数), each with a short help on the page and in the file."""

import io
import re

import pytest
from django.test import Client
from openpyxl import load_workbook

from engine.payroll.words import inputs_words, value_words
from engine.plugins.registry import population_rules
from tests.payroll.test_export_and_trail import finalised  # noqa: F401

pytestmark = pytest.mark.django_db
UNCLEAR = re.compile(r"\bpay table\b|\btiers?\b|档\b", re.I)


def test_the_pay_level_and_the_salary_scale_are_named_as_hr_names_them():
    """The pay-table rule, its inputs and flags read 薪酬标准表 / 职等 / Ⅰ级, never tier."""
    rule = next(r for r in population_rules("sales") if r.code == "pay_table")
    assert not UNCLEAR.search(rule.name_zh + rule.name_en)
    assert "薪酬标准表" in rule.name_zh and "职等" in rule.name_zh
    zh = inputs_words({"position": "sales_rep", "tier": "II"}, english=False)
    assert zh == "岗位：外贸业务员；职等：Ⅱ级"
    en = inputs_words({"position": "sales_rep", "tier": "II"}, english=True)
    assert en == "Position: Sales representative; Pay level (职等): level Ⅱ"
    assert not UNCLEAR.search(zh + en)
    assert value_words("current_tier", "III", english=False) == "Ⅲ级"


def test_the_page_and_the_file_explain_the_pay_words(finalised):  # noqa: F811
    """The payroll page and the file's About sheet explain each pay word briefly."""
    w, _appeal = finalised
    hr = Client()
    hr.force_login(w.u["hr"])
    url = f"/hr/cycles/{w.cycle.pk}/payroll/"
    page = hr.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    glossary = page.split('id="payroll-glossary"', 1)[1].split("</details>", 1)[0]
    for term in ("绩效工资基数", "绩效系数", "业务人员薪酬标准表", "职等"):
        assert f"<dt>{term}" in glossary
    assert "绩效工资 = 绩效工资基数 × 等级的绩效系数" in glossary
    en = hr.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Pay level (职等" in en and not UNCLEAR.search(en)
    r = hr.post(
        f"/hr/cycles/{w.cycle.pk}/payroll.xlsx", {"confirm": "1"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    about = dict(
        load_workbook(io.BytesIO(r.content))["说明"].iter_rows(min_row=2, values_only=True)
    )
    assert "用语说明" in about and about["绩效系数"].startswith("考核等级对应的系数")
