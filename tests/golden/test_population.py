"""Rules over a population and over time (docs/policies.md, "Rules over a population"):
one golden case per row, computed by hand from the seeds."""

from decimal import Decimal as D

from engine.plugins.registry import population_rules
from engine.scoring.population import Member, Past, Population, evaluate


def m(key, role, total, grade="", employee=None, hired="2020-01-01", **context):
    return Member(key, employee or key, role, D(str(total)), grade, context, {}, hired)


def lines(pack, kind, period, members, past=(), rule=None):
    rules = [r for r in population_rules(pack) if rule is None or r.code == rule]
    got = evaluate(rules, Population(pack, kind, period, tuple(members), tuple(past)))
    return {(x.member, x.code): (x.amount, x.flag) for x in got}


def test_attendance_gates_floating_pay_and_allowance():
    """004 篇8 1.4: ≤ 10 working days → no floating pay or allowance; ≤ 20 → half of both."""
    # rep tier II: base 4550, floating 550, allowance 300
    # 8 days → 0 / 0; 15 days → 275 / 150; 22 days → 550 / 300; base pay is never gated
    got = lines(
        "sales",
        "month",
        "2026-10",
        [
            m(1, "sales_rep", 80, tier="II", attendance_days=8),
            m(2, "sales_rep", 80, tier="II", attendance_days=15),
            m(3, "sales_rep", 80, tier="II", attendance_days=22),
        ],
        rule="pay_table",
    )
    assert [got[(k, "floating_pay")][0] for k in (1, 2, 3)] == [D("0.00"), D("275.00"), D("550.00")]
    assert [got[(k, "allowance")][0] for k in (1, 2, 3)] == [D("0.00"), D("150.00"), D("300.00")]
    assert {got[(k, "base_pay")][0] for k in (1, 2, 3)} == {D("4550.00")}


def test_pay_table_and_the_proposed_tier():
    """004 篇8 1.5: pay by position × tier; the tier the month's net revenue (万元) proposes:
    rep 95万 → II (80 < Mnt ≤ 100); junior rep 38万 → I (≤ 40); assistant 30万 → II (≤ 30),
    31万 → III, on trial → I; the lead's quarter team revenue t = 600万 → II (510 < t ≤ 690)."""
    got = lines(
        "sales",
        "month",
        "2026-10",
        [
            m(1, "sales_rep", 80, net_revenue=950000),
            m(2, "sales_rep", 80, net_revenue=380000, junior=True, tier="III"),
            m(3, "sales_assistant", 80, net_revenue=300000),
            m(4, "sales_assistant", 80, net_revenue=310000),
            m(5, "sales_assistant", 80, net_revenue=900000, on_trial=True),
            m(6, "sales_lead", 80, team_net_revenue=6000000),
        ],
        rule="pay_table",
    )
    assert [got[(k, "proposed_tier")][1] for k in range(1, 7)] == [
        "II",
        "I",
        "II",
        "III",
        "I",
        "II",
    ]
    # junior rep at tier III: 4250 / 550 / 300; the lead at tier I: 5050 / 550 / 300
    assert got[(2, "base_pay")][0] == D("4250.00") and got[(2, "floating_pay")][0] == D("550.00")
    assert got[(6, "base_pay")][0] == D("5050.00") and got[(6, "allowance")][0] == D("300.00")


def test_lead_quarterly_commission_paid_monthly_as_a_third():
    """004 篇8 2.2: quarter's team net revenue × rate × the department's quarterly
    coefficient, paid monthly × 0.33."""
    # members 92, 85, 78 → mean 85 → good → 1.0; lead tier III rate 0.15%:
    # 3,000,000 × 0.0015 × 1.0 = 4500.00; monthly 4500 × 0.33 = 1485.00
    got = lines(
        "sales",
        "quarter",
        "2026-Q3",
        [
            m(1, "sales_lead", 92, tier="III", team_net_revenue=3000000),
            m(2, "sales_rep", 85),
            m(3, "sales_rep", 78),
        ],
        rule="lead_quarterly_commission",
    )
    assert got == {
        (1, "quarterly_commission"): (D("4500.00"), ""),
        (1, "monthly_instalment"): (D("1485.00"), ""),
    }


