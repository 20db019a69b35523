"""Call-centre pay rules (seed 003): the base-pay cut when the basic quota is missed but
the incentive quota reached, 8% of the profit an agent brings, one 服务之星 per cycle
(200 / 500 / 1000 yuan a month / quarter / year, nominated by the supervisor, decided
by the manager), and 50 yuan per adopted suggestion."""

from __future__ import annotations

from decimal import Decimal

from engine.scoring.numbers import to_decimal
from engine.scoring.population import OutcomeLine, Population, PopulationRule, ranks

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
]
