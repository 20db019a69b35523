"""Warehouse safety: a monthly appraisal of forklift operators.

Built only from the public API (`engine.scoring`, `engine.plugins.hookspecs`), as any
third-party pack would be.
"""

from decimal import Decimal as D

from engine.plugins.hookspecs import hookimpl
from engine.scoring import (
    AppealPolicy,
    AppealStep,
    ChainStep,
    Deadline,
    EventType,
    Grade,
    Indicator,
    LatePenalty,
    RoleTemplate,
)
from engine.scoring.pack import RulePack
from engine.scoring.population import OutcomeLine, Population, PopulationRule

NAME, VERSION = "warehouse_safety", "0.4.0"

FORKLIFT = RoleTemplate(
    pack=NAME,
    version=VERSION,
    role="forklift_operator",
    name_zh="叉车司机",
    name_en="forklift operator",
    period="month",
    indicators=(
        Indicator(
            "incidents",
            "安全事故",
            "safety incidents",
            D(40),
            "threshold",
            {"target": 0, "direction": "max", "integer": True},
            sources=("system",),
            unit="count",
        ),
        Indicator(
            "inspections",
            "日检完成",
            "daily inspections done",
            D(30),
            "ratio",
            {"target": 22, "integer": True},
            sources=("system",),
            unit="count",
        ),
        Indicator("housekeeping", "现场5S", "housekeeping (5S)", D(30), "scale", {"n": 5}),
    ),
    grades=(
        Grade("safe", "安全", "safe", D(85), D(100)),
        Grade("watch", "关注", "watch", D(60), D(85)),
        Grade("retrain", "复训", "retrain", D(0), D(60)),
    ),
    events=(EventType("near_miss_reported", "报告未遂事件", "near miss reported", D(2)),),
    chain=(ChainStep("self", Deadline(1, 3)), ChainStep("supervisor", Deadline(1, 6))),
    late_penalties=(LatePenalty("self", D("0.05"), "employee"),),
    appeal=AppealPolicy(3, (AppealStep("hr_intake", 2), AppealStep("decision", 5))),
)

PACK = RulePack(NAME, VERSION, "仓库安全", "Warehouse safety", (FORKLIFT,))


@hookimpl
def jixiao_rulepack():
    return PACK


@hookimpl
def jixiao_check_pack(pack):
    # A pack may add its own checks: here, incidents must stay the heaviest item.
    role = pack.role("forklift_operator")
    heaviest = max(role.indicators, key=lambda i: i.weight)
    return [] if heaviest.code == "incidents" else ["forklift_operator: incidents must weigh most"]


def safe_quarter(population: Population, params: dict) -> list[OutcomeLine]:
    """Safe this month and the two before: a 200-yuan safety bonus for the driver."""
    if len(population.past) < 2:
        return []
    return [
        OutcomeLine(m.key, "", "safety_bonus", D(200), inputs={"months": 3})
        for m in population.members
        if m.grade == "safe"
        and all(p.grades.get(m.employee) == "safe" for p in population.past[:2])
    ]


@hookimpl
def jixiao_population_rules():
    """A rule over time, declared exactly as the built-in packs declare theirs."""
    return [
        PopulationRule(
            "safe_quarter",
            "连续三个月安全",
            "three safe months running",
            ("month",),
            "jixiao_example_pack:safe_quarter",
        )
    ]
