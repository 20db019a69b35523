"""sales: representatives, assistants and leads (§4.4)."""

from . import run, sec

REP_T = {"orders": 20, "net_revenue": 1500000, "collection": 1}
ALL = ("self", "supervisor", "manager")


def rep(values, **kw):
    return run("sales", "sales_rep", values=values, targets=REP_T, **kw)


def test_rep_commission_with_reserve_and_bonus_factor():
    # orders 10×18/20 = 9; net 45×1.2M/1.5M = 36; collection 10×0.95 = 9.5;
    # scales 5×4/5 = 4, 10×5/5 = 10, 5×3/5 = 3, 4, 5, 4 → 84.5 → good (×1.1)
    # monthly coefficient of good = 1.0; commission 400000 × 0.92% × 1.0 = 3680 → 70% 2576, 30% 1104
    # achievement 135% > 120% → bonus factor 1.2
    """Sales rep: commission with its risk reserve and the bonus factor."""
    r = rep(
        {
            "orders": 18,
            "net_revenue": 1200000,
            "collection": 0.95,
            "new_customers": 4,
            "customer_satisfaction": 5,
            "customer_churn": 3,
            "information": 4,
            "teamwork": 5,
            "discipline": 4,
        },
        context={"net_revenue": 400000, "tier": "II", "achievement": 1.35},
    )
    assert (r["total"], r["grade"]) == ("84.50", "good")
    o = r["outcomes"]
    assert (o["grade_coefficient"], o["monthly_coefficient"]) == ("1.10", "1.00")
    assert (o["commission"], o["commission_paid"], o["risk_reserve"]) == (
        "3680.00",
        "2576.00",
        "1104.00",
    )
    assert o["bonus_factor"] == "1.20"


def test_rep_boundary_91_and_the_monthly_behaviour_sheet():
    # 10 + 45 + 10 + 5 + 10 + 5 + 3 + 2 + 1 = 91 → excellent (lower edge)
    """Sales rep: 91 at a band boundary and the monthly behaviour sheet."""
    behaviour = {}
    from engine.plugins.registry import get_template

    for i in get_template("sales", "sales_rep").indicators:
        if i.section == "behaviour_conduct" or i.section == "behaviour_ability":
            behaviour[i.code] = dict.fromkeys(ALL, "优")
        elif i.section == "behaviour_performance":
            behaviour[i.code] = dict.fromkeys(ALL, "良")
    behaviour["b_target_volume"] = {"self": 12, "supervisor": 10, "manager": 11}
    behaviour["b_work_quality"] = dict.fromkeys(ALL, 8)
    behaviour["b_work_efficiency"] = dict.fromkeys(ALL, 6)
    r = rep(
        {
            "orders": 20,
            "net_revenue": 1500000,
            "collection": 1,
            "new_customers": 5,
            "customer_satisfaction": 5,
            "customer_churn": 5,
            "information": 3,
            "teamwork": 2,
            "discipline": 1,
            **behaviour,
        },
        context={"net_revenue": 100000},
    )
    assert (r["total"], r["grade"]) == ("91.00", "excellent")
    # behaviour: conduct 6+5+4+5 = 20; ability 35 raw × 30/35 = 30; performance 良 3+4+5.5 = 12.5
    # × 20/15 = 16.666…; results 0.2×12 + 0.5×10 + 0.3×11 = 10.7, + 8 + 6 = 24.7
    # → 91.3666… → 91.37 → excellent → monthly coefficient 1.1; 100000 × 0.82% × 1.1 = 902
    assert sec(r, "behaviour_conduct") == "20.00" and sec(r, "behaviour_ability") == "30.00"
    assert sec(r, "behaviour_performance") == "16.67" and sec(r, "behaviour_results") == "24.70"
    o = r["outcomes"]
    assert (o["behaviour_score"], o["monthly_grade"], o["monthly_coefficient"]) == (
        "91.37",
        "excellent",
        "1.10",
    )
    assert o["commission"] == "902.00"
    assert r["subtotal"] == "91.00"  # the behaviour sheet is reported, not added


def test_junior_rep_penalties():
    # orders 10×5/20 = 2.5; net 45×0.5 = 22.5; collection 6; scales 1,1,1,1,1,1 → 1+2+1+1+1+1 = 7
    # → 38 → fail ×0.4; commission 100000 × 1.01% (junior, tier III) × 0.4 = 404 → 282.80 / 121.20
    # late payments: 31 days → ceil(16/15) = 2 periods × 0.05% × 100000 = 100 (≤ 1000);
    # 100 days → ceil(85/15) = 6 × 0.05% × 1,000,000 = 3000 → capped at the deal's 500 → 600 in all
    # bad debt 20000 × 10% = 2000; one publicised complaint 20% × 5000 = 1000; achievement 65% → 0
    """Junior sales rep: penalties by hand."""
    r = rep(
        {
            "orders": 5,
            "net_revenue": 750000,
            "collection": 0.6,
            "new_customers": 1,
            "customer_satisfaction": 1,
            "customer_churn": 1,
            "information": 1,
            "teamwork": 1,
            "discipline": 1,
        },
        context={
            "net_revenue": 100000,
            "tier": "III",
            "junior": True,
            "achievement": 0.65,
            "late_payments": [
                {"outstanding": 100000, "days_late": 31, "deal_commission": 1000},
                {"outstanding": 1000000, "days_late": 100, "deal_commission": 500},
            ],
            "bad_debt_loss": 20000,
            "publicised_complaints": 1,
            "quarter_bonus": 5000,
        },
    )
    assert (r["total"], r["grade"]) == ("38.00", "fail")
    o = r["outcomes"]
    assert (o["commission"], o["commission_paid"], o["risk_reserve"]) == (
        "404.00",
        "282.80",
        "121.20",
    )
    assert (o["late_payment_penalty"], o["bad_debt_penalty"], o["complaint_penalty"]) == (
        "600.00",
        "2000.00",
        "1000.00",
    )
    assert o["bonus_factor"] == "0.00"


