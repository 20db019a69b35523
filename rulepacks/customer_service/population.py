"""Customer-service rules over a population and over time.

- Call centre (seed 003): the base-pay cut when the basic quota is missed but the
  incentive quota reached, 8% of the profit an agent brings, one 服务之星 per cycle
  (200 / 500 / 1000 yuan a month / quarter / year, nominated by the supervisor, decided
  by the manager), 50 yuan per adopted suggestion, 200 yuan for a full quarter of
  months at the standard (达成奖励), and the quarter's bottom ranking (末位管理).
- E-commerce agents (seed 000 篇二): the quarter's and the year's best agents (at most
  5%) and excellent agents (at most 10%), by rank.
- All agents (seed 004 篇1 第12条): first three months running, failing three months
  running (the shared rules of `rulepacks.general.population`)."""

from __future__ import annotations

from decimal import Decimal

from engine.scoring.numbers import to_decimal
from engine.scoring.population import (
    Member,
    OutcomeLine,
    Population,
    PopulationRule,
    quarter_months,
    ranks,
    share_cap,
)
from rulepacks.general.population import runs_of_months

D = Decimal
HERE = "rulepacks.customer_service.population"
STAR = {"month": D(200), "quarter": D(500), "year": D(1000)}


def _number(raw) -> Decimal | None:
    """A number from HR's context, or None when it is missing or malformed."""
    if raw is None:
        return None
    try:
        return to_decimal(raw)
    except ValueError:
        return None


def call_centre_pay(population: Population, params: dict) -> list[OutcomeLine]:
    out = []
    for m in population.members:
        ctx = m.context
        if ctx.get("basic_quota_met") is False and ctx.get("incentive_quota_met") is True:
            seen = {"basic_quota_met": False, "incentive_quota_met": True}
            out.append(OutcomeLine(m.key, "", "base_pay_cut", D(100), inputs=seen))
        profit = _number(ctx.get("profit"))
        if profit is not None and profit > 0:
            out.append(
                OutcomeLine(
                    m.key,
                    "",
                    "profit_commission",
                    profit * D("0.08"),
                    inputs={"profit": profit},
                )
            )
        n = ctx.get("suggestions_adopted")
        if isinstance(n, int) and not isinstance(n, bool) and n > 0:
            out.append(OutcomeLine(m.key, "", "suggestion_award", D(50) * n, inputs={"adopted": n}))
    return out


def service_star(population: Population, params: dict) -> list[OutcomeLine]:
    """One star per cycle among those the manager chose (`context.service_star`); if
    more than one is marked, [resolved] the highest total wins."""
    chosen = [m for m in population.members if m.context.get("service_star") is True]
    if not chosen:
        return []
    _, star = ranks(chosen)[0]
    amount = STAR[population.kind]
    return [OutcomeLine(star.key, "", "service_star", amount, inputs={"nominated": len(chosen)})]


def share_awards(population: Population, params: dict) -> list[OutcomeLine]:
    """Awards by rank, each to at most a share of the people (best agent 5%, excellent
    agent 10% of all agents, seed 000 篇二): the cap is floor(headcount × share + 0.5);
    the best go first, the excellent follow from the next rank. Equal totals are never
    split: a tie that does not fit in the places left is flagged `award_tie` for HR
    (the places left are HR's to give) and the next award starts after it. An award
    carries `amounts[code]` yuan when the company set one, else it is a flag only."""
    people = population.members
    n = len(people)
    awards = [(code, share_cap(n, Decimal(str(share)))) for code, share in params["awards"]]
    amounts = params.get("amounts", {})
    groups: dict[int, list[Member]] = {}
    for rank, m in ranks(people):
        groups.setdefault(rank, []).append(m)
    out, i, left = [], 0, awards[0][1] if awards else 0
    for rank, group in groups.items():
        while i < len(awards) and left == 0:
            i += 1
            left = awards[i][1] if i < len(awards) else 0
        if i >= len(awards):
            break
        code, cap = awards[i]
        seen = {"headcount": n, "cap": cap}
        if len(group) <= left:
            amount = amounts.get(code)
            out += [
                OutcomeLine(
                    m.key,
                    "",
                    code,
                    None if amount is None else D(str(amount)),
                    "" if amount is not None else code,
                    {"rank": rank, "total": m.total, **seen},
                )
                for m in group
            ]
            left -= len(group)
        else:
            tie = {"rank": rank, "tied": len(group), "places_left": left, **seen}
            out += [
                OutcomeLine(m.key, "", code, flag="award_tie", inputs={"total": m.total, **tie})
                for m in group
            ]
            left = 0
    return out


