"""The payroll walk (tester's findings): the demo pays every final row; the payroll page
warns before the export how many rows have no pay and why, linking to where to fix it;
the English file names departments, roles and grades in English words, not codes."""

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from engine.appraisals.models import Appraisal, Cycle
from engine.payroll.rows import pay_rows
from engine.payroll.selectors import no_pay
from engine.payroll.services import payroll_export
from tests.month import at, demo_month
from tests.payroll.test_export_and_trail import finalised  # noqa: F401

pytestmark = pytest.mark.django_db


def test_the_demo_pays_every_final_row(set_clock):
    """Support agents and R&D grades carry the demo company's pay coefficients: every
    final row of the finished month has performance pay, and the page warns of none."""
    set_clock(at(2026, 11, 23, 10))
    demo_month(finished_months=1)
    cycle = (
        Cycle.objects.filter(company__code="litong", appraisals__state=Appraisal.State.FINAL)
        .distinct()
        .order_by("-pk")
        .first()
    )
    rows = pay_rows(cycle, english=True)
    roles = {r[3] for r in rows}
    assert {"Support agent", "Researcher", "Technician", "Designer"} <= roles, roles
    assert [r for r in rows if r[8] is None] == []
    assert no_pay(cycle, english=True) == []


def test_the_page_says_before_the_export_which_rows_have_no_pay(finalised):  # noqa: F811
    """The workshop's two final rows have no base pay entered: the page says so above
    the export buttons, in words, with a link to the cycle's inputs."""
    w, _appeal = finalised
    groups = no_pay(w.cycle, english=False)
    assert [(g.kind, g.count, g.names) for g in groups] == [("no_base", 2, ["职员"])]
    hr = Client()
    hr.force_login(w.u["hr"])
    url = f"/hr/cycles/{w.cycle.pk}/payroll/"
    page = hr.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    warning = page.split('id="payroll-no-pay"', 1)[1].split("</div>", 1)[0]
    assert page.index('id="payroll-no-pay"') < page.index('id="payroll-xlsx"')
    assert "文件中有 2 行没有绩效工资。" in warning
    assert "2 人未录入绩效工资基数或月工资（岗位：职员）。" in warning
    assert f'href="/hr/cycles/{w.cycle.pk}/inputs/"' in warning
    en = hr.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "2 rows of the file have no performance pay." in en
    assert "2 people have no base performance pay or monthly salary entered" in en
    # the step that confirms an export (when asked without confirm) repeats the count
    ask = hr.post(f"/hr/cycles/{w.cycle.pk}/payroll.xlsx", HTTP_ACCEPT_LANGUAGE="en")
    assert "2 rows have no performance pay" in ask.content.decode()


def test_the_english_file_names_departments_roles_and_grades_in_english(finalised):  # noqa: F811
    """No Chinese department name and no lower-case code in the English workbook."""
    w, _appeal = finalised
    export = payroll_export(actor=w.u["hr"], cycle=w.cycle, fmt="xlsx", language="en")
    sheet = load_workbook(io.BytesIO(export.content))["Payroll"]
    body = list(sheet.iter_rows(min_row=3, values_only=True))
    assert len(body) == 2
    grades = {"Outstanding", "Good", "Pass", "Poor", "Very poor"}
    for r in body:
        assert r[2] == "Workshop" and r[3] == "Staff" and r[5] in grades, r
    zh = payroll_export(actor=w.u["hr"], cycle=w.cycle, fmt="xlsx")
    body = list(load_workbook(io.BytesIO(zh.content))["绩效工资"].iter_rows(values_only=True))
    assert {r[2] for r in body[2:]} == {"生产车间"} and {r[3] for r in body[2:]} == {"职员"}
