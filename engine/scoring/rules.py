"""The rule vocabulary of docs/rulepacks.md, "The template vocabulary": parsing one rater's value and scoring it.

Every function takes the indicator and an already-parsed value and returns the exact
(unrounded) score in points, within [0, weight].
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from .errors import ScoringInputError
from .numbers import MAX_DIGITS, ONE, ZERO, DecimalComma, to_decimal
from .template import Indicator, Level

NUMERIC_RULES = {"ratio", "inverse_ratio", "reverse_ratio", "step", "threshold"}
# These divide by their target, so it must be more than 0; step and threshold only compare.
DIVIDING_RULES = {"ratio", "inverse_ratio", "reverse_ratio"}


def resolve(path: str) -> Callable[..., Any]:
    """Find a pack's function from "package.module:function"."""
    module, _, name = path.partition(":")
    if not module or not name:
        raise ImportError(f"{path!r} is not of the form package.module:function")
    return getattr(importlib.import_module(module), name)


# --- parsing one value -----------------------------------------------------------

# The messages that carry a number (English msgids; the edges translate them with it).
T_NOT_NUMBER = "%(value)s is not a number"
T_AT_LEAST = "must be at least %(low)s"
T_AT_MOST = "must be at most %(high)s"
T_SCALE = "must be a whole number from 1 to %(n)s"
T_NOT_POINTS = "%(value)s is not a number of points"
T_POINTS = "points must be between 0 and %(high)s"
T_MOST_POINTS = "at most %(most)s points"
T_COMMA = "%(value)s has a comma for a decimal point: use a decimal point, e.g. %(hint)s"
T_LEVEL = "%(value)s is not a level of this rating: one of %(levels)s"


T_TOO_LARGE = "%(value)s is too large: at most %(digits)s digits before the decimal point"
T_FINITE = "%(value)s is not a finite number"


def _not_number(where: str, raw: Any, exc: ValueError, text: str = T_NOT_NUMBER):
    """Why `raw` is no number, as the rule it broke: too many digits, not finite (NaN,
    infinity), or no number at all."""
    why = str(exc)
    if why.startswith("too large"):
        return ScoringInputError(
            where, "type", T_TOO_LARGE, value=_typed(raw), digits=str(MAX_DIGITS)
        )
    if why.startswith("the number must be finite"):
        return ScoringInputError(where, "type", T_FINITE, value=_typed(raw))
    return ScoringInputError(where, "type", text, value=_typed(raw))


def _typed(raw: Any) -> str:
    """What was typed, as a message quotes it: the text itself, never its Python repr."""
    return (raw if isinstance(raw, str) else str(raw)).strip()[:40] or '""'


def _comma(exc: DecimalComma, where: str) -> ScoringInputError:
    """ "3,5" is refused by every edge with the same words (units.T_COMMA)."""
    return ScoringInputError(where, "decimal_point", T_COMMA, value=exc.typed, hint=exc.hint)


def parse_number(ind: Indicator, raw: Any, where: str) -> Decimal:
    try:
        value = to_decimal(raw)
    except DecimalComma as exc:
        raise _comma(exc, where) from exc
    except ValueError as exc:
        raise _not_number(where, raw, exc) from exc
    p = ind.params
    if p.get("integer") and value != value.to_integral_value():
        raise ScoringInputError(where, "integer", "must be a whole number (a count)")
    if value < 0 and not p.get("allow_negative"):
        raise ScoringInputError(where, "min", "must not be negative")
    if "min_value" in p and value < to_decimal(p["min_value"]):
        raise ScoringInputError(where, "range", T_AT_LEAST, low=str(p["min_value"]))
    if "max_value" in p and value > to_decimal(p["max_value"]):
        raise ScoringInputError(where, "range", T_AT_MOST, high=str(p["max_value"]))
    return value


def parse_level(ind: Indicator, raw: Any, where: str) -> Level:
    if isinstance(raw, str):
        key = raw.strip()
        for lv in ind.levels():
            if key in (lv.code, lv.label_zh):
                return lv
    labels = ", ".join(f"{lv.code}/{lv.label_zh}" for lv in ind.levels())
    raise ScoringInputError(where, "scale", T_LEVEL, value=_typed(raw), levels=labels)


def parse_scale(ind: Indicator, raw: Any, where: str) -> int:
    n = int(ind.params.get("n", 5))
    if isinstance(raw, bool) or not isinstance(raw, int | str | float | Decimal):
        raise ScoringInputError(where, "type", T_SCALE, n=str(n))
    try:
        value = to_decimal(raw)
    except DecimalComma as exc:
        raise _comma(exc, where) from exc
    except ValueError as exc:
        raise ScoringInputError(where, "type", T_SCALE, n=str(n)) from exc
    if value != value.to_integral_value() or not 1 <= value <= n:
        raise ScoringInputError(where, "range", T_SCALE, n=str(n))
    return int(value)


