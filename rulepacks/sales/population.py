"""Sales rules over a population and over time (seed 004 篇8): the pay table and its
tiers, attendance gating, the lead's quarterly commission, annual commission,
collection rewards and losses, and the quarterly and annual awards."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from engine.scoring.numbers import Rate, to_decimal
from engine.scoring.population import (
    Member,
    OutcomeLine,
    Population,
    PopulationRule,
    missing,
    ranks,
)

D = Decimal
HERE = "rulepacks.sales.population"
EARNERS = ("sales_rep", "sales_assistant")
TIERS = ("I", "II", "III")
# 业务人员薪酬标准表: position → tier → (base, floating, allowance), yuan a month
PAY = {
    "sales_assistant": ((3050, 300, 150), (3350, 450, 200), (3500, 500, 250)),
    "junior_rep": ((3850, 450, 200), (4000, 500, 250), (4250, 550, 300)),
    "sales_rep": ((4250, 500, 250), (4550, 550, 300), (4800, 600, 350)),
    "sales_lead": ((5050, 550, 300), (5300, 600, 350), (5550, 650, 400)),
}
# 职等分级表 (万元): the upper bound of tiers I and II; above II's bound is III.
# [resolved] a band includes its upper bound; below tier I's range is tier I; an
# assistant on trial is tier I. The lead's is the quarter's team net revenue t.
TIER_BOUNDS = {
    "sales_assistant": (None, D(30)),  # I: on trial; II: Mnt ≤ 30; III: above
    "junior_rep": (D(40), D(50)),
    "sales_rep": (D(80), D(100)),
    "sales_lead": (D(170 * 3), D(230 * 3)),
}
QUARTER_COEFFICIENT = {  # the department's quarterly coefficient, by the grade of its mean
    "excellent": D("1.1"),
    "good": D("1.0"),
    "fair": D("0.8"),
    "basic": D("0.8"),
    "fail": D("0.4"),
}
GRADE_BANDS = ((D(91), "excellent"), (D(81), "good"), (D(71), "fair"), (D(61), "basic"))
LEAD_RATES = (D("0.0012"), D("0.0013"), D("0.0015"))
ANNUAL_RATES = {"sales_lead": (D("0.0005"), D("0.0012"), D("0.0015"))}
ANNUAL_RATES_DEFAULT = (D("0.0005"), D("0.0008"), D("0.0010"))


def _number(m: Member, key: str) -> Decimal | None:
    """A figure given to the outcomes, else the one the person's own outcomes carry
    (the net revenue measured as an indicator)."""
    raw = m.context.get(key)
    if raw is None:
        raw = m.outcomes.get(key)
    if raw is None:
        return None
    try:
        return to_decimal(raw)
    except ValueError:
        return None


def _position(m: Member) -> str:
    return "junior_rep" if m.role == "sales_rep" and m.context.get("junior") is True else m.role


def _tier(m: Member) -> str:
    tier = m.context.get("tier", "I")
    return tier if tier in TIERS else "I"


def proposed_tier(position: str, amount_wan: Decimal | None, on_trial: bool) -> str:
    """The tier the revenue proposes; an assistant on trial is tier I whatever the
    revenue. A missing revenue proposes nothing (the caller marks it missing)."""
    low, high = TIER_BOUNDS[position]
    if position == "sales_assistant" and on_trial:
        return "I"
    if amount_wan is None:
        raise ValueError("no revenue to propose a tier from")
    if low is None:  # the assistant's tier I is the trial, not an amount
        return "II" if amount_wan <= high else "III"
    if amount_wan <= low:
        return "I"
    return "II" if amount_wan <= high else "III"


def pay_table(population: Population, params: dict) -> list[OutcomeLine]:
    """The month's base, floating pay and allowance at the person's tier, gated by
    attendance (≤ 10 working days: no floating pay or allowance; ≤ 20: half of both),
    and the tier the month's net revenue proposes (HR confirms it at the review)."""
    out = []
    for m in population.members:
        position = _position(m)
        tier = _tier(m)
        base, floating, allowance = (D(x) for x in PAY[position][TIERS.index(tier)])
        days = _number(m, "attendance_days")
        share = D(1) if days is None else D(0) if days <= 10 else D("0.5") if days <= 20 else D(1)
        seen = {"position": position, "tier": tier, "attendance_days": days, "share": Rate(share)}
        out += [
            OutcomeLine(m.key, "", "base_pay", base, inputs=seen),
            OutcomeLine(m.key, "", "floating_pay", floating * share, inputs=seen),
            OutcomeLine(m.key, "", "allowance", allowance * share, inputs=seen),
        ]
        key = "team_net_revenue" if position == "sales_lead" else "net_revenue"
        amount = _number(m, key)
        on_trial = m.context.get("on_trial") is True
        if amount is None and not (position == "sales_assistant" and on_trial):
            # no revenue, no proposal: never tier I by default (policies.md §2)
            out.append(missing(m, "proposed_tier", key, current_tier=tier))
            continue
        wan = None if amount is None else amount / 10000
        proposal = proposed_tier(position, wan, on_trial)
        out.append(
            OutcomeLine(
                m.key,
                "",
                "proposed_tier",
                flag=proposal,
                inputs={key: amount, "in_10k_yuan": wan, "current_tier": tier},
            )
        )
    return out


