"""Building blocks of the company-wide policy (docs/policies.md, "Company-wide") that the other packs
inherit unless they override an item: grades a–e, events, the monthly chain with its
deadlines, late penalties and the appeal policy, and small helpers to declare
indicators and outcome inputs."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from engine.scoring import (
    AppealPolicy,
    AppealStep,
    ChainStep,
    Deadline,
    EventType,
    Grade,
    Indicator,
    LatePenalty,
    Level,
    ScoringInputError,
)
from engine.scoring.annual import AnnualRule
from engine.scoring.followup import ACKNOWLEDGE, INTERVIEW, FollowUpStep
from engine.scoring.numbers import Rate, to_decimal

D = Decimal
ZERO = D(0)


def ind(
    code,
    zh,
    en,
    weight,
    rule,
    *,
    section=None,
    sources=("supervisor",),
    optional=False,
    description_zh="",
    description_en="",
    unit="",
    **params,
) -> Indicator:
    return Indicator(
        code,
        zh,
        en,
        D(str(weight)),
        rule,
        params,
        section,
        tuple(sources),
        optional,
        description_zh,
        description_en,
        unit,
    )


def levels(
    *points, codes=("excellent", "good", "fair", "poor"), labels=("优", "良", "中", "差")
) -> dict:
    """Rating parameters: four levels 优/良/中/差 with the given points."""
    return {
        "levels": tuple(
            Level(c, z, D(str(p))) for c, z, p in zip(codes, labels, points, strict=True)
        )
    }


GRADES_AE = (
    Grade("a", "优秀", "outstanding", D(95), D(100), D("1.50"), max_share=D("0.05")),
    Grade("b", "良好", "good", D(80), D(95), D("1.20"), max_share=D("0.15")),
    Grade("c", "合格", "pass", D(65), D(80), D("1.00")),
    Grade("d", "较差", "poor", D(60), D(65), D("0.80")),
    Grade("e", "很差", "very poor", D(0), D(60), D("0.50")),
)

EVENTS = (
    EventType("commendation", "嘉奖", "commendation", D(3)),
    EventType("minor_merit", "小功", "minor merit", D(5)),
    EventType("major_merit", "大功", "major merit", D(8)),
    EventType("warning", "警告", "warning", D(-3)),
    EventType("minor_demerit", "小过", "minor demerit", D(-5)),
    EventType("major_demerit", "大过", "major demerit", D(-8)),
    EventType("late_or_early", "迟到/早退", "late arrival or early leave", D(-2)),
    EventType("absent_day", "旷工(天)", "day absent without leave", D(-5)),
    EventType("leave_short", "请假(3天以下)", "leave under 3 days", D(-1)),
    EventType("leave_long", "请假(3天及以上)", "leave of 3 days or more", D(-3)),
    # A department head found obstructing an appeal or retaliating loses 50% of that
    # month's performance pay (recorded by HR on the head's own appraisal); no points.
    EventType(
        "obstruction_or_retaliation",
        "阻挠申诉/打击报复",
        "obstructing an appeal or retaliating",
        D(0),
    ),
    # An evaluator who breaks the scheme (seed 000 篇三 八.5) loses the amount HR sets
    # (`context.evaluator_breach_deduction`) from their own performance pay; no points.
    EventType("evaluator_breach", "考核人违规", "evaluator broke the appraisal rules", D(0)),
)

# Monthly cycle of month M: due days in month M+1 (docs/policies.md, "Company-wide").
# The third number is each step's window when it opens after its calendar deadline
# (a cycle opened late): due that many working days after it opens.
CHAIN = (
    ChainStep("self", Deadline(1, 2, 3)),
    ChainStep("supervisor", Deadline(1, 5, 3)),
    ChainStep("hr", Deadline(1, 8, 3)),
    ChainStep("gm", Deadline(1, 10, 2)),
)
LATE = (
    LatePenalty("self", D("0.10"), "employee"),
    LatePenalty("supervisor", D("0.15"), "reviewer"),
)
# 3 working days to appeal; mediation with the department head first, then HR, who
# answers within 5 working days of the filing.
APPEAL = AppealPolicy(
    3,
    (
        AppealStep("mediation", 1),
        AppealStep("hr_intake", 2),
        AppealStep("investigation", 4),
        AppealStep("decision", 5),
    ),
)

# After the result (docs/policies.md, "After the result"). The employee confirms having
# read the published result and signs (seed 002's 被考核人确认/签字, seed 004's
# 被考核人签名) within 3 working days [resolved: the seeds give the signature no
# deadline; 3 working days, the company's appeal window, and signing never shortens
# that window]. The supervisor holds the feedback interview within 5 working days
# [resolved: seed 000 篇三 asks the supervisor for feedback without a deadline; seed
# 004 says within a week of the appraisal, filed with HR: a week is 5 working days].
ACKNOWLEDGEMENT = FollowUpStep(
    ACKNOWLEDGE, 3, source="seed 002 被考核人确认·签字; seed 004 被考核人签名"
)
INTERVIEW_WEEK = FollowUpStep(
    INTERVIEW, 5, source="seed 004 五: 考核结束后一周内由上级主管安排, 报行政人事部备案"
)
FOLLOWUP = (ACKNOWLEDGEMENT, INTERVIEW_WEEK)

# The annual composite (seed 004 篇6: 以次为基础给出年度综合评判; 操作层面员工的年度
# 综合考核以其月度考核为基础). [resolved] Every month of the year weighs the same; the
# composite is the mean of the months with a final result, and needs at least 10 of
# them (seed 004 篇1 第2条: absent more than 2 months of the period → not appraised);
# fewer is refused naming the months missing, never averaged as zeros. The grade is
# the role's own grade table on the composite.
ANNUAL_FROM_MONTHS = AnnualRule(
    "annual_composite",
    "年度综合评判（月度结果平均）",
    "annual composite (mean of the monthly results)",
    of=("month",),
    missing="mean_present",
    min_months=10,
)


def ctx_decimal(context: dict[str, Any], key: str, *, default=None, minimum=ZERO) -> Decimal | None:
    """A number from the input's context, refused by name when it is malformed."""
    if key not in context or context[key] is None:
        return default
    try:
        value = to_decimal(context[key])
    except ValueError as exc:
        raise ScoringInputError(f"context.{key}", "type", f"must be a number ({exc})") from exc
    if minimum is not None and value < minimum:
        raise ScoringInputError(f"context.{key}", "min", f"must be at least {minimum}")
    return value


