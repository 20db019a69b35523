"""Customer-service outcomes and the team-dependent custom rules (docs/policies.md, "Customer service")."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from engine.scoring import ScoringInputError
from engine.scoring.numbers import to_decimal
from rulepacks.general.base import company_outcomes, ctx_bool, ctx_decimal

D = Decimal


def _level(total: Decimal) -> str | None:
    if total >= 90:
        return "senior"
    if total >= 80:
        return "intermediate"
    if total >= 70:
        return "junior"
    return None


def ecommerce_outcomes(result, inputs, template) -> dict[str, Any]:
    """Agent level from this and the previous appraisal: both ≥ 90 senior, both in
    [80, 90) intermediate, both in [70, 80) junior; [resolved] otherwise the lower of
    the two decides (without a previous appraisal, this one alone). A total under 70
    is a warning; a second one in a row means dismissal."""
    out = company_outcomes(result, inputs, template)
    previous = inputs.history[-1].total if inputs.history else None
    basis = result.total if previous is None else min(previous, result.total)
    out["agent_level"] = _level(basis)
    out["warning"] = result.total < 70
    out["dismissal"] = result.total < 70 and previous is not None and previous < 70
    return out


def support_outcomes(result, inputs, template) -> dict[str, Any]:
    """The supervisor holds a feedback interview (绩效面谈) within 3 working days of the
    result and records an improvement plan."""
    return {"feedback_interview_within_working_days": 3, "improvement_plan_required": True}


INCENTIVE = ((D("1.50"), D(200)), (D("1.20"), D(160)), (D("1.10"), D(120)), (D("1.00"), D(100)))


def call_outcomes(result, inputs, template) -> dict[str, Any]:
    """Allowance cut below 90 (5%) and 85 (10%); incentive by member-development
    achievement; a quarter's bottom-ranked agent under 65 is warned and listed."""
    out = company_outcomes(result, inputs, template)
    total = result.total
    out["allowance_cut"] = D("0.10") if total < 85 else D("0.05") if total < 90 else D(0)
    achievement = ctx_decimal(inputs.context, "member_development")
    if achievement is not None:
        out["incentive"] = next((amt for floor, amt in INCENTIVE if achievement >= floor), D(0))
    if ctx_bool(inputs.context, "quarter_bottom_ranked") and total < 65:
        out["warning"] = True
        out["to_be_dismissed_list"] = True
    return out


def team_retention(value: Any, context: dict, where: str) -> Decimal:
    """100 − 40 per confirmed member who quit − 20 per member dismissed, floor 0."""
    if not isinstance(value, dict) or set(value) - {"quit", "dismissed"}:
        raise ScoringInputError(where, "type", "must be an object {quit, dismissed}")
    counts = {}
    for key in ("quit", "dismissed"):
        n = value.get(key, 0)
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise ScoringInputError(f"{where}.{key}", "min", "must be a whole number, not negative")
        counts[key] = n
    return max(D(0), D(100) - 40 * counts["quit"] - 20 * counts["dismissed"]) / 100


def team_management(value: Any, context: dict, where: str) -> Decimal:
    """Mean final total of the supervisor's direct reports this cycle − 10 per rule
    violation in the team, floor 0. Needs the reports' results first."""
    if not isinstance(value, dict) or set(value) - {"violations"}:
        raise ScoringInputError(where, "type", "must be an object {violations}")
    n = value.get("violations", 0)
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ScoringInputError(
            f"{where}.violations", "min", "must be a whole number, not negative"
        )
    totals = context.get("team_totals")
    if not isinstance(totals, list) or not totals:
        raise ScoringInputError(
            "context.team_totals", "required", "needs the final totals of the direct reports"
        )
    try:
        nums = [to_decimal(x) for x in totals]
    except ValueError as exc:
        raise ScoringInputError("context.team_totals", "type", str(exc)) from exc
    mean = sum(nums, D(0)) / len(nums)
    return min(D(1), max(D(0), mean - 10 * n) / 100)
