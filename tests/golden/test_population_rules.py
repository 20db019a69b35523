"""The seed rules over a population and over time that issue #26 added or moved: one
golden case per rule, the expected numbers computed by hand from the seed's own figures
(arithmetic in the comment beside each case)."""

from decimal import Decimal as D

from engine.plugins.registry import get_template
from engine.scoring import score
from engine.scoring.population import Past

from .test_population import lines, m


def past(period, totals, grades=None, roles=None):
    """An earlier month: employee → total (and grade, role)."""
    return Past(
        period,
        {e: D(str(t)) for e, t in totals.items()},
        grades or {},
        roles or {},
    )


# --- 004 篇1 第12条 for the customer-service agents ------------------------------------


def test_an_ecommerce_agent_first_three_months_running_earns_300():
    """004 篇1 第12条 (公司所有客服人员): an e-commerce agent first in July, August and
    September gets 300 yuan once. Agents are ranked per role: the support agent with a
    higher total in every month is on another sheet and takes nothing from her."""
    roles = {1: "ecommerce_agent", 2: "ecommerce_agent", 3: "support_agent"}
    jul = past("2026-07", {1: 92, 2: 85, 3: 99}, roles=roles)
    aug = past("2026-08", {1: 95, 2: 80, 3: 98}, roles=roles)
    sep = [
        m(11, "ecommerce_agent", 93, "b", employee=1),
        m(12, "ecommerce_agent", 88, "b", employee=2),
        m(13, "support_agent", 97, "S", employee=3),
    ]
    got = lines("customer_service", "month", "2026-09", sep, [aug, jul], "first_three_months")
    # e-commerce: 92 > 85, 95 > 80, 93 > 88 → first three months → 300.00;
    # support: the only support agent is first of her role three months too → 300.00
    assert got == {
        (11, "first_three_months"): (D("300.00"), ""),
        (13, "first_three_months"): (D("300.00"), ""),
    }


def test_three_failing_months_flag_an_agent_for_resignation():
    """004 篇1 第12条: failing three months running (e for the a–e agents, C for support
    agents) → flagged for resignation, HR decides; the supervisor is not an agent."""
    grades = {1: "e", 2: "C", 3: "e"}
    roles = {1: "call_agent", 2: "support_agent", 3: "cs_supervisor"}
    jul = past("2026-07", {1: 55, 2: 60, 3: 50}, grades, roles)
    aug = past("2026-08", {1: 58, 2: 65, 3: 50}, grades, roles)
    sep = [
        m(11, "call_agent", 57, "e", employee=1),
        m(12, "support_agent", 69, "C", employee=2),
        m(13, "cs_supervisor", 40, "e", employee=3),
    ]
    got = lines("customer_service", "month", "2026-09", sep, [aug, jul], "failing_three_months")
    assert got == {
        (11, "failing_three_months"): (None, "resignation_review"),
        (12, "failing_three_months"): (None, "resignation_review"),
    }


# --- 000 篇二: best and excellent agents ------------------------------------------


def test_best_agent_at_most_5_percent_and_excellent_at_most_10_percent():
    """000 篇二 (待商议): per quarter and year, best agents ≤ 5% and excellent agents ≤ 10%
    of all agents, by rank; no amount in the seed, so each is a flag for HR."""
    # 20 e-commerce agents with totals 99, 98, …, 80: best cap floor(20 × 0.05 + 0.5) = 1
    # → the 99; excellent cap floor(20 × 0.10 + 0.5) = 2 → 98 and 97; nobody else
    people = [m(k, "ecommerce_agent", 100 - k) for k in range(1, 21)]
    people.append(m(99, "call_agent", 100))  # not an e-commerce agent: not ranked
    got = lines("customer_service", "quarter", "2026-Q3", people, rule="agent_awards")
    assert got == {
        (1, "best_agent"): (None, "best_agent"),
        (2, "excellent_agent"): (None, "excellent_agent"),
        (3, "excellent_agent"): (None, "excellent_agent"),
    }


def test_a_tie_across_an_award_cap_goes_to_hr():
    """A tie at a cap is never split: 30 agents, best cap floor(30 × 0.05 + 0.5) = 2 and
    three tied at the top → all three flagged `award_tie` (2 places left, HR decides);
    excellent cap floor(3 + 0.5) = 3 → the next three (95, 94, 93) in the year."""
    totals = [98, 98, 98, 95, 94, 93] + [50] * 24
    people = [m(k, "ecommerce_agent", t) for k, t in enumerate(totals, start=1)]
    got = lines("customer_service", "year", "2026", people, rule="agent_awards")
    assert got == {
        (1, "best_agent"): (None, "award_tie"),
        (2, "best_agent"): (None, "award_tie"),
        (3, "best_agent"): (None, "award_tie"),
        (4, "excellent_agent"): (None, "excellent_agent"),
        (5, "excellent_agent"): (None, "excellent_agent"),
        (6, "excellent_agent"): (None, "excellent_agent"),
    }
    # monthly cycles give no quarter or year award
    assert lines("customer_service", "month", "2026-09", people, rule="agent_awards") == {}