def test_annual_commission_by_task_and_target():
    """004 篇8 2.2: the annual rate by the year's net revenue against the sales task and
    the target task (rep 0.05% / 0.08% / 0.10%; lead 0.05% / 0.12% / 0.15%), × the annual
    coefficient; 70% paid, 30% held."""
    # rep: 12,000,000 ≥ target 10,000,000 → 0.10%; grade good → 1.0: 12,000.00; paid 8,400; held 3,600
    # lead: 9,000,000 between task 8,000,000 and target 10,000,000 → 0.12%; excellent → 1.1:
    # 9,000,000 × 0.0012 × 1.1 = 11,880.00
    task = {"sales_task": 8000000, "target_task": 10000000}
    got = lines(
        "sales",
        "year",
        "2026",
        [
            m(1, "sales_rep", 85, "good", net_revenue=12000000, **task),
            m(2, "sales_lead", 93, "excellent", net_revenue=9000000, **task),
        ],
        rule="annual_commission",
    )
    assert got[(1, "annual_commission")][0] == D("12000.00")
    assert (got[(1, "annual_commission_paid")][0], got[(1, "annual_risk_reserve")][0]) == (
        D("8400.00"),
        D("3600.00"),
    )
    assert got[(2, "annual_commission")][0] == D("11880.00")


def test_collection_rewards_and_losses():
    """004 篇8 3.3/3.4: 0.5% a month for each month collected early; more than six months
    overdue, the rep bears 30% of the loss."""
    # 200,000 × 0.005 × 2 = 2,000.00; 50,000 × 0.30 = 15,000.00 (6 months exactly: nothing)
    got = lines(
        "sales",
        "month",
        "2026-10",
        [
            m(
                1,
                "sales_rep",
                80,
                early_collections=[{"amount": 200000, "months_early": 2}],
                overdue_losses=[
                    {"amount": 50000, "months_overdue": 7},
                    {"amount": 90000, "months_overdue": 6},
                ],
            )
        ],
        rule="collections",
    )
    assert got == {
        (1, "early_collection_reward"): (D("2000.00"), ""),
        (1, "overdue_loss_borne"): (D("15000.00"), ""),
    }


def test_quarterly_rank_awards_need_their_minimum_totals():
    """004 篇8 奖励: ranks 1/2/3 → 2000/1500/800 only with totals ≥ 80/70/60; equal totals
    share a rank; the lead is not ranked with the reps."""
    # 95 → 1st 2000; 72 and 72 → both 2nd (≥ 70) 1500 each; 65 → 4th: nothing;
    # a lead at 99 is not in the ranking
    got = lines(
        "sales",
        "quarter",
        "2026-Q3",
        [
            m(1, "sales_rep", 95),
            m(2, "sales_rep", 72),
            m(3, "sales_assistant", 72),
            m(4, "sales_rep", 65),
            m(5, "sales_lead", 99),
        ],
        rule="quarterly_rank_award",
    )
    assert got == {
        (1, "quarterly_rank_award"): (D("2000.00"), ""),
        (2, "quarterly_rank_award"): (D("1500.00"), ""),
        (3, "quarterly_rank_award"): (D("1500.00"), ""),
    }
    # a first of 78 misses its minimum of 80; the second at 75 still gets 1500
    got = lines(
        "sales",
        "quarter",
        "2026-Q3",
        [m(1, "sales_rep", 78), m(2, "sales_rep", 75)],
        rule="quarterly_rank_award",
    )
    assert got == {(2, "quarterly_rank_award"): (D("1500.00"), "")}


def test_annual_awards_newcomer_and_leader():
    """004 篇8 奖励: annual ranks 3000/2000/1000 (no minimum); best newcomer (confirmed ≤ 1
    year, ≥ 90% of the year's target) 1000 to one; best leader 2000."""
    got = lines(
        "sales",
        "year",
        "2026",
        [
            m(1, "sales_rep", 90, hired="2015-03-01", achievement="1.2"),
            m(2, "sales_rep", 80, hired="2026-02-01", achievement="0.95"),
            m(3, "sales_assistant", 70, hired="2026-05-01", achievement="0.91"),
            m(4, "sales_rep", 50, hired="2026-01-05", achievement="0.89"),
            m(5, "sales_lead", 88),
            m(6, "sales_lead", 84),
        ],
    )
    award = {
        k: v[0]
        for k, v in got.items()
        if k[1] in {"annual_rank_award", "best_newcomer", "best_leader"}
    }
    assert award == {
        (1, "annual_rank_award"): D("3000.00"),
        (2, "annual_rank_award"): D("2000.00"),
        (3, "annual_rank_award"): D("1000.00"),
        (2, "best_newcomer"): D("1000.00"),  # 0.95 beats 0.91; 0.89 is short of 90%
        (5, "best_leader"): D("2000.00"),
    }


def test_call_centre_quota_profit_star_and_suggestions():
    """003: basic quota missed but incentive quota reached → 100 off base pay; 8% of the
    profit; one 服务之星 (month 200); 50 per adopted suggestion."""
    # profit 12,345.67 × 0.08 = 987.6536 → 987.65; two nominated: the higher total (91) wins
    got = lines(
        "customer_service",
        "month",
        "2026-10",
        [
            m(
                1,
                "call_agent",
                91,
                basic_quota_met=False,
                incentive_quota_met=True,
                service_star=True,
            ),
            m(2, "call_agent", 88, profit="12345.67", suggestions_adopted=3, service_star=True),
            m(3, "support_agent", 99, service_star=True),  # not a call agent
        ],
    )
    assert got == {
        (1, "base_pay_cut"): (D("100.00"), ""),
        (1, "service_star"): (D("200.00"), ""),
        (2, "profit_commission"): (D("987.65"), ""),
        (2, "suggestion_award"): (D("150.00"), ""),
    }


