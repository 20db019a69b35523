"""Second set of hand-computed cases, made from the seeds: the six defects the
fidelity review found, and its two notes (docs/policies.md)."""

import pytest

from engine.plugins.registry import get_template
from engine.scoring import ScoringInputError

from . import ind, run

ALL = ("self", "supervisor", "manager")
REP = {
    "orders": 20,
    "net_revenue": 1500000,
    "collection": 1,
    "new_customers": 5,
    "customer_satisfaction": 5,
    "customer_churn": 5,
    "information": 5,
    "teamwork": 5,
    "discipline": 5,
}
REP_T = {"orders": 20, "net_revenue": 1500000, "collection": 1}


def test_a_partly_entered_behaviour_sheet_is_refused_naming_the_missing_items():
    """Defect 2: one behaviour item entered and 27 left out is an error naming them, not 27
    silent zeros that grade the month 不合格."""
    values = {**REP, "b_loyalty": dict.fromkeys(ALL, "优")}
    with pytest.raises(ScoringInputError, match="behaviour sheet is all or nothing") as err:
        run("sales", "sales_rep", values=values, targets=REP_T)
    assert (err.value.field, err.value.rule) == ("values.b_harmony", "incomplete")
    assert "b_work_efficiency" in err.value.message
    # no sheet at all is fine: the month takes the appraisal's own grade
    # 10 + 45 + 10 + 5 + 10 + 5 + 5 + 5 + 5 = 100 → excellent → monthly coefficient 1.10
    r = run("sales", "sales_rep", values=REP, targets=REP_T)
    assert (r["total"], r["outcomes"]["monthly_coefficient"]) == ("100.00", "1.10")


def test_the_lead_has_no_behaviour_sheet():
    """Defect 3: the behaviour sheet is for commission earners except the lead (组长除外)."""
    lead = get_template("sales", "sales_lead")
    assert not [i for i in lead.indicators if i.code.startswith("b_")]
    assert not [s for s in lead.sections if s.sheet]
    fin = {"team_net_revenue": 1000, "personal_net_profit": 100, "collection": 1}
    scales = {i.code: 5 for i in lead.indicators if i.rule == "scale"}  # every scale item at 5 of 5
    with pytest.raises(ScoringInputError) as err:
        run(
            "sales",
            "sales_lead",
            values={**fin, **scales, "b_loyalty": dict.fromkeys(ALL, "优")},
            targets=fin,
        )
    assert (err.value.field, err.value.rule) == ("values.b_loyalty", "unknown")


def test_late_steps_only_apply_to_roles_that_hold_the_step():
    """Defect 4: a cashier never holds the dept_head step, so `late_steps: ["dept_head"]` is
    refused; the head of finance, who holds it, loses 15% of their own total."""
    full = {"values": {}}
    with pytest.raises(ScoringInputError, match="penalised for cashier are") as err:
        run("finance_warehouse", "cashier", late_steps=["dept_head"], **full)
    assert (err.value.field, err.value.rule) == ("late_steps[0]", "unknown")
    # full marks 100 × (1 − 0.15) = 85.00 → b
    r = run("finance_warehouse", "finance_head", late_steps=["dept_head"], **full)
    assert (r["total"], r["grade"]) == ("85.00", "b")
    # the cashier's own late self-review still costs 10%: 100 × 0.90 = 90.00
    assert run("finance_warehouse", "cashier", late_steps=["self"], **full)["total"] == "90.00"
    # a support agent never reviews anyone; the CS supervisor does
    with pytest.raises(ScoringInputError):
        run("customer_service", "support_agent", values={}, late_steps=["supervisor"])


def test_a_negative_monthly_net_revenue_scores_zero():
    """Defect 5: 净营业额 = 回收款项 − 成本 may be negative; the item then scores 0 and the
    month earns no commission."""
    # net_revenue −20000 / 1500000 → ratio floor 0 → 0 of 45; the rest 55 → 55.00 → fail
    r = run(
        "sales",
        "sales_rep",
        values={**REP, "net_revenue": -20000},
        targets=REP_T,
        context={"net_revenue": -20000, "tier": "II"},
    )
    assert ind(r, "net_revenue") == "0.00"
    assert (r["total"], r["grade"]) == ("55.00", "fail")
    o = r["outcomes"]
    assert (o["commission"], o["commission_paid"], o["risk_reserve"]) == ("0.00", "0.00", "0.00")


