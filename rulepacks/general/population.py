"""Company-wide rules over time (seed 004 篇1 第12条): first in the ranking three months
running earns 300 yuan once; failing three months running is flagged for resignation,
which HR decides."""

from __future__ import annotations

from decimal import Decimal

from engine.scoring.population import OutcomeLine, Population, PopulationRule, ranks, top_of

HERE = "rulepacks.general.population"
RUN = 3


def three_months_first(population: Population, params: dict) -> list[OutcomeLine]:
    """Ranked first this month and the two months before: 300 yuan, once per run (a
    fourth month first in a row earns nothing more). Equal firsts are all first."""
    recent = population.past[: RUN - 1]
    if len(recent) < RUN - 1:
        return []
    before = population.past[RUN - 1] if len(population.past) >= RUN else None
    out = []
    for rank, m in ranks(population.members):
        if rank != 1:
            break
        if all(m.employee in top_of(p) for p in recent) and not (
            before and m.employee in top_of(before)
        ):
            periods = [p.period for p in reversed(recent)] + [population.period]
            out.append(
                OutcomeLine(
                    m.key, "", "first_three_months", Decimal(300), inputs={"periods": periods}
                )
            )
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


def runs_of_months(failing_grades: tuple[str, ...]) -> list[PopulationRule]:
    """The two rules, for a pack whose failing grades are `failing_grades`."""
    return [
        PopulationRule(
            "first_three_months",
            "连续三个月排名第一",
            "first three months running",
            ("month",),
            f"{HERE}:three_months_first",
        ),
        PopulationRule(
            "failing_three_months",
            "连续三个月不及格",
            "failing three months running",
            ("month",),
            f"{HERE}:three_months_failing",
            {"grades": list(failing_grades)},
        ),
    ]