def test_first_three_months_running_once_and_failing_three_months_flagged():
    """004 篇1 第12条: first three months running → 300 once (not again in a fourth month);
    failing (e) three months running → flagged for resignation, HR decides."""
    aug = Past("2026-08", {1: D(96), 2: D(50)}, {1: "a", 2: "e"})
    sep = Past("2026-09", {1: D(97), 2: D(55)}, {1: "a", 2: "e"})
    jul = Past("2026-07", {1: D(80), 2: D(90)}, {1: "b", 2: "b"})
    oct_ = [m(11, "staff", 98, "a", employee=1), m(12, "staff", 40, "e", employee=2)]
    got = lines("general", "month", "2026-10", oct_, past=[sep, aug, jul])
    assert got == {
        (11, "first_three_months"): (D("300.00"), ""),
        (12, "failing_three_months"): (None, "resignation_review"),
    }
    # November: still first, but the run was paid for in October
    nov = [m(21, "staff", 99, "a", employee=1), m(22, "staff", 70, "c", employee=2)]
    octp = Past("2026-10", {1: D(98), 2: D(40)}, {1: "a", 2: "e"})
    assert lines("general", "month", "2026-11", nov, past=[octp, sep, aug]) == {}
    # only two months of history: nothing yet
    assert lines("general", "month", "2026-10", oct_, past=[sep]) == {}


def test_an_evaluator_who_breaks_the_scheme_loses_the_amount_from_their_own_pay():
    """000 篇三 八.5: the evaluator's own appraisal carries the event and HR's amount, which
    comes off their performance pay (never below 0)."""
    from . import run

    # 25 × 4 = 100 → a (×1.50): 3000 × 1.5 = 4500 − 800 = 3700.00
    r = run(
        "general",
        "staff",
        values={"efficiency": 25, "operation": 25, "attitude": 25, "knowledge": 25},
        events={"evaluator_breach": 1},
        context={"base_performance_pay": "3000", "evaluator_breach_deduction": "800"},
    )
    o = r["outcomes"]
    assert (o["performance_pay"], o["evaluator_breach_deduction"]) == ("3700.00", "800.00")
    assert r["total"] == "100.00"  # the event costs pay, not points


def test_special_bonus_points_count_once_approved():
    """004 篇7/10/11 特别加分: approved points are the `special_bonus` event, +1 each."""
    from . import run

    values = {
        "design_cycle_ahead": 10,
        "review_satisfaction": 10,
        "plan_completion": 10,
        "producibility": 0,
        "cost_reduction": 10,
        "design_on_time": 10,
        "solution_adoption": 10,
        "retrofit_cost_control": 10,
        "service_satisfaction": 10,
        "archiving_on_time": 10,
    }
    values |= dict.fromkeys(("responsibility", "initiative", "teamwork", "learning"), "中")
    values |= dict.fromkeys(
        ("design", "innovation", "communication", "learning_ability", "comprehension"), "中"
    )
    targets = {k: 10 for k, v in values.items() if v == 10} | {"producibility": 2}
    # perf 100 × 0.7 = 70; attitude 中 60 × 0.15 = 9; ability 中 0.6 × 100 = 60 × 0.15 = 9
    # → 88; + 3 special bonus points → 91.00 excellent
    r = run("rnd", "designer", values=values, targets=targets, events={"special_bonus": 3})
    assert (r["subtotal"], r["total"], r["grade"]) == ("88.00", "91.00", "excellent")


def test_malformed_context_items_are_skipped_not_fatal():
    """The rules run while a cycle is made final: an item HR typed wrongly is left out and
    the well-formed ones still count (200,000 × 0.5% × 1 = 1,000.00)."""
    got = lines(
        "sales",
        "month",
        "2026-10",
        [
            m(
                1,
                "sales_rep",
                80,
                early_collections=[
                    {"amount": "abc", "months_early": 2},
                    {"amount": 200000, "months_early": "two"},
                    "not an item",
                    {"amount": 200000, "months_early": 1},
                ],
            ),
            m(2, "call_agent", 80, profit="lots"),
        ],
        rule="collections",
    )
    assert got == {(1, "early_collection_reward"): (D("1000.00"), "")}
    assert lines("customer_service", "month", "2026-10", [m(2, "call_agent", 80, profit="x")]) == {}