# --- 003: 达成奖励 and 末位管理 ------------------------------------------------------


def test_a_full_quarter_at_the_standard_earns_200():
    """003 七.1: every month of a full quarter at the standard (a total of at least 90,
    below which the allowance is cut) → 200 yuan with the month that closes the quarter."""
    roles = {1: "call_agent", 2: "call_agent", 3: "call_agent"}
    jul = past("2026-07", {1: 100, 2: 95, 3: 91}, roles=roles)
    aug = past("2026-08", {1: 90, 2: 89, 3: 96}, roles=roles)
    sep = [
        m(11, "call_agent", 103, employee=1),  # 100, 90, 103: all ≥ 90 → 200.00
        m(12, "call_agent", 99, employee=2),  # August 89 < 90 → nothing
        m(13, "call_agent", 92, employee=3),  # 91, 96, 92 → 200.00
        m(14, "call_agent", 100, employee=4),  # joined in September: no full quarter
    ]
    got = lines("customer_service", "month", "2026-09", sep, [aug, jul], "full_quarter_award")
    assert got == {
        (11, "full_quarter_award"): (D("200.00"), ""),
        (13, "full_quarter_award"): (D("200.00"), ""),
    }
    # August closes no quarter: nothing
    assert lines("customer_service", "month", "2026-08", sep, [jul], "full_quarter_award") == {}


def test_the_quarter_bottom_ranked_agent_below_65_is_listed():
    """003 末位管理: once a quarter, the bottom-ranked call agent whose result is below 65
    is warned and placed on the list to be dismissed. In the month that closes the
    quarter the result is the mean of the quarter's three months."""
    roles = {1: "call_agent", 2: "call_agent", 3: "call_agent"}
    jul = past("2026-07", {1: 100, 2: 70, 3: 60}, roles=roles)
    aug = past("2026-08", {1: 98, 2: 66, 3: 62}, roles=roles)
    sep = [
        m(11, "call_agent", 96, employee=1),  # (100 + 98 + 96) / 3 = 98
        m(12, "call_agent", 56, employee=2),  # (70 + 66 + 56) / 3 = 64: below 65, not bottom
        m(13, "call_agent", 69, employee=3),  # (60 + 62 + 69) / 3 = 63.67: bottom, below 65
    ]
    got = lines("customer_service", "month", "2026-09", sep, [aug, jul], "quarter_bottom_ranked")
    assert got == {(13, "bottom_ranked"): (None, "to_be_dismissed")}
    # a quarter cycle ranks its own totals: the bottom at 66 is not below 65 → nobody
    q = [m(21, "call_agent", 80), m(22, "call_agent", 66)]
    assert lines("customer_service", "quarter", "2026-Q3", q, rule="quarter_bottom_ranked") == {}
    # the bottom at 60 (8 days absent: 100 − 8 × 5) → listed
    q = [m(21, "call_agent", 80), m(22, "call_agent", 60)]
    got = lines("customer_service", "quarter", "2026-Q3", q, rule="quarter_bottom_ranked")
    assert got == {(22, "bottom_ranked"): (None, "to_be_dismissed")}


# --- 004 篇8: the lead's department term, the team award, the special award -----------


def test_the_leads_annual_commission_adds_the_departments_term():
    """004 篇8 2.2: lead = 个人年度营业额 × 个人年度提成系数 × 年度考核系数 +
    部门年度净营业额 × 年度提成系数 × 年度部门考核系数; 70% paid, 30% held."""
    # personal: 9,000,000 between task 8,000,000 and target 10,000,000 → 0.12%; the lead's
    # grade excellent → 1.1: 9,000,000 × 0.0012 × 1.1 = 11,880.00
    # department: 25,000,000 ≥ its target 24,000,000 → 0.15%; mean of the year's totals
    # (93 + 85 + 78) / 3 = 85.33 → good → 1.0: 25,000,000 × 0.0015 × 1.0 = 37,500.00
    # whole 49,380.00: paid 70% = 34,566.00, held 30% = 14,814.00
    got = lines(
        "sales",
        "year",
        "2026",
        [
            m(
                1,
                "sales_lead",
                93,
                "excellent",
                net_revenue=9000000,
                sales_task=8000000,
                target_task=10000000,
                department_net_revenue=25000000,
                department_sales_task=20000000,
                department_target_task=24000000,
            ),
            m(2, "sales_rep", 85, "good", net_revenue=1, sales_task=2, target_task=3),
            m(3, "sales_rep", 78, "fair", net_revenue=1, sales_task=2, target_task=3),
        ],
        rule="annual_commission",
    )
    assert got[(1, "annual_commission")] == (D("11880.00"), "")
    assert got[(1, "department_annual_commission")] == (D("37500.00"), "")
    assert got[(1, "annual_commission_paid")] == (D("34566.00"), "")
    assert got[(1, "annual_risk_reserve")] == (D("14814.00"), "")