def parse_manual(ind: Indicator, raw: Any, where: str) -> Decimal:
    try:
        value = to_decimal(raw)
    except DecimalComma as exc:
        raise _comma(exc, where) from exc
    except ValueError as exc:
        raise _not_number(where, raw, exc, T_NOT_POINTS) from exc
    if not ZERO <= value <= ind.weight:
        raise ScoringInputError(where, "range", T_POINTS, high=str(ind.weight))
    return value


def parse_value(ind: Indicator, raw: Any, where: str) -> Any:
    if ind.rule in NUMERIC_RULES:
        return parse_number(ind, raw, where)
    if ind.rule == "rating":
        return parse_level(ind, raw, where)
    if ind.rule == "scale":
        return parse_scale(ind, raw, where)
    if ind.rule == "manual":
        return parse_manual(ind, raw, where)
    return raw  # custom: the pack's function validates its own shape


def parse_event_count(raw: Any, where: str) -> int:
    """How many times an event happened: a whole number, not negative (a form's `true`
    is not a count). The one check of an event count, wherever one is typed."""
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise ScoringInputError(where, "type", "must be a whole number of occurrences")
    if raw < 0:
        raise ScoringInputError(where, "min", "must not be negative")
    return raw


MAX_DEDUCTION = 100  # one deduction; a pack may set its own with params.max_points


def parse_deductions(ind: Indicator, raw: Any, where: str) -> list[tuple[Decimal, str]]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise ScoringInputError(where, "type", "must be a list of {points, reason}")
    out = []
    for i, item in enumerate(raw):
        at = f"{where}[{i}]"
        if not isinstance(item, dict):
            raise ScoringInputError(at, "type", "must be an object with points and reason")
        unknown = set(item) - {"points", "reason"}
        if unknown:
            raise ScoringInputError(at, "unknown", f"unknown keys {sorted(unknown)}")
        if "points" not in item:
            raise ScoringInputError(f"{at}.points", "required", "a deduction needs its points")
        try:
            points = to_decimal(item["points"])
        except DecimalComma as exc:
            raise _comma(exc, f"{at}.points") from exc
        except ValueError as exc:
            raise _not_number(f"{at}.points", item["points"], exc) from exc
        if points <= 0:
            raise ScoringInputError(f"{at}.points", "min", "must be more than 0")
        most = to_decimal(ind.params.get("max_points", MAX_DEDUCTION))
        if points > most:  # more than the item is floored at 0; beyond this is a typo
            raise ScoringInputError(f"{at}.points", "max", T_MOST_POINTS, most=str(most))
        reason = item.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            raise ScoringInputError(
                f"{at}.reason",
                "required",
                "every deduction needs a written reason (扣分必须要有依据)",
            )
        out.append((points, reason.strip()))
    return out


# --- scoring one value ---------------------------------------------------------


def _target(ind: Indicator, targets: dict[str, Decimal], where: str) -> Decimal:
    if ind.code in targets:
        target = targets[ind.code]
    elif ind.params.get("target") is not None:
        target = to_decimal(ind.params["target"])
    else:
        raise ScoringInputError(
            f"targets.{ind.code}", "required", "this indicator needs a target (set per cycle)"
        )
    if target <= 0 and ind.rule in DIVIDING_RULES:
        raise ScoringInputError(f"targets.{ind.code}", "min", "a target must be more than 0")
    if target < 0:
        raise ScoringInputError(f"targets.{ind.code}", "min", "a target must not be negative")
    return target


def _met(ind: Indicator, actual: Decimal, target: Decimal) -> bool:
    return actual >= target if ind.params.get("direction", "min") == "min" else actual <= target


def score_value(
    ind: Indicator, value: Any, targets: dict[str, Decimal], context: dict[str, Any], where: str
) -> Decimal:
    w, rule, p = ind.weight, ind.rule, ind.params
    if rule == "ratio":
        t = _target(ind, targets, where)
        cap = to_decimal(p.get("cap", 1))
        return max(ZERO, w * min(value / t, cap))
    if rule == "inverse_ratio":
        t = _target(ind, targets, where)
        cap = to_decimal(p.get("cap", 1))
        return w * cap if value == 0 else w * min(t / value, cap)
    if rule == "reverse_ratio":
        t = _target(ind, targets, where)
        return w * max(ZERO, ONE - value / t)
    if rule == "step":
        t = _target(ind, targets, where)
        if _met(ind, value, t):
            return w
        shortfall = (t - value) if p.get("direction", "min") == "min" else (value - t)
        steps = math.ceil(shortfall / to_decimal(p["step"]))  # a started step counts whole
        return max(ZERO, w - to_decimal(p["points"]) * steps)
    if rule == "threshold":
        t = _target(ind, targets, where)
        return w if _met(ind, value, t) else ZERO
    if rule == "rating":
        out_of = to_decimal(p.get("out_of", w))
        return value.points * w / out_of
    if rule == "scale":
        return w * value / int(p.get("n", 5))
    if rule == "manual":
        return value
    if rule == "custom":
        fraction = to_decimal(resolve(p["function"])(value, context, where))
        return w * min(max(fraction, ZERO), ONE)
    raise ScoringInputError(where, "rule", f"unknown rule {rule!r}")
