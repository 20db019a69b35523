"""`rnd`: researchers, technicians and designers (seed 004: 篇10/篇11, 篇7)."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

from engine.plugins.hookspecs import hookimpl
from engine.scoring import (
    AppealPolicy,
    AppealStep,
    EventType,
    Grade,
    RoleTemplate,
    ScoringInputError,
    Section,
)
from engine.scoring.annual import AnnualRule
from engine.scoring.pack import RulePack
from rulepacks.general.base import (
    CHAIN,
    EVENTS,
    FOLLOWUP,
    LATE,
    company_outcomes,
    ctx_decimal,
    ind,
    levels,
)

NAME, VERSION = "rnd", "1.2.0"
SECTION_WEIGHTS = {"performance": D("0.70"), "attitude": D("0.15"), "ability": D("0.15")}

# 特别加分事项 (篇7/10/11): one point per occurrence, each proposed with a witness and
# evidence and approved by HR (engine.appraisals.services.bonus).
SPECIAL = (EventType("special_bonus", "特别加分", "special bonus points", D(1)),)

GRADES = (
    Grade("excellent", "完成出色", "excellent", D(90), D(100)),
    Grade("meets", "符合要求", "meets requirements", D(70), D(90)),
    Grade("improve", "尚待改进", "needs improvement", D(0), D(70)),
)
# Written appeal to HR's appraisal officer; HR says within 3 working days whether it
# is accepted and answers within 10.
APPEAL = AppealPolicy(
    3, (AppealStep("hr_intake", 3), AppealStep("investigation", 8), AppealStep("decision", 10))
)


def _perf(code, zh, en, w, **params):
    return ind(
        code, zh, en, w, "ratio", section="performance", sources=("system", "supervisor"), **params
    )


def _att(code, zh, en, *points):
    return ind(code, zh, en, points[0], "rating", section="attitude", **levels(*points))


def _abl(code, zh, en, *points, **params):
    return ind(
        code,
        zh,
        en,
        points[0] if not params else params.pop("weight"),
        "rating",
        section="ability",
        **levels(*points),
        **params,
    )


ATTITUDE = (
    _att("responsibility", "责任感", "responsibility", 30, 24, 18, 6),
    _att("initiative", "积极性", "initiative", 25, 20, 15, 5),
    _att("teamwork", "协作性", "teamwork", 25, 20, 15, 5),
    _att("learning", "学习意愿", "learning", 20, 16, 12, 4),
)
# [resolved] these add up to 110: the section is scaled to 100.
ABILITY_TECH = (
    _abl("analysis", "分析能力", "analysis", 20, 16, 12, 4),
    _abl("judgement", "判断能力", "judgement", 20, 16, 12, 4),
    _abl("planning", "计划能力", "planning", 20, 16, 12, 4),
    _abl("innovation", "创新能力", "innovation", 15, 12, 8, 3),
    _abl("learning_ability", "学习能力", "learning ability", 15, 12, 8, 3),
    _abl("adaptability", "应变能力", "adaptability", 10, 8, 6, 2),
    _abl("comprehension", "理解能力", "comprehension", 10, 8, 6, 2),
)
# [resolved] levels are fractions of the item weight (the seed's points do not match).
ABILITY_DESIGN = tuple(
    _abl(code, zh, en, 1, "0.8", "0.6", "0.2", weight=w, out_of=1)
    for code, zh, en, w in [
        ("design", "设计能力", "design", 30),
        ("innovation", "创新能力", "innovation", 25),
        ("communication", "沟通能力", "communication", 20),
        ("learning_ability", "学习能力", "learning ability", 15),
        ("comprehension", "理解能力", "comprehension", 10),
    ]
)


def _sections(ability_raw_max: int):
    return (
        Section("performance", "工作业绩", "performance", SECTION_WEIGHTS["performance"]),
        Section("attitude", "工作态度", "attitude", SECTION_WEIGHTS["attitude"]),
        Section(
            "ability",
            "工作能力",
            "ability",
            SECTION_WEIGHTS["ability"],
            normalise_to=D(100) if ability_raw_max != 100 else None,
        ),
    )


def annual_total(section_scores: list[dict[str, D]]) -> D:
    """The annual total: the mean of the year's section scores, weighted 70/15/15."""
    return sum(
        (
            w * sum((s[code] for s in section_scores), D(0)) / len(section_scores)
            for code, w in SECTION_WEIGHTS.items()
        ),
        D(0),
    )


