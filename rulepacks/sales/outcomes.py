"""Sales outcomes (docs/policies.md, "Sales"): commission with its risk reserve, the bonus
achievement factor, late-payment penalties and the penalty zones."""

from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Any

from engine.scoring import ScoringInputError
from engine.scoring.numbers import Rate, to_decimal
from rulepacks.general.base import company_outcomes, ctx_decimal

D = Decimal
MONTH = re.compile(r"^\d{4}-\d{2}$")

MONTHLY_COEFFICIENT = {
    "excellent": D("1.1"),
    "good": D("1.0"),
    "fair": D("0.8"),
    "basic": D("0.8"),
    "fail": D("0.4"),
}
# Commission rates by position and tier I/II/III (fractions of net revenue).
RATES = {
    "sales_assistant": (D("0.0080"), D("0.0090"), D("0.0100")),
    "junior_rep": (D("0.0081"), D("0.0091"), D("0.0101")),
    "sales_rep": (D("0.0082"), D("0.0092"), D("0.0102")),
    "sales_lead": (D("0.0012"), D("0.0013"), D("0.0015")),  # of the team's quarterly net revenue
}
TIERS = {"I": 0, "II": 1, "III": 2}
BAD_DEBT_SHARE = {"sales_rep": D("0.10"), "sales_assistant": D("0.05"), "sales_lead": D("0.30")}
COMPLAINT_SHARE = {"sales_rep": D("0.20"), "sales_assistant": D("0.10"), "sales_lead": D("0.30")}
BEHAVIOUR_SECTIONS = (
    "behaviour_conduct",
    "behaviour_ability",
    "behaviour_performance",
    "behaviour_results",
)


def achievement_factor(achievement: Decimal) -> Decimal:
    """Below 70% → 0; 70%–120% → the achievement itself; above 120% → 1.2 (篇3)."""
    if achievement < D("0.70"):
        return D(0)
    return min(achievement, D("1.2"))


def late_payment_penalty(outstanding: Decimal, days_late: int, deal_commission: Decimal) -> Decimal:
    """15-day grace after the due date, then 0.05% of the outstanding amount per
    started 15 days, never more than the rep's commission on that deal."""
    periods = math.ceil((days_late - 15) / 15) if days_late > 15 else 0
    return min(outstanding * D("0.0005") * periods, deal_commission)


def _late_payments(context: dict) -> Decimal | None:
    items = context.get("late_payments")
    if items is None:
        return None
    if not isinstance(items, list):
        raise ScoringInputError("context.late_payments", "type", "must be a list")
    total = D(0)
    for i, item in enumerate(items):
        at = f"context.late_payments[{i}]"
        if not isinstance(item, dict):
            raise ScoringInputError(at, "type", "must be {outstanding, days_late, deal_commission}")
        try:
            outstanding = to_decimal(item["outstanding"])
            commission = to_decimal(item["deal_commission"])
            days = item["days_late"]
        except KeyError as exc:
            raise ScoringInputError(f"{at}.{exc.args[0]}", "required", "is needed") from exc
        except ValueError as exc:
            raise ScoringInputError(at, "type", str(exc)) from exc
        if (
            isinstance(days, bool)
            or not isinstance(days, int)
            or days < 0
            or outstanding < 0
            or commission < 0
        ):
            raise ScoringInputError(at, "min", "amounts and days must not be negative; days whole")
        total += late_payment_penalty(outstanding, days, commission)
    return total


def _net_revenue(inputs, role: str) -> Decimal | None:
    """The month's net revenue: given to the outcomes (`context.net_revenue`), else, in
    a monthly cycle, the `net_revenue` indicator the person was measured on this month —
    the same figure, so a commission is never left out because it was recorded once and
    not twice. A quarterly or annual cycle's measured revenue is not a month's."""
    revenue = ctx_decimal(inputs.context, "net_revenue", minimum=None)
    if revenue is not None or role == "sales_lead":  # the lead's is the team's, quarterly
        return revenue
    period = inputs.context.get("period")
    if isinstance(period, str) and not MONTH.match(period):
        return None  # a quarter's or a year's revenue is not a month's: no monthly commission
    return _measured(inputs, "net_revenue")


def _measured(inputs, key: str) -> Decimal | None:
    """A figure given in the context, else the indicator of that name measured this cycle."""
    given = ctx_decimal(inputs.context, key, minimum=None)
    if given is not None:
        return given
    measured = inputs.values.get(key)
    if measured is None or isinstance(measured, bool | dict | list):
        return None
    try:
        return to_decimal(measured)
    except ValueError:
        return None


def sales_outcomes(result, inputs, template) -> dict[str, Any]:
    ctx = inputs.context
    role = template.role
    # The company's performance pay (policies.md §4.1, inherited: the sales pack does
    # not override it) at the sales grade's coefficient; the trial flags with it.
    general = company_outcomes(result, inputs, template)
    general.pop("pay_coefficient", None)  # the sales sheet calls it the grade coefficient
    out: dict[str, Any] = {"grade_coefficient": Rate(result.coefficient), **general}

    # The monthly behaviour sheet, when entered, sets the month's grade; else the total.
    behaviour = [s.score for s in result.sections if s.code in BEHAVIOUR_SECTIONS]
    monthly_grade = result.grade
    if behaviour:
        score = sum(behaviour, D(0))
        out["behaviour_score"] = score
        monthly_grade = template.grade_for(score.quantize(D("0.01"))).code
        out["monthly_grade"] = monthly_grade
    coefficient = MONTHLY_COEFFICIENT[monthly_grade]
    out["monthly_coefficient"] = Rate(coefficient)

    # Net revenue = collected payments − cost: a loss is allowed and earns no commission.
    team = _measured(inputs, "team_net_revenue") if role == "sales_lead" else None
    if team is not None:  # the lead's quarterly commission and tier read it
        out["team_net_revenue"] = team
    revenue = _net_revenue(inputs, role)
    if revenue is not None:
        out["net_revenue"] = revenue  # the month's figure, for the pay table's tier
        tier = ctx.get("tier", "I")
        if tier not in TIERS:
            raise ScoringInputError("context.tier", "choices", "must be I, II or III")
        key = "junior_rep" if role == "sales_rep" and ctx.get("junior") is True else role
        rate = RATES[key][TIERS[tier]]
        commission = max(D(0), revenue) * rate * coefficient
        out.update(
            commission_rate=Rate(rate),
            commission=commission,
            commission_paid=commission * D("0.70"),
            risk_reserve=commission * D("0.30"),
        )
    achievement = ctx_decimal(ctx, "achievement")
    if achievement is not None:
        out["bonus_factor"] = Rate(achievement_factor(achievement))
    late = _late_payments(ctx)
    if late is not None:
        out["late_payment_penalty"] = late
    bad_debt = ctx_decimal(ctx, "bad_debt_loss")
    if bad_debt is not None:
        out["bad_debt_penalty"] = bad_debt * BAD_DEBT_SHARE[role]
    complaints = ctx.get("publicised_complaints", 0)
    if complaints:
        if isinstance(complaints, bool) or not isinstance(complaints, int) or complaints < 0:
            raise ScoringInputError(
                "context.publicised_complaints", "type", "must be a whole number"
            )
        bonus = ctx_decimal(ctx, "quarter_bonus")
        if bonus is None:
            raise ScoringInputError(
                "context.quarter_bonus", "required", "needed to price a publicised complaint"
            )
        out["complaint_penalty"] = min(bonus, bonus * COMPLAINT_SHARE[role] * complaints)
    return out
