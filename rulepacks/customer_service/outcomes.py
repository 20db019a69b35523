"""Customer-service outcomes and the team-dependent custom rules (docs/policies.md, "Customer service")."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from engine.scoring import ScoringInputError
from engine.scoring.numbers import Rate, to_decimal
from rulepacks.general.base import company_outcomes, ctx_decimal

D = Decimal


def _level(total: Decimal) -> str | None:
    if total >= 90:
        return "senior"
    if total >= 80:
        return "intermediate"
    if total >= 70:
        return "junior"
    return None


def previous_period(period: str) -> str | None:
    """The period just before `period` ("2026-01" → "2025-12", "2026-Q1" → "2025-Q4")."""
    year, _, part = period.partition("-")
    if not year.isdigit() or not part:
        return None
    y = int(year)
    if part.startswith("Q") and part[1:].isdigit():
        q = int(part[1:])
        return f"{y - 1}-Q4" if q == 1 else f"{y}-Q{q - 1}"
    if part.isdigit():
        m = int(part)
        return f"{y - 1}-12" if m == 1 else f"{y}-{m - 1:02d}"
    return None


def _previous_in_a_row(inputs) -> Decimal | None:
    """The total of the appraisal just before this one, when it is the period right
    before (`context.period` given) or the latest in the history (no period given)."""
    if not inputs.history:
        return None
    last = inputs.history[-1]
    period = inputs.context.get("period")
    if isinstance(period, str) and previous_period(period) != last.period:
        return None
    return last.total


def ecommerce_outcomes(result, inputs, template) -> dict[str, Any]:
    """Agent level (客服等级) needs two appraisals in a row at the level's score: both ≥
    90 senior, both in [80, 90) intermediate, both in [70, 80) junior; [resolved]
    otherwise the lower of the two decides. Without the previous period's appraisal
    no level is granted. A total under 70 is a warning; a second one in a row means
    dismissal."""
    out = company_outcomes(result, inputs, template)
    previous = _previous_in_a_row(inputs)
    out["agent_level"] = None if previous is None else _level(min(previous, result.total))
    out["warning"] = result.total < 70
    out["dismissal"] = result.total < 70 and previous is not None and previous < 70
    return out


def support_outcomes(result, inputs, template) -> dict[str, Any]:
    """The supervisor holds a feedback interview (绩效面谈) within 3 working days of the
    result and records an improvement plan. Performance pay is the company's (inherited):
    paid when the role's grades carry a pay coefficient (seed 001 gives none; HR sets
    them in the role's template)."""
    out = company_outcomes(result, inputs, template)
    out.update(feedback_interview_within_working_days=3, improvement_plan_required=True)
    return out


INCENTIVE = ((D("1.50"), D(200)), (D("1.20"), D(160)), (D("1.10"), D(120)), (D("1.00"), D(100)))


def call_outcomes(result, inputs, template) -> dict[str, Any]:
    """Allowance cut below 90 (5%) and 85 (10%); incentive by member-development
    achievement. The quarter's bottom-ranked agent under 65 is computed over the
    call centre when the quarter is final (population rule `quarter_bottom_ranked`)."""
    out = company_outcomes(result, inputs, template)
    total = result.total
    out["allowance_cut"] = Rate("0.10") if total < 85 else Rate("0.05") if total < 90 else Rate(0)
    achievement = ctx_decimal(inputs.context, "member_development")
    if achievement is not None:
        out["incentive"] = next((amt for floor, amt in INCENTIVE if achievement >= floor), D(0))
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
