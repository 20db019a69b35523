"""Numbers as people type them, read once for every form (the reading itself is the
scoring core's: `typed_number`, and `units.read_typed` for an indicator's target or
value by its unit); the error is said in the reader's language."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from engine.scoring import units
from engine.scoring.numbers import DecimalComma, typed_number
from workflows.common import labels

# The unit's short label after a number, in the reader's language.
UNIT_LABELS = {
    "rate": "%",
    "money": gettext_lazy("yuan"),
    "days": gettext_lazy("days"),
    "seconds": gettext_lazy("seconds"),
}


# "3,5" in any number field: refused with the field's name and the number meant.
COMMA_FIELD = gettext_lazy(
    "%(field)s: %(value)s has a comma for a decimal point — use a decimal point, e.g. %(hint)s."
)


def comma_text(value: str, hint: str, field: Any = None) -> str:
    """ "3,5" refused in the reader's language, naming the field when it is known."""
    params = {"value": value, "hint": hint}
    if field:
        return str(COMMA_FIELD) % {**params, "field": field}
    return _(units.T_COMMA) % params


def read_number(raw: str, percent: bool, *, field: Any = None) -> str:
    """A typed number as the services want it; "95%" → "0.95" for rates and shares. A
    number that is not a share (a weight, a bound, a coefficient) refuses "%": "95%"
    silently read as 0.95 would change the rules by a factor of 100. "3,5" is refused
    with a hint (never read as 35); "1,000" groups thousands."""
    if not percent and str(raw).strip().endswith(("%", "％")):
        raise forms.ValidationError(_("Not a percentage here: enter a plain number."))
    try:
        return typed_number(raw, percent)
    except DecimalComma as exc:
        text = comma_text(str(raw).strip()[:40], exc.hint, field)
        raise forms.ValidationError(text, code="decimal_point") from exc
    except ValueError as exc:
        if percent:
            raise forms.ValidationError(_("Enter a number, such as 12.5 or 95%.")) from exc
        raise forms.ValidationError(_("Enter a number, such as 12.5.")) from exc


def as_percent(value: Any) -> str:
    """A stored share ("0.05") as HR types it ("5%"); empty stays empty."""
    d = as_number(value)
    if d is None:
        return "" if value in (None, "") else str(value)
    return f"{format((d * 100).normalize(), 'f')}%"


def unit_error_text(exc: units.UnitError, field: Any = None) -> str:
    """A refused number in the reader's language ("500% — did you mean 5%? …"); a
    decimal comma names the field when it is known."""
    if exc.rule == "decimal_point":
        return comma_text(exc.params["value"], exc.params["hint"], field)
    return _(exc.text) % exc.params if exc.params else _(exc.text)


def read_for(ind, raw, *, target: bool = False, field: Any = None, named: bool = True) -> str:
    """A target or value typed for the indicator, read by its unit (a rate takes "95%"
    or "0.95"; points refuse "95%"; an implausible target is refused with a hint; "3,5"
    is refused naming the field, by default the indicator — unless `named` is False: a
    form whose errors sit under their label, and whose summary names it, says it once)."""
    try:
        return units.typed_text(ind, raw, target=target)
    except units.UnitError as exc:
        text = unit_error_text(exc, (field or labels.name(ind)) if named else None)
        raise forms.ValidationError(text, code=exc.rule) from exc


def unit_label(ind) -> str:
    return str(UNIT_LABELS.get(units.unit_of(ind), ""))


def as_typed(ind, stored) -> str:
    """A stored target or value as the person would type it again ("0.4" → "40%",
    a count's "7.000" → "7", money "1234.5" → "1,234.50"), by the same formatter as
    every page, unless that would change the number when read back."""
    typed = units.as_typed(ind, stored)
    if typed is None:
        return ""
    d = as_number(stored)
    if d is None or units.unit_of(ind) == "rate":
        return str(typed)
    text = for_indicator(ind, d)
    back = as_number(text.replace(",", ""))
    return text if back is not None and back == d else format(d.normalize(), "f")


