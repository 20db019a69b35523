"""The rule vocabulary of docs/rulepacks.md, "The template vocabulary": parsing one rater's value and scoring it.

Every function takes the indicator and an already-parsed value and returns the exact
(unrounded) score in points, within [0, weight].
"""

from __future__ import annotations

import functools
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


@functools.lru_cache(maxsize=1024)
def resolve(path: str) -> Callable[..., Any]:
    """Find a pack's function from "package.module:function" (once per path: outcome
    functions are resolved for every appraisal scored)."""
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
    low, high = ind.number("min_value"), ind.number("max_value")
    if low is not None and value < low:
        raise ScoringInputError(where, "range", T_AT_LEAST, low=str(p["min_value"]))
    if high is not None and value > high:
        raise ScoringInputError(where, "range", T_AT_MOST, high=str(p["max_value"]))
    return value


def parse_level(ind: Indicator, raw: Any, where: str) -> Level:
    if isinstance(raw, str):
        level = ind.level_for(raw.strip())
        if level is not None:
            return level
    labels = ", ".join(f"{lv.code}/{lv.label_zh}" for lv in ind.levels())
    raise ScoringInputError(where, "scale", T_LEVEL, value=_typed(raw), levels=labels)


def parse_scale(ind: Indicator, raw: Any, where: str) -> int:
    n = int(ind.params.get("n", 5))
    if type(raw) is int and 1 <= raw <= n:  # the common case: a whole number from JSON
        return raw
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


def _as_given(ind: Indicator, raw: Any, where: str) -> Any:
    return raw  # custom: the pack's function validates its own shape


# rule → how one rater's typed value is read (deductions have their own list form).
PARSERS: dict[str, Callable[[Indicator, Any, str], Any]] = {
    **dict.fromkeys(NUMERIC_RULES, parse_number),
    "rating": parse_level,
    "scale": parse_scale,
    "manual": parse_manual,
}


def parse_value(ind: Indicator, raw: Any, where: str) -> Any:
    return PARSERS.get(ind.rule, _as_given)(ind, raw, where)


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
        most = ind.number("max_points", MAX_DEDUCTION)
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
    elif (own := ind.number("target")) is not None:
        target = own
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


def _ratio(ind: Indicator, value: Decimal, targets: dict, context: dict, where: str) -> Decimal:
    return max(ZERO, ind.weight * min(value / _target(ind, targets, where), ind.number("cap", 1)))


def _inverse_ratio(ind: Indicator, value: Decimal, targets: dict, context, where) -> Decimal:
    t = _target(ind, targets, where)
    cap = ind.number("cap", 1)
    return ind.weight * cap if value == 0 else ind.weight * min(t / value, cap)


def _reverse_ratio(ind: Indicator, value: Decimal, targets: dict, context, where) -> Decimal:
    return ind.weight * max(ZERO, ONE - value / _target(ind, targets, where))


def _step(ind: Indicator, value: Decimal, targets: dict, context, where) -> Decimal:
    t = _target(ind, targets, where)
    if _met(ind, value, t):
        return ind.weight
    shortfall = (t - value) if ind.params.get("direction", "min") == "min" else (value - t)
    steps = math.ceil(shortfall / ind.number("step"))  # a started step counts whole
    return max(ZERO, ind.weight - ind.number("points") * steps)


def _threshold(ind: Indicator, value: Decimal, targets: dict, context, where) -> Decimal:
    return ind.weight if _met(ind, value, _target(ind, targets, where)) else ZERO


def _rating(ind: Indicator, value: Level, targets, context, where) -> Decimal:
    return value.points * ind.weight / ind.number("out_of", ind.weight)


def _scale(ind: Indicator, value: int, targets, context, where) -> Decimal:
    return ind.weight * value / ind.number("n", 5)


def _manual(ind: Indicator, value: Decimal, targets, context, where) -> Decimal:
    return value


def _custom(ind: Indicator, value: Any, targets, context: dict, where: str) -> Decimal:
    fraction = to_decimal(resolve(ind.params["function"])(value, context, where))
    return ind.weight * min(max(fraction, ZERO), ONE)


# rule → its scoring function, looked up once per value instead of a chain of ifs.
SCORERS: dict[str, Callable[..., Decimal]] = {
    "ratio": _ratio,
    "inverse_ratio": _inverse_ratio,
    "reverse_ratio": _reverse_ratio,
    "step": _step,
    "threshold": _threshold,
    "rating": _rating,
    "scale": _scale,
    "manual": _manual,
    "custom": _custom,
}


def score_value(
    ind: Indicator, value: Any, targets: dict[str, Decimal], context: dict[str, Any], where: str
) -> Decimal:
    scorer = SCORERS.get(ind.rule)
    if scorer is None:
        raise ScoringInputError(where, "rule", f"unknown rule {ind.rule!r}")
    return scorer(ind, value, targets, context, where)