def test_missing_annual_inputs_are_marked_never_skipped():
    """policies.md §2: a rep without a sales task and a lead without the department's
    tasks get a missing-input line, not a silent nothing."""
    got = lines(
        "sales",
        "year",
        "2026",
        [
            m(1, "sales_rep", 85, "good", net_revenue=1000000),
            m(2, "sales_lead", 85, "good", net_revenue=1, sales_task=1, target_task=2),
        ],
        rule="annual_commission",
    )
    assert got[(1, "annual_commission")] == (None, "missing_input")
    assert got[(2, "department_annual_commission")] == (None, "missing_input")
    # the lead's personal term still counts: 1 × 0.15% × 1.0 = 0.0015 → 0.00
    assert got[(2, "annual_commission")] == (D("0.00"), "")


def test_the_best_two_teams_share_a_3000_fund_among_those_who_met_their_task():
    """004 篇8 奖励 (4) 优秀团队奖: the two teams with the highest net profit of the year,
    3000 yuan each, shared equally by the team's people who completed their task."""
    # team A (lead 1, reps 2, 3): profit 5,000,000; team B (lead 4, rep 5): 4,000,000;
    # team C (lead 6): 3,000,000 → third, nothing.
    # A: lead 9,000,000 ≥ 8,000,000 ✓, rep 2 8,000,000 ✓, rep 3 7,000,000 ✗
    #    → 3000 / 2 = 1500.00 each
    # B: lead 8,500,000 ✓; rep 5 has no sales task → marked missing, not counted
    #    → the lead alone: 3000 / 1 = 3000.00
    task = {"sales_task": 8000000}
    people = [
        m(1, "sales_lead", 90, employee=1, team_net_profit=5000000, net_revenue=9000000, **task),
        m(2, "sales_rep", 80, employee=2, net_revenue=8000000, **task),
        m(3, "sales_rep", 80, employee=3, net_revenue=7000000, **task),
        m(4, "sales_lead", 90, employee=4, team_net_profit=4000000, net_revenue=8500000, **task),
        m(5, "sales_rep", 80, employee=5, net_revenue=9000000),
        m(6, "sales_lead", 90, employee=6, team_net_profit=3000000, net_revenue=1, **task),
    ]
    people = [
        p if p.role == "sales_lead" else _under(p, {2: 1, 3: 1, 5: 4}[p.employee]) for p in people
    ]
    got = lines("sales", "year", "2026", people, rule="team_award")
    assert got == {
        (1, "team_award"): (D("1500.00"), ""),
        (2, "team_award"): (D("1500.00"), ""),
        (4, "team_award"): (D("3000.00"), ""),
        (5, "team_award"): (None, "missing_input"),
    }


def _under(member, lead):
    from dataclasses import replace

    return replace(member, supervisor=lead)


def test_special_award_for_growth_on_top_of_the_task():
    """004 篇8 六: a rep whose year's net revenue grew 1,000,000 on top of the task, or
    2,000,000 over two years, is flagged for the special award (no amount in the seed)."""
    got = lines(
        "sales",
        "year",
        "2026",
        [
            # 9,000,000 − 8,000,000 = 1,000,000 ≥ 1,000,000 → award
            m(1, "sales_rep", 80, net_revenue=9000000, sales_task=8000000),
            # 8,600,000 − 8,000,000 = 600,000; last year 9,500,000 − 8,000,000 = 1,500,000;
            # together 2,100,000 ≥ 2,000,000 → award
            m(
                2,
                "sales_rep",
                80,
                net_revenue=8600000,
                sales_task=8000000,
                previous_net_revenue=9500000,
                previous_sales_task=8000000,
            ),
            # 999,999.99 on top: just short, and no previous year → nothing
            m(3, "sales_rep", 80, net_revenue="8999999.99", sales_task=8000000),
        ],
        rule="special_growth_award",
    )
    assert got == {
        (1, "special_growth_award"): (None, "special_award"),
        (2, "special_growth_award"): (None, "special_award"),
    }


# --- 004 篇8 (6) 积极管理奖 -------------------------------------------------------------