# --- showing a number by its unit -------------------------------------------------------
# One function per unit, used by every page (templates through the `by_unit` filter) and
# every file in words: a count is a whole number (seconds keep two decimals, so a score
# computed from them can be recomputed), a rate a percentage, money has two
# decimals and thousands separators, a score two decimals. A stored "7.000" or
# "121.650" is never shown as such.


def as_number(value: Any) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        d = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return d if d.is_finite() else None


def _plain(d: Decimal, places: int | None = None, group: bool = False) -> str:
    """Fixed decimals (or as few as the number needs), never "-0"."""
    if places is None:
        d = d.normalize()
        text = format(d, ",f" if group else "f")
    else:
        d = d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        text = format(d, f",.{places}f" if group else f".{places}f")
    return text[1:] if text.startswith("-") and not text.strip("-0.,") else text


def show_count(value: Any) -> str:
    d = as_number(value)
    return "—" if d is None else _plain(d, 0, group=True)


def show_rate(value: Any) -> str:
    """A fraction as a percentage with at most two decimals: 0.95 → "95%", 0.0081 →
    "0.81%", 0.97654 → "97.65%"."""
    d = as_number(value)
    if d is None:
        return "—"
    pct = (d * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{_plain(pct)}%"


def show_money(value: Any) -> str:
    d = as_number(value)
    return "—" if d is None else _plain(d, 2, group=True)


def show_score(value: Any) -> str:
    d = as_number(value)
    return "—" if d is None else _plain(d, 2)


def show_points(value: Any) -> str:
    """Points as the pack gives them: "18.5", "7" — never "7.000"."""
    d = as_number(value)
    return "—" if d is None else _plain(d.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def show_coefficient(value: Any) -> str:
    d = as_number(value)
    return "—" if d is None else _plain(d, 2)


SHOW = {
    "count": show_count,
    "rate": show_rate,
    "money": show_money,
    "score": show_score,
    "points": show_points,
    "days": show_points,
    "seconds": show_points,  # 44.379 s → "44.38": enough to recompute 30 ÷ 44.38 × 5
    "coefficient": show_coefficient,
    units.PLAIN: show_points,
}


def by_unit(value: Any, unit: str) -> str:
    """A stored number as a person reads it, by its unit (see SHOW); text that is not a
    number is returned as it is."""
    if value is None or value == "":
        return "—"
    d = as_number(value)
    if d is None:
        return str(value)
    return SHOW.get(units.LEGACY.get(unit, unit), show_points)(d)


def with_unit(value: Any, unit: str) -> str:
    """`by_unit` with the unit's word where a number alone would not say it: money is
    "3,000.00 元" / "3,000.00 yuan" (a rate already carries its %)."""
    shown = by_unit(value, unit)
    word = UNIT_LABELS.get(unit) if unit in ("money", "days", "seconds") else None
    if word is None or as_number(value) is None:
        return shown
    return f"{shown} {word}"


def for_indicator(ind, value: Any) -> str:
    """An indicator's stored target or value by the indicator's unit."""
    return by_unit(value, units.unit_of(ind))


# The unit of each outcome a pack computes (workflows/common/labels.OUTCOMES): money in
# yuan, a coefficient, a share as a percentage, a total as a score. Codes and yes/no
# outcomes are words, not numbers.
OUTCOME_UNITS = {
    **dict.fromkeys(
        (
            "base_performance_pay",
            "performance_pay",
            "commission",
            "commission_paid",
            "risk_reserve",
            "incentive",
            "late_payment_penalty",
            "bad_debt_penalty",
            "complaint_penalty",
            "amount",
            "net_revenue",
            "team_net_revenue",
        ),
        "money",
    ),
    **dict.fromkeys(
        ("pay_coefficient", "grade_coefficient", "monthly_coefficient", "bonus_factor"),
        "coefficient",
    ),
    **dict.fromkeys(("commission_rate", "performance_pay_cut", "allowance_cut"), "rate"),
    **dict.fromkeys(("behaviour_score", "annual_total"), "score"),
    "feedback_interview_within_working_days": "count",
}