def salary_grade_change(total: D) -> int:
    if total > 95:
        return 2
    if total > 80:
        return 1
    if total >= 60:
        return 0
    return -1


def outcomes(result, inputs, template) -> dict[str, Any]:
    """Training flags on this total; salary-grade change on the annual total, kept
    within the position's grade range. The annual total averages the sections of the
    year's earlier appraisals in `history` (same year as `context.period`) with this one."""
    ctx = inputs.context
    total = result.total
    # The company's performance pay (inherited), paid when the grades carry a pay
    # coefficient: seed 004 gives R&D grades none, so HR sets them in the role's template.
    out: dict[str, Any] = {
        **company_outcomes(result, inputs, template),
        "advancement_training": "eligible" if total >= 80 else "may_apply" if total >= 70 else "no",
        "fitness_training_required": total <= 60,
    }
    current = {s.code: s.score for s in result.sections}
    year = str(ctx.get("period", ""))[:4]
    earlier = [
        h.sections for h in inputs.history if year and h.period.startswith(year) and h.sections
    ]
    for i, s in enumerate(earlier):
        if set(s) != set(SECTION_WEIGHTS):
            raise ScoringInputError(
                f"history[{i}].sections", "shape", f"needs {sorted(SECTION_WEIGHTS)}"
            )
    annual = annual_total([*earlier, current]) if earlier else total
    out["annual_total"] = annual
    change = salary_grade_change(annual.quantize(D("0.01")))
    out["salary_grade_change"] = change
    grade = _whole(ctx, "salary_grade")
    if grade is not None:
        lo = _whole(ctx, "salary_grade_min", default=grade)
        hi = _whole(ctx, "salary_grade_max", default=grade)
        new = min(max(grade + change, lo), hi)
        # Never beyond the position's range: the change is what is actually granted.
        out["new_salary_grade"] = new
        out["salary_grade_change"] = new - grade
    return out


def _whole(ctx: dict, key: str, default: int | None = None) -> int | None:
    """A salary grade is a whole number (grade 8, not 8.00)."""
    value = ctx_decimal(ctx, key, minimum=None)
    if value is None:
        return default
    if value != value.to_integral_value():
        raise ScoringInputError(f"context.{key}", "integer", "a salary grade is a whole number")
    return int(value)


def _role(code, zh, en, performance, ability, reviews=()):
    raw = sum(int(i.weight) for i in ability)
    return RoleTemplate(
        pack=NAME,
        version=VERSION,
        role=code,
        name_zh=zh,
        name_en=en,
        # [resolved] the default cycle is quarterly.
        period="quarter",
        sections=_sections(raw),
        indicators=performance + ATTITUDE + ability,
        grades=GRADES,
        events=EVENTS + SPECIAL,
        chain=CHAIN,
        late_penalties=LATE,
        appeal=APPEAL,
        outcomes="rulepacks.rnd:outcomes",
        reviews=reviews,
    )