def test_rates_and_coefficients_are_published_exactly():
    """Defect 6: the lead's 0.13% is published as "0.0013", never "0.00"; money to 2 places."""
    lead = get_template("sales", "sales_lead")
    fin = {"team_net_revenue": 1000, "personal_net_profit": 100, "collection": 1}
    scales = {i.code: 5 for i in lead.indicators if i.rule == "scale"}
    # 35 + 15 + 5 + 9 × 5 = 100 → excellent (×1.1 monthly); tier II rate 0.13%:
    # 1,234,567.89 × 0.0013 × 1.1 = 1765.432082… → 1765.43; paid 70% = 1235.80; reserve 529.63
    r = run(
        "sales",
        "sales_lead",
        values={**fin, **scales},
        targets=fin,
        context={"net_revenue": "1234567.89", "tier": "II", "achievement": "0.955"},
    )
    o = r["outcomes"]
    assert o["commission_rate"] == "0.0013"
    assert (o["commission"], o["commission_paid"], o["risk_reserve"]) == (
        "1765.43",
        "1235.80",
        "529.63",
    )
    assert (o["grade_coefficient"], o["monthly_coefficient"], o["bonus_factor"]) == (
        "1.30",
        "1.10",
        "0.955",
    )


ECOM_T = {
    "sales_completion": 1,
    "inquiry_conversion": 0.5,
    "payment_success": 0.95,
    "avg_order_value": 200,
}
ECOM_FULL = {
    "sales_completion": 1,
    "inquiry_conversion": 0.5,
    "payment_success": 0.95,
    "avg_order_value": 200,
    "reply_rate": 1,
    "response_time": 0,
    "follow_up": 5,
    "execution": 10,
}


def test_agent_level_needs_two_appraisals_in_a_row():
    """Note 1 (seeds 002/003): one appraisal at 100 grants no level; September 91 then
    October 100, both ≥ 90 → senior; August 91 then October (a gap) → none."""

    def level(**kw):
        r = run(
            "customer_service",
            "ecommerce_agent",
            values=ECOM_FULL,
            targets=ECOM_T,
            context={"period": "2026-10"},
            **kw,
        )
        # every item at or above target: 30 + 30 + 10 + 5 + 5 + 5 + 5 + 10 = 100
        assert r["total"] == "100.00"
        return r["outcomes"]["agent_level"]

    assert level() is None
    assert level(history=[{"period": "2026-09", "total": "91.00"}]) == "senior"
    assert level(history=[{"period": "2026-09", "total": "85.00"}]) == "intermediate"
    assert level(history=[{"period": "2026-08", "total": "91.00"}]) is None


def test_salary_grade_change_is_what_the_range_allows_and_grades_are_whole():
    """Note 2: +2 on grade 8 in a range topping at 9 grants +1 and new grade 9 (not "9.00");
    a fractional salary grade is refused."""
    researcher = get_template("rnd", "researcher")
    values = {i.code: "优" for i in researcher.indicators if i.rule == "rating"}
    values |= {
        "dev_cycle_ahead": 15,
        "review_pass_rate": 1,
        "plan_completion": 1,
        "unproducible_results": 0,
        "cost_reduction": "0.10",
    }
    # perf 100 × 0.7 + attitude 100 × 0.15 + ability 110 × 100/110 × 0.15 = 100 > 95 → +2
    r = run(
        "rnd",
        "researcher",
        values=values,
        targets={"cost_reduction": "0.10"},
        context={"salary_grade": 8, "salary_grade_max": 9},
    )
    o = r["outcomes"]
    assert (r["total"], o["salary_grade_change"], o["new_salary_grade"]) == ("100.00", 1, 9)
    with pytest.raises(ScoringInputError) as err:
        run(
            "rnd",
            "researcher",
            values=values,
            targets={"cost_reduction": "0.10"},
            context={"salary_grade": "8.5"},
        )
    assert (err.value.field, err.value.rule) == ("context.salary_grade", "integer")