def _grade_of(total: Decimal) -> str:
    return next((g for floor, g in GRADE_BANDS if total >= floor), "fail")


def lead_quarterly_commission(population: Population, params: dict) -> list[OutcomeLine]:
    """The lead's quarterly commission = the team's quarterly net revenue × the lead's
    rate × the department's quarterly coefficient; paid monthly as one third (× 0.33).
    [resolved] the department's coefficient is that of the grade of the mean total of
    the quarter's sales people."""
    people = population.members
    if not people:
        return []
    mean, coefficient = _department_coefficient(people)
    out = []
    for m in people:
        if m.role != "sales_lead":
            continue
        revenue = _number(m, "team_net_revenue")
        if revenue is None:
            out.append(missing(m, "quarterly_commission", "team_net_revenue"))
            continue
        rate = LEAD_RATES[TIERS.index(_tier(m))]
        commission = max(D(0), revenue) * rate * coefficient
        seen = {
            "team_net_revenue": revenue,
            "rate": Rate(rate),
            "department_mean_total": mean,
            "department_coefficient": Rate(coefficient),
        }
        out += [
            OutcomeLine(m.key, "", "quarterly_commission", commission, inputs=seen),
            OutcomeLine(m.key, "", "monthly_instalment", commission * D("0.33"), inputs=seen),
        ]
    return out


def _department_coefficient(people) -> tuple[Decimal, Decimal]:
    """[resolved] The department's coefficient (季度/年度部门考核系数): that of the grade
    of the mean total of the cycle's sales people. (mean, coefficient)"""
    mean = sum((m.total for m in people), D(0)) / len(people)
    return mean, QUARTER_COEFFICIENT[_grade_of(mean.quantize(D("0.01")))]


def _annual_rate(rates, revenue: Decimal, task: Decimal, target: Decimal) -> Decimal:
    low, mid, high = rates
    return high if revenue >= target else mid if revenue >= task else low


def _department_term(m: Member, people) -> tuple[list[OutcomeLine], Decimal]:
    """The lead's second term (2.2): + 部门年度净营业额 × 年度提成系数 × 年度部门考核系数.
    [resolved] The department's annual net revenue is `context.department_net_revenue`,
    else the lead's measured 部门净营业额 (`team_net_revenue`) of the year; the rate is the
    lead's row (0.05% / 0.12% / 0.15%) by that revenue against the department's sales task
    and target task (`context.department_sales_task`, `department_target_task`)."""
    revenue = _number(m, "department_net_revenue")
    if revenue is None:
        revenue = _number(m, "team_net_revenue")
    task, target = (_number(m, k) for k in ("department_sales_task", "department_target_task"))
    needed = {
        "department_net_revenue": revenue,
        "department_sales_task": task,
        "department_target_task": target,
    }
    absent = [k for k, v in needed.items() if v is None]
    if absent:
        return [missing(m, "department_annual_commission", *absent)], D(0)
    rate = _annual_rate(ANNUAL_RATES["sales_lead"], revenue, task, target)
    mean, coefficient = _department_coefficient(people)
    commission = max(D(0), revenue) * rate * coefficient
    seen = {
        **needed,
        "rate": Rate(rate),
        "department_mean_total": mean,
        "department_coefficient": Rate(coefficient),
    }
    return [OutcomeLine(m.key, "", "department_annual_commission", commission, inputs=seen)], (
        commission
    )