ASST_T = {"orders": 10, "net_revenue": 100, "collection": 1}


def asst(values, **kw):
    return run("sales", "sales_assistant", values=values, targets=ASST_T, **kw)


def test_assistant_commission():
    # 5 + 20×0.9 = 18 + 5 + 8 + 8 + 20 + 6 + 8 + 10 = 88 → good; 200000 × 0.80% × 1.0 = 1600
    """Sales assistant: commission by hand."""
    r = asst(
        {
            "orders": 10,
            "net_revenue": 90,
            "collection": 1,
            "customer_satisfaction": 4,
            "information": 4,
            "rep_cooperation": 5,
            "staff_satisfaction": 3,
            "teamwork": 4,
            "discipline": 5,
        },
        context={"net_revenue": 200000},
    )
    assert (r["total"], r["grade"], r["outcomes"]["commission"]) == ("88.00", "good", "1600.00")


def test_assistant_boundary_61_is_basic():
    # 5 + 20×45/100 = 9 + 5 + scales all 3 (6+6+12+6+6+6 = 42) = 61 → basic ×0.8
    """Sales assistant: 61 is basic."""
    r = asst(
        {
            "orders": 10,
            "net_revenue": 45,
            "collection": 1,
            "customer_satisfaction": 3,
            "information": 3,
            "rep_cooperation": 3,
            "staff_satisfaction": 3,
            "teamwork": 3,
            "discipline": 3,
        }
    )
    assert (r["total"], r["grade"], r["outcomes"]["grade_coefficient"]) == (
        "61.00",
        "basic",
        "0.80",
    )


def test_assistant_falsified_and_bad_debt():
    # 100 × 0.5 = 50 → fail; bad debt 10000 × 5% = 500
    """Sales assistant: falsified data and bad debt."""
    r = asst(
        {
            "orders": 10,
            "net_revenue": 100,
            "collection": 1,
            "customer_satisfaction": 5,
            "information": 5,
            "rep_cooperation": 5,
            "staff_satisfaction": 5,
            "teamwork": 5,
            "discipline": 5,
        },
        falsified=True,
        context={"bad_debt_loss": 10000},
    )
    assert (r["total"], r["grade"], r["outcomes"]["bad_debt_penalty"]) == (
        "50.00",
        "fail",
        "500.00",
    )


LEAD_T = {"team_net_revenue": 1000, "personal_net_profit": 100, "collection": 1}
SCALES = (
    "sales_planning",
    "customer_satisfaction",
    "new_customers",
    "information",
    "legacy_issues",
    "staff_satisfaction",
    "coaching",
    "teamwork",
    "discipline",
)


def lead(fin, level, **kw):
    return run(
        "sales", "sales_lead", values={**fin, **dict.fromkeys(SCALES, level)}, targets=LEAD_T, **kw
    )


def test_lead_team_commission():
    # 100 → excellent; team quarterly net revenue 3,000,000 × 0.15% (tier III) × 1.1 = 4950
    """Sales lead: the team commission."""
    r = lead(
        {"team_net_revenue": 1000, "personal_net_profit": 100, "collection": 1},
        5,
        context={"net_revenue": 3000000, "tier": "III"},
    )
    assert (r["total"], r["grade"]) == ("100.00", "excellent")
    assert (r["outcomes"]["commission"], r["outcomes"]["risk_reserve"]) == ("4950.00", "1485.00")


def test_lead_with_events():
    # 35×0.8 = 28; 15×0.5 = 7.5; 5×0.9 = 4.5; scales 9 × 5×4/5 = 36 → 76; commendation +3 → 79 → fair
    """Sales lead: events by hand."""
    r = lead(
        {"team_net_revenue": 800, "personal_net_profit": 50, "collection": 0.9},
        4,
        events={"commendation": 1},
    )
    assert (r["subtotal"], r["total"], r["grade"]) == ("76.00", "79.00", "fair")


def test_lead_late_review_and_complaints():
    # late supervisor review of the reps: ×0.85 → 85 → good; 2 complaints × 30% × 10000 = 6000
    """Sales lead: a late review and complaints."""
    r = lead(
        {"team_net_revenue": 1000, "personal_net_profit": 100, "collection": 1},
        5,
        late_steps=["supervisor"],
        context={"publicised_complaints": 2, "quarter_bonus": 10000},
    )
    assert (r["total"], r["grade"], r["outcomes"]["complaint_penalty"]) == (
        "85.00",
        "good",
        "6000.00",
    )