def ctx_bool(context: dict[str, Any], key: str) -> bool:
    value = context.get(key, False)
    if not isinstance(value, bool):
        raise ScoringInputError(f"context.{key}", "type", "must be true or false")
    return value


def performance_pay_base(context: dict[str, Any]) -> Decimal | None:
    """Base performance pay: given directly, or 30% of the total monthly salary."""
    base = ctx_decimal(context, "base_performance_pay")
    if base is None:
        salary = ctx_decimal(context, "monthly_salary")
        base = None if salary is None else salary * D("0.30")
    return base


def trial_outcome(grade: str, history) -> str:
    """Trial-period staff (§4.1): a → may be confirmed early; b/c → confirmed;
    d → trial extended, re-appraised; e, or a second d → dismissed."""
    if grade == "a":
        return "confirm_early"
    if grade in {"b", "c"}:
        return "confirm"
    if grade == "d":
        return "dismiss" if history and history[-1].grade == "d" else "extend_trial"
    return "dismiss"


def company_outcomes(result, inputs, template) -> dict[str, Any]:
    """Pay coefficient, performance pay and trial flags of the general policy."""
    out: dict[str, Any] = {}
    if result.coefficient is not None:
        out["pay_coefficient"] = Rate(result.coefficient)
    base = performance_pay_base(inputs.context)
    if base is not None and result.coefficient is not None:
        paid = base * result.coefficient
        if inputs.events.get("obstruction_or_retaliation"):
            paid *= D("0.5")
            out["performance_pay_cut"] = Rate("0.50")
        breach = ctx_decimal(inputs.context, "evaluator_breach_deduction")
        if inputs.events.get("evaluator_breach") and breach:
            out["evaluator_breach_deduction"] = min(breach, paid)
            paid = max(D(0), paid - breach)
        out["base_performance_pay"] = base
        out["performance_pay"] = paid
    if ctx_bool(inputs.context, "on_trial"):
        out["trial"] = trial_outcome(result.grade, inputs.history)
    return out
