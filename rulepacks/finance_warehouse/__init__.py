"""`finance_warehouse`: finance and warehouse staff under the deduction system
(月考核扣分制度, seed 000 篇五)."""

from decimal import Decimal as D
from typing import Any

from engine.plugins.hookspecs import hookimpl
from engine.scoring import ChainStep, Deadline, Grade, LatePenalty, RoleTemplate, Section
from engine.scoring.pack import RulePack
from rulepacks.general.base import (
    ANNUAL_FROM_MONTHS,
    APPEAL,
    EVENTS,
    FOLLOWUP,
    ctx_bool,
    ctx_decimal,
    ind,
    trial_outcome,
)

NAME, VERSION = "finance_warehouse", "1.1.0"

SECTIONS = (
    Section("duties", "岗位职责", "duties"),
    Section("integrity", "职业操守", "professional integrity"),
)
INDICATORS = (
    # understanding, creativity, guidance and supervision, efficiency, method
    ind("duties", "岗位职责", "duties", 70, "deduction", section="duties"),
    # responsibility, diligence, cooperation, conduct
    ind("integrity", "职业操守", "professional integrity", 30, "deduction", section="integrity"),
)
GRADES = (
    Grade("a", "优秀", "outstanding", D(95), D(100), max_share=D("0.05")),
    Grade("b", "良好", "good", D(80), D(95), max_share=D("0.15")),
    Grade("c", "合格", "pass", D(65), D(80)),
    Grade("d", "较差", "poor", D(60), D(65)),
    Grade("e", "很差", "very poor", D(0), D(60)),
)
# Staff hand in by the 30th of month M ([resolved] the last day in shorter months),
# the head of finance reports by the 5th, the GM approves by the 10th.
# Opened after its deadline, a step is due 3 working days after it opens (2 for the GM).
STAFF_CHAIN = (
    ChainStep("self", Deadline(0, 30, 3)),
    ChainStep("dept_head", Deadline(1, 5, 3)),
    ChainStep("gm", Deadline(1, 10, 2)),
)
HEAD_CHAIN = (
    ChainStep("self", Deadline(0, 30, 3)),
    ChainStep("gm", Deadline(1, 5, 3)),
    ChainStep("board", Deadline(1, 10, 3)),
)
STAFF_LATE = (
    LatePenalty("self", D("0.10"), "employee"),
    LatePenalty("dept_head", D("0.15"), "reviewer"),
)
# The head's own late self-review, and the 15% for reporting the staff late.
HEAD_LATE = (
    LatePenalty("self", D("0.10"), "employee"),
    LatePenalty("dept_head", D("0.15"), "reviewer"),
)


def outcomes(result, inputs, template) -> dict[str, Any]:
    """Monthly performance pay = total / 100 × base performance pay ([resolved]: the
    seed's formula is garbled)."""
    out: dict[str, Any] = {}
    base = ctx_decimal(inputs.context, "base_performance_pay")
    if base is not None:
        out["base_performance_pay"] = base
        out["performance_pay"] = result.total / 100 * base
    if ctx_bool(inputs.context, "on_trial"):
        out["trial"] = trial_outcome(result.grade, inputs.history)
    return out


def _role(code, zh, en, chain, late, reviews=()):
    return RoleTemplate(
        pack=NAME,
        version=VERSION,
        role=code,
        name_zh=zh,
        name_en=en,
        period="month",
        sections=SECTIONS,
        indicators=INDICATORS,
        grades=GRADES,
        events=EVENTS,
        chain=chain,
        late_penalties=late,
        appeal=APPEAL,
        outcomes="rulepacks.finance_warehouse:outcomes",
        reviews=reviews,
    )


PACK = RulePack(
    NAME,
    VERSION,
    "财务及仓储考核",
    "Finance and warehouse",
    (
        _role(
            "finance_head", "财务负责人", "head of finance", HEAD_CHAIN, HEAD_LATE, ("dept_head",)
        ),
        _role("accountant", "会计", "accountant", STAFF_CHAIN, STAFF_LATE),
        _role("cashier", "出纳", "cashier", STAFF_CHAIN, STAFF_LATE),
        _role("warehouse_keeper", "保管员", "warehouse keeper", STAFF_CHAIN, STAFF_LATE),
        _role("statistician", "统计员", "statistician", STAFF_CHAIN, STAFF_LATE),
    ),
)


# The rules of policies.md §6 (rules over a population and over time) this pack
# declares: the seed code of the spec's table → what declares it here
# ("population:<rule>", "indicator:<role>.<code>", "event:<role>.<code>",
# "outcome:<role>.<key>"). tests/golden/test_spec_rules.py checks that every code of
# the spec has a declaring pack and that each declaration names something real.
SEED_RULES: dict[str, tuple[str, ...]] = {}


@hookimpl
def jixiao_rulepack():
    return PACK


@hookimpl
def jixiao_followup_steps():
    return FOLLOWUP


@hookimpl
def jixiao_annual_rules():
    """An annual cycle's result is the mean of the year's monthly results (policies)."""
    return (ANNUAL_FROM_MONTHS,)
