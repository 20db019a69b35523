"""Company-wide rules over time and over a population, and the shared functions other
packs declare with their own parameters.

- Seed 004 篇1 第12条: first in the ranking three months running earns 300 yuan once;
  failing three months running is flagged for resignation, which HR decides. Declared
  here for the company's staff and by `customer_service` for its agents (the seed is
  the policy of 公司所有客服人员), each with its own failing grades.
- Seed 004 篇8 奖励 (6) 积极管理奖: once a year, two of the company's non-sales staff
  nominated for their contribution, 2000 yuan each (`nominated_award`)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from engine.scoring.population import (
    Member,
    OutcomeLine,
    Past,
    Population,
    PopulationRule,
    only_roles,
    ranks,
    top_of,
)

HERE = "rulepacks.general.population"
RUN = 3


def _by_role(population: Population, params: dict) -> Iterable[tuple[tuple[Member, ...], tuple]]:
    """The members and their history, all together or, with `by_role`, one role at a
    time (agents on different sheets are never ranked against each other)."""
    if not params.get("by_role"):
        yield population.members, population.past
        return
    for role in sorted({m.role for m in population.members}):
        members = tuple(m for m in population.members if m.role == role)
        yield members, tuple(only_roles(p, (role,)) for p in population.past)


def _first_run(members, past: tuple[Past, ...], period: str) -> list[OutcomeLine]:
    recent = past[: RUN - 1]
    if len(recent) < RUN - 1:
        return []
    before = past[RUN - 1] if len(past) >= RUN else None
    out = []
    for rank, m in ranks(members):
        if rank != 1:
            break
        if all(m.employee in top_of(p) for p in recent) and not (
            before and m.employee in top_of(before)
        ):
            periods = [p.period for p in reversed(recent)] + [period]
            out.append(
                OutcomeLine(
                    m.key, "", "first_three_months", Decimal(300), inputs={"periods": periods}
                )
            )
    return out


def three_months_first(population: Population, params: dict) -> list[OutcomeLine]:
    """Ranked first this month and the two months before: 300 yuan, once per run (a
    fourth month first in a row earns nothing more). Equal firsts are all first."""
    out = []
    for members, past in _by_role(population, params):
        out += _first_run(members, past, population.period)
    return out


def three_months_failing(population: Population, params: dict) -> list[OutcomeLine]:
    """Failing (the pack's failing grades) this month and the two months before:
    flagged for resignation (自动请辞); HR decides."""
    failing = set(params["grades"])
    recent = population.past[: RUN - 1]
    if len(recent) < RUN - 1:
        return []
    out = []
    for m in population.members:
        if m.grade in failing and all(p.grades.get(m.employee) in failing for p in recent):
            periods = [p.period for p in reversed(recent)] + [population.period]
            grades = [p.grades[m.employee] for p in reversed(recent)] + [m.grade]
            out.append(
                OutcomeLine(
                    m.key,
                    "",
                    "failing_three_months",
                    flag="resignation_review",
                    inputs={"periods": periods, "grades": grades},
                )
            )
    return out


def runs_of_months(
    failing_grades: tuple[str, ...], roles: tuple[str, ...] = (), *, by_role: bool = False
) -> list[PopulationRule]:
    """The two rules, for a pack whose failing grades are `failing_grades`, over the
    people of `roles` (all the pack's when empty), ranked per role with `by_role`."""
    return [
        PopulationRule(
            "first_three_months",
            "连续三个月排名第一",
            "first three months running",
            ("month",),
            f"{HERE}:three_months_first",
            {"by_role": by_role},
            roles=roles,
        ),
        PopulationRule(
            "failing_three_months",
            "连续三个月不及格",
            "failing three months running",
            ("month",),
            f"{HERE}:three_months_failing",
            {"grades": list(failing_grades)},
            roles=roles,
        ),
    ]


def nominated_award(population: Population, params: dict) -> list[OutcomeLine]:
    """An award the company gives to people it nominates (`context[params["key"]]` is
    true): `places` of them, the highest totals first, `amount` yuan each. Equal totals
    at the last place are all awarded (never split arbitrarily). Nobody nominated,
    nobody awarded: the award is a judgement the appraisal does not make."""
    chosen = [m for m in population.members if m.context.get(params["key"]) is True]
    places, amount = int(params["places"]), Decimal(str(params["amount"]))
    return [
        OutcomeLine(
            m.key,
            "",
            params["code"],
            amount,
            inputs={"rank": rank, "total": m.total, "nominated": len(chosen)},
        )
        for rank, m in ranks(chosen)
        if rank <= places
    ]


ACTIVE_MANAGEMENT = PopulationRule(
    "active_management_award",
    "积极管理奖",
    "active management award",
    ("year",),
    f"{HERE}:nominated_award",
    {
        "key": "active_management_nominee",
        "code": "active_management_award",
        "places": 2,
        "amount": 2000,
    },
)