def annual_commission(population: Population, params: dict) -> list[OutcomeLine]:
    """Annual net revenue × the annual rate × the annual coefficient; the rate by the
    year's net revenue against the sales task and the target task. The lead adds the
    department's term (`_department_term`). 70% of the whole is paid, 30% held. A
    person without the year's revenue or tasks gets a missing-input line, not nothing."""
    out = []
    people = population.members
    for m in people:
        revenue, task, target = (
            _number(m, k) for k in ("net_revenue", "sales_task", "target_task")
        )
        absent = [
            k
            for k, v in (("net_revenue", revenue), ("sales_task", task), ("target_task", target))
            if v is None
        ]
        if absent:
            out.append(missing(m, "annual_commission", *absent))
            continue
        rate = _annual_rate(ANNUAL_RATES.get(m.role, ANNUAL_RATES_DEFAULT), revenue, task, target)
        coefficient = QUARTER_COEFFICIENT[m.grade] if m.grade in QUARTER_COEFFICIENT else D(1)
        commission = max(D(0), revenue) * rate * coefficient
        seen = {
            "net_revenue": revenue,
            "sales_task": task,
            "target_task": target,
            "rate": Rate(rate),
            "coefficient": Rate(coefficient),
        }
        out.append(OutcomeLine(m.key, "", "annual_commission", commission, inputs=seen))
        whole = commission
        if m.role == "sales_lead":
            lines, term = _department_term(m, people)
            out += lines
            whole += term
            seen = {**seen, "department_annual_commission": term}
        out += [
            OutcomeLine(m.key, "", "annual_commission_paid", whole * D("0.70"), inputs=seen),
            OutcomeLine(m.key, "", "annual_risk_reserve", whole * D("0.30"), inputs=seen),
        ]
    return out


def _items(m: Member, key: str, months: str) -> list[tuple[Decimal, int]]:
    """(amount, months) of each well-formed item; a malformed one is skipped (the
    rules run while a cycle is made final and must not stop it)."""
    raw = m.context.get(key)
    out = []
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, dict):
            continue
        try:
            amount, n = to_decimal(item.get("amount", 0)), item.get(months, 0)
        except ValueError:
            continue
        if isinstance(n, int) and not isinstance(n, bool) and amount > 0 and n > 0:
            out.append((amount, n))
    return out


def collections(population: Population, params: dict) -> list[OutcomeLine]:
    """Collected before the agreed date: amount × 0.5% per month early (月利息5厘).
    More than 6 months overdue: the rep bears 30% of the lost amount."""
    out = []
    for m in population.members:
        reward, early = D(0), []
        for amount, months in _items(m, "early_collections", "months_early"):
            reward += amount * D("0.005") * months
            early.append({"amount": amount, "months_early": months})
        if early:
            out.append(
                OutcomeLine(m.key, "", "early_collection_reward", reward, inputs={"items": early})
            )
        charge, lost = D(0), []
        for amount, months in _items(m, "overdue_losses", "months_overdue"):
            if months > 6:
                charge += amount * D("0.30")
                lost.append({"amount": amount, "months_overdue": months})
        if lost:
            out.append(OutcomeLine(m.key, "", "overdue_loss_borne", charge, inputs={"items": lost}))
    return out


def rank_awards(population: Population, params: dict) -> list[OutcomeLine]:
    """Ranks 1/2/3 of the cycle earn the amounts in `params`, each only with a total of
    at least its minimum. [resolved] equal totals share a rank and its award."""
    amounts = [D(a) for a in params["amounts"]]
    minimums = [D(x) for x in params.get("minimums", [0] * len(amounts))]
    out = []
    for rank, m in ranks(population.members):
        if rank > len(amounts):
            break
        if m.total >= minimums[rank - 1]:
            seen = {"rank": rank, "total": m.total, "minimum": minimums[rank - 1]}
            out.append(OutcomeLine(m.key, "", params["code"], amounts[rank - 1], inputs=seen))
    return out


