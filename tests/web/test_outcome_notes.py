"""A result's money and yearly figures say how they were worked out."""

from django.utils import translation

from engine.payroll.words import glossary
from engine.plugins.registry import discover
from workflows.people.explain import outcome_note


def _template(pack: str, role: str):
    return next(e.pack.role(role) for e in discover() if e.valid and e.pack.name == pack)


SALES = {
    "monthly_coefficient": "0.80",
    "net_revenue": "62300.00",
    "commission_rate": "0.0082",
    "commission": "408.69",
    "commission_paid": "286.08",
    "risk_reserve": "122.61",
}


def test_commission_shows_every_factor_of_the_formula():
    """rep's commission line reads net revenue × rate × the month's coefficient = amount
    (62,300.00 × 0.82% × 0.80 = 408.69), never the coefficient left out."""
    t = _template("sales", "sales_rep")
    with translation.override("zh-hans"):
        note = outcome_note(t, "commission", SALES)
    assert note == "净营业额 62,300.00 元 × 提成比例 0.82% × 月度系数 0.80 = 408.69 元"
    with translation.override("en"):
        note = outcome_note(t, "commission", SALES)
    assert "× month's coefficient 0.80 = 408.69" in note
    with translation.override("zh-hans"):
        assert outcome_note(t, "risk_reserve", SALES) == "408.69 元 × 30% = 122.61 元"


def test_annual_total_is_explained_in_words():
    """年度总分 says it averages the year's section scores, weighted by the sections."""
    t = _template("rnd", "researcher")
    with translation.override("zh-hans"):
        note = outcome_note(t, "annual_total", {"annual_total": "82.08"})
    assert "工作业绩 70%" in note and "工作能力 15%" in note and "薪级调整" in note


def test_payroll_glossary_explains_commission_with_the_monthly_coefficient():
    """The payroll page's glossary gives the commission formula, coefficient included."""
    terms = dict(glossary(False))
    assert "月净营业额 × 提成比例 × 月度系数" in terms["提成"]
    assert "month's coefficient" in dict(glossary(True))["Commission (提成)"]