def test_active_management_award_to_two_nominated_staff():
    """004 篇8 奖励 (6): two of the company's non-sales staff, nominated for their
    contribution, 2000 yuan each; nobody else (the award is a judgement)."""
    # nominated 88, 91, 75 → the 91 and the 88; the 99 was not nominated
    got = lines(
        "general",
        "year",
        "2026",
        [
            m(1, "staff", 88, active_management_nominee=True),
            m(2, "staff", 91, active_management_nominee=True),
            m(3, "staff", 75, active_management_nominee=True),
            m(4, "staff", 99),
        ],
        rule="active_management_award",
    )
    assert got == {
        (1, "active_management_award"): (D("2000.00"), ""),
        (2, "active_management_award"): (D("2000.00"), ""),
    }


# --- the pay table never proposes a tier from nothing ---------------------------------


def test_no_net_revenue_proposes_no_tier():
    """policies.md §2: a rep whose month has no net revenue is not proposed tier I
    silently; the line says the input is missing. An assistant on trial is tier I
    whatever the revenue."""
    got = lines(
        "sales",
        "month",
        "2026-10",
        [
            m(1, "sales_rep", 80, tier="II"),
            m(2, "sales_assistant", 80, on_trial=True),
            m(3, "sales_lead", 80),
        ],
        rule="pay_table",
    )
    assert got[(1, "proposed_tier")] == (None, "missing_input")
    assert got[(2, "proposed_tier")] == (None, "I")
    assert got[(3, "proposed_tier")] == (None, "missing_input")
    # the pay lines themselves still come: rep tier II base 4550
    assert got[(1, "base_pay")] == (D("4550.00"), "")


# --- 001: complaint rate and skill certification ------------------------------------

SUPPORT = {
    "response_time": 30,
    "ticket_on_time": 0.98,
    "csat": 4.5,
    "first_contact_resolution": 0.90,
    "kb_contributions": 3,
    "training_pass_rate": 1.0,
}


def test_complaint_rate_and_skill_certification_are_reported_beside_the_total():
    """001: 投诉率 ≤ 2% is a reverse indicator, (1 − actual / target) × weight, floor 0;
    技能认证通过率 ≥ 80% scores (actual / target) × weight, capped. Reported beside
    模板1's 100 points, not added to them."""
    t = get_template("customer_service", "support_agent")
    # complaint 0.5%: 10 × (1 − 0.005 / 0.02) = 10 × 0.75 = 7.50
    # certification 72%: 10 × 0.72 / 0.80 = 9.00; the supplementary section 16.50
    r = score(t, {"values": {**SUPPORT, "complaint_rate": "0.005", "skill_certification": "0.72"}})
    got = {i.code: i.score for i in r.indicators}
    assert (got["complaint_rate"], got["skill_certification"]) == (D("7.5"), D("9"))
    assert next(s.score for s in r.sections if s.code == "supplementary") == D("16.5")
    assert r.total == D("100.00")  # 模板1 alone
    # complaint 3% is over the target: 10 × max(0, 1 − 1.5) = 0; certification 90% is
    # capped at 10
    r = score(t, {"values": {**SUPPORT, "complaint_rate": "0.03", "skill_certification": "0.9"}})
    got = {i.code: i.score for i in r.indicators}
    assert (got["complaint_rate"], got["skill_certification"]) == (D(0), D(10))
    # both are optional: left out, they are not there, and the total is the same
    r = score(t, {"values": SUPPORT})
    assert "complaint_rate" not in {i.code for i in r.indicators} and r.total == D("100.00")


# --- the new lines, flags and inputs in words ----------------------------------------

NEW_LINES = {
    "best_agent",
    "excellent_agent",
    "full_quarter_award",
    "bottom_ranked",
    "department_annual_commission",
    "team_award",
    "special_growth_award",
    "active_management_award",
}
NEW_FLAGS = {
    "missing_input",
    "best_agent",
    "excellent_agent",
    "award_tie",
    "to_be_dismissed",
    "fund_unshared",
    "special_award",
}


def test_new_lines_and_flags_have_words_in_both_languages():
    """No code reaches a person: each new line and flag has words in the payroll file
    and on the result page, in Chinese and English."""
    from django.utils import translation

    from engine.payroll.words import FLAGS, OUTCOMES, inputs_words
    from workflows.common import labels

    assert not NEW_LINES - set(OUTCOMES) and not NEW_FLAGS - set(FLAGS)
    with translation.override("zh-hans"):
        zh = {f: labels.outcome_value(f) for f in NEW_FLAGS}
    assert all(w != f and not w.isascii() for f, w in zh.items()), zh
    # the inputs that were missing are named, never their codes
    words = inputs_words({"missing": ["net_revenue", "sales_task"]}, english=False)
    assert words == "缺少的输入：净营业额（元）、销售任务（元）"