def best_newcomer(population: Population, params: dict) -> list[OutcomeLine]:
    """Confirmed no more than a year before the year's end (or not confirmed yet) and at
    least 90% of the year's target: one award, to the highest achievement."""
    year_end = dt.date(int(population.period[:4]), 12, 31)
    eligible = []
    for m in population.members:
        since = m.context.get("confirmed_on") or m.hired
        achievement = _number(m, "achievement")
        try:
            joined = dt.date.fromisoformat(str(since))
        except ValueError:
            continue
        if achievement is not None and achievement >= D("0.90") and (year_end - joined).days <= 366:
            eligible.append((achievement, m.total, -m.employee, m, joined))
    if not eligible:
        return []
    achievement, _, _, m, joined = max(eligible, key=lambda x: x[:3])
    seen = {"achievement": Rate(achievement), "confirmed_on": joined.isoformat()}
    return [OutcomeLine(m.key, "", "best_newcomer", D(1000), inputs=seen)]


def best_leader(population: Population, params: dict) -> list[OutcomeLine]:
    """The leader of the year's first team: the lead with the highest annual total."""
    leads = [(r, m) for r, m in ranks(population.members) if r == 1]
    return [
        OutcomeLine(m.key, "", "best_leader", D(2000), inputs={"rank": 1, "total": m.total})
        for _, m in leads
    ]


def _completed_task(m: Member) -> bool | None:
    """The year's net revenue reached the person's sales task; None when either is
    missing."""
    revenue, task = _number(m, "net_revenue"), _number(m, "sales_task")
    return None if revenue is None or task is None else revenue >= task


def team_award(population: Population, params: dict) -> list[OutcomeLine]:
    """优秀团队奖 (奖励 (4)): once a year, the `places` (2) teams with the highest net
    profit of the year each get a development fund of `fund` (3000 yuan), shared
    equally by the team's people who completed their task. [resolved] A team is a lead
    and the people whose supervisor the lead is; its net profit is the lead's
    `context.team_net_profit`, else the lead's measured 部门净营业额 (回收款项 − 成本) of
    the year; equal profits share a place; a member whose revenue or task is missing
    is marked missing and not counted; a fund nobody completed a task for is flagged
    for HR (`fund_unshared`)."""
    leads = [m for m in population.members if m.role == "sales_lead"]
    out, teams = [], []
    for lead in leads:
        profit = _number(lead, "team_net_profit")
        if profit is None:
            profit = _number(lead, "team_net_revenue")
        if profit is None:
            out.append(missing(lead, "team_award", "team_net_profit"))
            continue
        team = [lead] + [m for m in population.members if m.supervisor == lead.employee]
        teams.append((profit, lead, team))
    fund, places = D(str(params["fund"])), int(params["places"])
    ordered = sorted(teams, key=lambda t: (-t[0], t[1].employee))
    place, previous = 0, None
    for i, (profit, lead, team) in enumerate(ordered, start=1):
        if profit != previous:
            place, previous = i, profit
        if place > places:
            break
        done = []
        for m in team:
            completed = _completed_task(m)
            if completed is None:
                out.append(missing(m, "team_award", "net_revenue", "sales_task"))
            elif completed:
                done.append(m)
        seen = {"team_net_profit": profit, "rank": place, "fund": fund, "completed": len(done)}
        if not done:
            out.append(OutcomeLine(lead.key, "", "team_award", flag="fund_unshared", inputs=seen))
        out += [OutcomeLine(m.key, "", "team_award", fund / len(done), inputs=seen) for m in done]
    return out