RESEARCHER = _role(
    "researcher",
    "研发人员",
    "researcher",
    (
        # days ahead of plan; behind plan is negative and floors at 0
        _perf(
            "dev_cycle_ahead",
            "研发周期提前天数",
            "days ahead of plan",
            30,
            target=15,
            allow_negative=True,
            unit="days",
        ),
        _perf(
            "review_pass_rate",
            "技术评审合格率",
            "technical review pass rate",
            25,
            target=1,
            max_value=1,
            unit="rate",
        ),
        _perf("plan_completion", "计划完成率", "plan completion", 20, target=1, unit="rate"),
        ind(
            "unproducible_results",
            "不能投产的成果数",
            "results that could not go to production",
            15,
            "threshold",
            section="performance",
            sources=("system", "supervisor"),
            target=2,
            direction="max",
            integer=True,
            unit="count",
        ),
        _perf(
            "cost_reduction",
            "研发成本降低率",
            "R&D cost reduction",
            10,
            allow_negative=True,
            unit="rate",
        ),
    ),
    ABILITY_TECH,
    reviews=("supervisor",),  # the head of R&D is a researcher
)
TECHNICIAN = _role(
    "technician",
    "技术人员",
    "technician",
    (
        _perf(
            "design_on_time",
            "设计及时率",
            "designs on time",
            30,
            target="0.85",
            max_value=1,
            unit="rate",
        ),
        _perf(
            "solution_adoption",
            "方案采用率",
            "solutions adopted",
            25,
            target="0.85",
            max_value=1,
            unit="rate",
        ),
        _perf(
            "retrofit_cost_control",
            "技改成本控制率",
            "retrofit cost control",
            25,
            target="0.80",
            unit="rate",
        ),
        _perf(
            "service_satisfaction",
            "服务满意度",
            "service satisfaction",
            10,
            target=95,
            max_value=100,
            unit="score",
        ),
        _perf(
            "archiving_on_time",
            "资料归档及时率",
            "archiving on time",
            10,
            target=1,
            max_value=1,
            unit="rate",
        ),
    ),
    ABILITY_TECH,
)
DESIGNER = _role(
    "designer",
    "设计人员",
    "designer",
    (
        _perf(
            "design_cycle_ahead",
            "设计周期提前",
            "design cycle ahead of plan",
            20,
            allow_negative=True,
            unit="days",
        ),
        _perf("review_satisfaction", "评审满意度", "review satisfaction", 10, unit="rate"),
        _perf("plan_completion", "计划完成率", "plan completion", 10, unit="rate"),
        # A count of results that could not go to production, fewer is better (篇7);
        # the cycle sets the most it allows, as the researcher's "fewer than 3" is 2.
        ind(
            "producibility",
            "设计的可生产性",
            "producibility",
            5,
            "threshold",
            section="performance",
            sources=("system", "supervisor"),
            direction="max",
            integer=True,
            unit="count",
            description_zh="成果不能投入生产的次数；不超过本周期允许的次数得满分，否则 0 分",
            description_en="results that could not go to production; full marks at or under "
            "the cycle's allowance, else 0",
        ),
        _perf(
            "cost_reduction", "成本降低率", "cost reduction", 5, allow_negative=True, unit="rate"
        ),
        _perf("design_on_time", "设计及时率", "designs on time", 15, unit="rate"),
        _perf("solution_adoption", "方案采用率", "solutions adopted", 10, unit="rate"),
        _perf("retrofit_cost_control", "技改成本控制率", "retrofit cost control", 10, unit="rate"),
        # on a 0–100 scale, as the technician's
        _perf(
            "service_satisfaction",
            "服务满意度",
            "service satisfaction",
            10,
            max_value=100,
            unit="score",
        ),
        _perf("archiving_on_time", "资料归档及时率", "archiving on time", 5, unit="rate"),
    ),
    ABILITY_DESIGN,
)

PACK = RulePack(NAME, VERSION, "技术研发考核", "R&D and design", (RESEARCHER, TECHNICIAN, DESIGNER))


# The rules of policies.md §6 (rules over a population and over time) this pack
# declares: the seed code of the spec's table → what declares it here
# ("population:<rule>", "indicator:<role>.<code>", "event:<role>.<code>",
# "outcome:<role>.<key>"). tests/golden/test_spec_rules.py checks that every code of
# the spec has a declaring pack and that each declaration names something real.
SEED_RULES = {
    "004 篇7/10/11": ("event:designer.special_bonus", "event:researcher.special_bonus"),
}


@hookimpl
def jixiao_rulepack():
    return PACK


@hookimpl
def jixiao_followup_steps():
    return FOLLOWUP


# The annual composite (seed 004 篇7/10/11: performance is appraised at project end or
# yearly, attitude and ability monthly/quarterly). [resolved] In a year's cycle the
# performance section is scored on the annual appraisal itself; attitude and ability
# are the means of the year's monthly results (quarterly when there are no monthly
# ones), each period weighing the same, over the periods present, at least half the
# year (6 months, 2 quarters); the total is weighted 70/15/15 as every R&D total.
ANNUAL = AnnualRule(
    "annual_composite",
    "年度综合评判（业绩按年，态度与能力取月度平均）",
    "annual composite (performance yearly, attitude and ability the monthly mean)",
    of=("month", "quarter"),
    missing="mean_present",
    min_months=6,
    sections=("attitude", "ability"),
)


@hookimpl
def jixiao_annual_rules():
    """Attitude and ability from the year's periods, performance yearly (policies)."""
    return (ANNUAL,)