def _quarter_scores(population: Population) -> tuple[dict[int, Decimal], list[str]]:
    """Each member's result of the quarter: the quarter cycle's own total, or, in the
    month that closes a quarter, the mean of the quarter's three monthly totals (a
    member missing one of the months had no full quarter and is left out)."""
    if population.kind == "quarter":
        return {m.key: m.total for m in population.members}, [population.period]
    months = quarter_months(population.period)
    if population.kind != "month" or months is None:
        return {}, []
    earlier = {p.period: p for p in population.past if p.period in months[:2]}
    if len(earlier) < 2:
        return {}, months
    scores = {}
    for m in population.members:
        totals = [earlier[k].totals.get(m.employee) for k in months[:2]]
        if None not in totals:
            scores[m.key] = (sum(totals, D(0)) + m.total) / 3
    return scores, months


def quarter_bottom(population: Population, params: dict) -> list[OutcomeLine]:
    """末位管理 (seed 003): once a quarter, the bottom-ranked agent (equal lowest all
    count) whose quarter result is below `minimum` (65) is warned and placed on the
    list of those to be dismissed."""
    scores, periods = _quarter_scores(population)
    if not scores:
        return []
    lowest = min(scores.values())
    minimum = D(str(params["minimum"]))
    if lowest >= minimum:
        return []
    seen = {"periods": periods, "minimum": minimum, "ranked": len(scores)}
    return [
        OutcomeLine(m.key, "", "bottom_ranked", flag="to_be_dismissed", inputs={"total": s, **seen})
        for m in population.members
        if (s := scores.get(m.key)) is not None and s == lowest
    ]


def full_quarter_award(population: Population, params: dict) -> list[OutcomeLine]:
    """达成奖励 (seed 003 七.1): every month of a full quarter at the standard earns
    `amount` (200 yuan), paid with the month that closes the quarter. [resolved] "at
    the standard" is a monthly total of at least `minimum` (90: below it the seed cuts
    the allowance), the standard each call agent's month is appraised against."""
    months = quarter_months(population.period)
    if population.kind != "month" or months is None:
        return []
    earlier = {p.period: p for p in population.past if p.period in months[:2]}
    minimum, amount = D(str(params["minimum"])), D(str(params["amount"]))
    out = []
    for m in population.members:
        totals = [earlier[k].totals.get(m.employee) if k in earlier else None for k in months[:2]]
        totals.append(m.total)
        if None not in totals and all(t >= minimum for t in totals):
            seen = {"periods": months, "totals": totals, "minimum": minimum}
            out.append(OutcomeLine(m.key, "", "full_quarter_award", amount, inputs=seen))
    return out


AGENTS = ("ecommerce_agent", "support_agent", "call_agent")

RULES = [
    PopulationRule(
        "call_centre_pay",
        "话务员薪酬规则",
        "call-centre pay rules",
        ("month", "quarter", "year"),
        f"{HERE}:call_centre_pay",
        roles=("call_agent",),
        lines=(
            ("base_pay_cut", "基本工资扣减", "base pay cut"),
            ("profit_commission", "利润提成", "profit commission"),
            ("suggestion_award", "合理化建议奖", "adopted suggestion award"),
        ),
    ),
    PopulationRule(
        "service_star",
        "服务之星",
        "service star",
        ("month", "quarter", "year"),
        f"{HERE}:service_star",
        roles=("call_agent",),
    ),
    PopulationRule(
        "full_quarter_award",
        "季度达成奖励",
        "full quarter at the standard",
        ("month",),
        f"{HERE}:full_quarter_award",
        {"minimum": 90, "amount": 200},
        roles=("call_agent",),
    ),
    PopulationRule(
        "quarter_bottom_ranked",
        "季度末位管理",
        "quarter's bottom ranking",
        ("month", "quarter"),
        f"{HERE}:quarter_bottom",
        {"minimum": 65},
        roles=("call_agent",),
    ),
    PopulationRule(
        "agent_awards",
        "最佳/优秀客服专员",
        "best and excellent agents",
        ("quarter", "year"),
        f"{HERE}:share_awards",
        # [resolved] the seed leaves the reward open (特别鼓励奖或奖励旅游, 待商议): a
        # flag for HR unless the company sets an amount per award here.
        {"awards": [["best_agent", "0.05"], ["excellent_agent", "0.10"]], "amounts": {}},
        roles=("ecommerce_agent",),
        lines=(
            ("best_agent", "最佳客服专员", "best agent"),
            ("excellent_agent", "优秀客服专员", "excellent agent"),
        ),
    ),
    # Seed 004 篇1 第12条 applies to 公司所有客服人员: the agents, each role ranked on
    # its own sheet; failing is the lowest grade of the role's scheme (e, or C for
    # support agents). The supervisor is not an agent.
    *runs_of_months(("e", "C"), AGENTS, by_role=True),
]