def special_growth(population: Population, params: dict) -> list[OutcomeLine]:
    """六、奖惩规定: an excellent representative whose year's net revenue grew by 1,000,000
    yuan on top of the sales task, or by 2,000,000 over two years, earns a special award.
    [resolved] The growth is the year's net revenue above its sales task; two years are
    this year's growth and the previous year's (`context.previous_net_revenue` −
    `context.previous_sales_task`, when HR enters them). The seed names no amount: the
    line is a flag for HR (`special_award`)."""
    one, two = D(str(params["one_year"])), D(str(params["two_years"]))
    out = []
    for m in population.members:
        revenue, task = _number(m, "net_revenue"), _number(m, "sales_task")
        if revenue is None or task is None:
            continue  # the annual commission marks these missing already
        growth = revenue - task
        before_rev, before_task = (
            _number(m, k) for k in ("previous_net_revenue", "previous_sales_task")
        )
        earlier = None if before_rev is None or before_task is None else before_rev - before_task
        seen = {"growth": growth, "previous_growth": earlier, "one_year": one, "two_years": two}
        if growth >= one or (earlier is not None and growth + earlier >= two):
            out.append(
                OutcomeLine(m.key, "", "special_growth_award", flag="special_award", inputs=seen)
            )
    return out


RULES = [
    PopulationRule(
        "pay_table",
        "业务人员薪酬标准表与职等",
        "sales salary scale and pay level (职等)",
        ("month",),
        f"{HERE}:pay_table",
        roles=(*EARNERS, "sales_lead"),
        lines=(
            ("base_pay", "基本工资", "base pay"),
            ("floating_pay", "浮动工资", "floating pay"),
            ("allowance", "津贴", "allowance"),
            ("proposed_tier", "建议职等", "proposed pay level"),
        ),
    ),
    PopulationRule(
        "lead_quarterly_commission",
        "组长季度提成",
        "lead's quarterly commission",
        ("quarter",),
        f"{HERE}:lead_quarterly_commission",
        lines=(
            ("quarterly_commission", "组长季度提成", "lead's quarterly commission"),
            ("monthly_instalment", "每月预发提成", "monthly instalment of the commission"),
        ),
    ),
    PopulationRule(
        "annual_commission",
        "年度提成",
        "annual commission",
        ("year",),
        f"{HERE}:annual_commission",
        lines=(
            ("annual_commission", "年度提成", "annual commission"),
            (
                "annual_commission_paid",
                "年度提成本期发放（70%）",
                "annual commission paid now (70%)",
            ),
            ("annual_risk_reserve", "年度风险金暂扣（30%）", "annual risk reserve held (30%)"),
        ),
    ),
    PopulationRule(
        "collections",
        "货款回笼奖罚",
        "collection rewards and losses",
        ("month", "quarter", "year"),
        f"{HERE}:collections",
        lines=(
            ("early_collection_reward", "提前回款奖励", "early collection reward"),
            ("overdue_loss_borne", "逾期货款损失承担", "overdue loss borne"),
        ),
    ),
    PopulationRule(
        "quarterly_rank_award",
        "季度个人奖",
        "quarterly ranking award",
        ("quarter",),
        f"{HERE}:rank_awards",
        {"code": "quarterly_rank_award", "amounts": [2000, 1500, 800], "minimums": [80, 70, 60]},
        roles=EARNERS,
    ),
    PopulationRule(
        "annual_rank_award",
        "年度个人奖",
        "annual ranking award",
        ("year",),
        f"{HERE}:rank_awards",
        {"code": "annual_rank_award", "amounts": [3000, 2000, 1000]},
        roles=EARNERS,
    ),
    PopulationRule(
        "best_newcomer",
        "最佳新人奖",
        "best newcomer",
        ("year",),
        f"{HERE}:best_newcomer",
        roles=EARNERS,
    ),
    PopulationRule(
        "best_leader",
        "优秀领导者奖",
        "best leader",
        ("year",),
        f"{HERE}:best_leader",
        roles=("sales_lead",),
    ),
    PopulationRule(
        "team_award",
        "优秀团队奖",
        "best team award",
        ("year",),
        f"{HERE}:team_award",
        {"fund": 3000, "places": 2},
    ),
    PopulationRule(
        "special_growth_award",
        "特殊性奖励（净营业额增长）",
        "special award for growth",
        ("year",),
        f"{HERE}:special_growth",
        {"one_year": 1000000, "two_years": 2000000},
        roles=("sales_rep",),
    ),
]
