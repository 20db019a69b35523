"""Units: what an indicator's number means, and how a number typed for it is read.

Every indicator has a unit from one small vocabulary, declared by its pack. The unit
says how the number is stored (a rate as a fraction, 0.95), how a person may type it
("95%" or "0.95" for a rate; a percentage is refused for points), and which numbers are
plausible: a rate target above 100% is a typo ("500% — did you mean 5%?"), not a
target. Every edge (the targets and metrics page, the Excel import, the API, the CLI,
the step form) reads a typed number through `read_typed`, so the same "95%" means the
same thing everywhere. Pure: no Django; messages are English templates that the pages
translate (the same msgids are in the zh-Hans catalogue).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any

from .numbers import ONE, ZERO, DecimalComma, comma_reading, normalised, to_decimal, ungrouped
from .template import Indicator

# The vocabulary (docs/rulepacks.md, "Units").
UNITS = ("rate", "money", "count", "days", "seconds", "score", "points", "level")
# Units of a measured number (what the numeric rules compare with a target).
MEASURED = frozenset({"rate", "money", "count", "days", "seconds", "score"})
NUMERIC_RULES = frozenset({"ratio", "inverse_ratio", "reverse_ratio", "step", "threshold"})
# Units each rule may declare; an empty unit takes the rule's default (None: must declare).
RULE_UNITS: dict[str, tuple[frozenset[str], str | None]] = {
    **{r: (MEASURED, None) for r in NUMERIC_RULES},
    "rating": (frozenset({"level"}), "level"),
    "scale": (frozenset({"level"}), "level"),
    "manual": (frozenset({"points"}), "points"),
    "deduction": (frozenset({"points"}), "points"),
    "custom": (frozenset(UNITS), "count"),
}
# Symbols templates carried before units were a vocabulary (pinned by older appraisals).
LEGACY = {"%": "rate", "元": "money", "次": "count", "天": "days", "秒": "seconds"}
# A number of a template pinned before units existed whose unit cannot be told: read
# plainly, no plausibility check. Never declarable.
PLAIN = "number"

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Range:
    low: Decimal
    high: Decimal


# Plausible ranges, by unit (docs/policies.md, "Every pack"): a target or value outside
# is refused where it is typed. `score` and `points` use the indicator's own scale.
TARGETS = {
    "rate": Range(ZERO, ONE),
    "money": Range(ZERO, Decimal(100_000_000)),
    "count": Range(ZERO, Decimal(10_000)),
    "days": Range(ZERO, Decimal(366)),
    "seconds": Range(ZERO, Decimal(3_600)),
}
VALUES = {
    "rate": Range(ZERO, Decimal(3)),
    "money": Range(Decimal(-1_000_000_000), Decimal(1_000_000_000)),
    "count": Range(ZERO, Decimal(1_000_000)),
    "days": Range(Decimal(-366), Decimal(366)),
    "seconds": Range(ZERO, Decimal(86_400)),
}
# The language-neutral symbol written after a number of the unit; pages add their own
# translated words for the others (workflows.common.numbers.unit_label).
SYMBOLS = {"rate": "%"}
EXAMPLES = {
    "rate": "95%",
    "money": "12500.00",
    "count": "12",
    "days": "15",
    "seconds": "30",
    "score": "4.5",
    "points": "18.5",
    PLAIN: "12.5",
}
# What a person may write after the number, by unit (stripped before reading).
SUFFIXES = {
    "money": ("元", "¥", "￥", "rmb", "cny", "yuan"),
    "count": ("次", "个", "人", "件"),
    "days": ("天", "日", "days", "day", "d"),
    "seconds": ("秒", "seconds", "second", "sec", "s"),
}

# The messages (English msgids; the pages translate them).
T_TYPE = "%(value)s is not a number: enter one such as %(example)s."
T_COMMA = "%(value)s has a comma for a decimal point: use a decimal point, e.g. %(hint)s."
T_PERCENT = "A percentage does not fit here: enter a number such as %(example)s."
T_INTEGER = "Enter a whole number."
T_NEGATIVE = "It must not be negative."
T_MAX = "%(value)s is too high: at most %(high)s."
T_MIN = "%(value)s is too low: at least %(low)s."
T_TARGET = "%(value)s is not a plausible target: a target here is from %(low)s to %(high)s."
T_TARGET_HINT = "%(value)s — did you mean %(hint)s? A target here is at most %(high)s."
T_VALUE = "%(value)s is not a plausible value: a value here is from %(low)s to %(high)s."
T_VALUE_HINT = "%(value)s — did you mean %(hint)s? A value here is at most %(high)s."


class UnitError(ValueError):
    """A typed number refused: `rule` (type, decimal_point, percent, integer, min, range,
    plausible),
    an English template `text` and its `params` (already formatted for the unit)."""

    def __init__(self, rule: str, text: str, **params: str):
        self.rule, self.text, self.params = rule, text, params
        super().__init__(text % params if params else text)

    @property
    def message(self) -> str:
        return str(self)


def unit_of(ind: Indicator) -> str:
    """The indicator's unit code: declared, a legacy symbol's, or the rule's default."""
    declared = LEGACY.get(ind.unit, ind.unit)
    if declared:
        return declared
    default = RULE_UNITS.get(ind.rule, (frozenset(), None))[1]
    if default is not None:
        return default
    if str(ind.params.get("max_value", "")) in {"1", "1.0"}:
        return "rate"  # a template pinned before units: a fraction shown as %
    return "count" if ind.params.get("integer") else PLAIN


def unit_problems(ind: Indicator, where: str) -> list[str]:
    """What the validator says about an indicator's unit (empty when it is right)."""
    allowed, default = RULE_UNITS.get(ind.rule, (frozenset(UNITS), None))
    if not ind.unit:
        if default is None:
            return [
                f"{where}: a {ind.rule} indicator must declare its unit (one of {sorted(allowed)})"
            ]
        return []
    if ind.unit not in UNITS:
        return [f"{where}: unknown unit {ind.unit!r} (units are {', '.join(UNITS)})"]
    if ind.unit not in allowed:
        return [f"{where}: a {ind.rule} indicator cannot be measured in {ind.unit}"]
    if ind.unit == "score" and "max_value" not in ind.params:
        return [f"{where}: a score needs its scale (max_value)"]
    return []


# --- showing ------------------------------------------------------------------------


def shown(unit: str, value: Decimal) -> str:
    """A number of the unit as a person reads it in a message: 0.05 → "5%" for a rate."""
    if unit == "rate":
        return f"{format((value * HUNDRED).normalize(), 'f')}%"
    return format(value.normalize(), "f")


# --- reading ------------------------------------------------------------------------


def _text(raw: Any) -> str:
    """The typed text without spaces and thousands separators ("1,000" → "1000"); a
    decimal comma ("3,5") is refused, never read as 35."""
    try:
        return ungrouped(normalised(raw).strip().replace(" ", ""))
    except DecimalComma as exc:
        raise UnitError("decimal_point", T_COMMA, value=raw.strip()[:40], hint=exc.hint) from exc


def _strip_suffix(text: str, unit: str) -> str:
    low = text.lower()
    for s in SUFFIXES.get(unit, ()):
        if low.endswith(s) and len(text) > len(s):
            return text[: -len(s)].strip()
        if low.startswith(s) and s in {"¥", "￥"}:
            return text[len(s) :].strip()
    return text


def _number(text: str, unit: str, typed: Any = None) -> Decimal:
    try:
        return to_decimal(text)
    except ValueError as exc:
        shown_typed = str(text if typed is None else typed).strip()[:40]
        raise UnitError("type", T_TYPE, value=shown_typed, example=EXAMPLES[unit]) from exc


def read_rate(raw: Any) -> Decimal:
    """ "95%", "0.95" and 95 are all 0.95: a bare number above 1 is a percentage."""
    if not isinstance(raw, str):
        value = _number(str(raw) if not isinstance(raw, float) else repr(raw), "rate")
        return value / HUNDRED if value > ONE else value
    text = _text(raw)
    if text.endswith("%"):
        return _number(text[:-1], "rate", raw) / HUNDRED
    value = _number(text, "rate", raw)
    return value / HUNDRED if value > ONE else value


def read_plain(raw: Any, unit: str) -> Decimal:
    """A number of any other unit: its own suffix allowed ("30秒", "¥1,200"), a
    percentage refused ("95%" for points is not 0.95)."""
    if isinstance(raw, bool):
        raise UnitError("type", T_TYPE, value=str(raw), example=EXAMPLES[unit])
    if not isinstance(raw, str):
        return _number(repr(raw) if isinstance(raw, float) else str(raw), unit)
    text = _text(raw)
    if text.endswith("%"):
        raise UnitError("percent", T_PERCENT, example=EXAMPLES[unit])
    return _number(_strip_suffix(text, unit), unit, raw)


READERS: dict[str, Callable[[Any], Decimal]] = {
    "rate": read_rate,
    **{u: partial(read_plain, unit=u) for u in (*UNITS, PLAIN) if u != "rate"},
}


def _limits(ind: Indicator, unit: str, target: bool) -> tuple[Decimal | None, Decimal | None]:
    """The hard limits the pack declares (min_value, max_value, the weight of points)."""
    p = ind.params
    low = to_decimal(p["min_value"]) if "min_value" in p else None
    high = to_decimal(p["max_value"]) if "max_value" in p else None
    if unit == "points":
        low, high = ZERO, to_decimal(p.get("max_points", ind.weight))
    if low is None and not p.get("allow_negative") and not (target and unit == "days"):
        low = ZERO
    return low, high


def example_for(ind: Indicator, *, target: bool = False) -> str:
    """A number to show as an example for the field, inside its limits: "4" for 0–5
    points, never "18.5"."""
    unit = unit_of(ind)
    example = EXAMPLES.get(unit, EXAMPLES[PLAIN])
    low, high = _limits(ind, unit, target)
    try:
        number = READERS[unit if unit in READERS else PLAIN](example)
    except UnitError:
        return example
    if (high is not None and number > high) or (low is not None and number < low):
        inside = (high * Decimal("0.8")).quantize(Decimal("0.1")) if high is not None else low
        if low is not None and inside < low:
            inside = low
        return shown(unit, inside)
    return example


def _hint(unit: str, value: Decimal, high: Decimal) -> Decimal | None:
    """The number meant when a percentage was typed twice ("500%" for 5%)."""
    if unit == "rate" and value > high and value / HUNDRED <= high:
        return value / HUNDRED
    return None


def read_typed(ind: Indicator, raw: Any, *, target: bool = False) -> Decimal:
    """A target or a measured value typed for `ind`, read by its unit and checked:
    the pack's hard limits first (max_value, a whole number, not negative), then the
    plausible range of the unit. Raises UnitError naming the rule. "1,500" refused for a
    score of 0–5 says to use a decimal point when "1.500" would have been taken."""
    unit = unit_of(ind)
    try:
        value = READERS[unit if unit in READERS else PLAIN](raw)
    except UnitError as exc:
        if "example" in exc.params:  # an example the field itself would take
            exc.params["example"] = example_for(ind, target=target)
            exc.args = (exc.text % exc.params,)
        raise
    try:
        return _checked(ind, unit, value, target)
    except UnitError:
        other = comma_reading(raw)
        if other is not None:
            try:
                read_typed(ind, other, target=target)
            except UnitError:
                pass
            else:
                raise UnitError(
                    "decimal_point", T_COMMA, value=raw.strip()[:40], hint=other
                ) from None
        raise


def _checked(ind: Indicator, unit: str, value: Decimal, target: bool) -> Decimal:
    if (unit == "count" or ind.params.get("integer")) and value != value.to_integral_value():
        raise UnitError("integer", T_INTEGER)
    low, high = _limits(ind, unit, target)
    if low is not None and value < low:
        if low == ZERO and high is None:
            raise UnitError("min", T_NEGATIVE)
        raise UnitError("range", T_MIN, value=shown(unit, value), low=shown(unit, low))
    if high is not None and value > high:
        hint = _hint(unit, value, high)
        if target and hint is not None:
            return _implausible(unit, value, low or ZERO, high, target)
        raise UnitError("range", T_MAX, value=shown(unit, value), high=shown(unit, high))
    plausible = (TARGETS if target else VALUES).get(unit)
    if plausible is not None:
        lowest = plausible.low
        if not target and ind.params.get("allow_negative") and lowest >= ZERO:
            lowest = -plausible.high  # a cost reduction of −5%: costs went up
        if not lowest <= value <= plausible.high:
            return _implausible(unit, value, lowest, plausible.high, target)
    return value


def _implausible(unit: str, value: Decimal, low: Decimal, high: Decimal, target: bool):
    hint = _hint(unit, value, high)
    params = {"value": shown(unit, value), "low": shown(unit, low), "high": shown(unit, high)}
    if hint is not None:
        text = T_TARGET_HINT if target else T_VALUE_HINT
        raise UnitError("plausible", text, hint=shown(unit, hint), **params)
    raise UnitError("plausible", T_TARGET if target else T_VALUE, **params)


def typed_text(ind: Indicator, raw: Any, *, target: bool = False) -> str:
    """`read_typed` as the plain decimal text the services store ("0.95")."""
    return format(read_typed(ind, raw, target=target).normalize(), "f")


def implausible(ind: Indicator, stored: Any, *, target: bool) -> UnitError | None:
    """Why a stored target or value would be refused today (None when it is fine):
    readiness lists these by person and indicator."""
    if ind.rule not in NUMERIC_RULES or unit_of(ind) not in MEASURED:
        return None  # levels, points and a pack's own inputs are checked by their rule
    try:
        value = to_decimal(stored)
    except DecimalComma as exc:
        return UnitError("decimal_point", T_COMMA, value=str(stored)[:40], hint=exc.hint)
    except ValueError:
        return UnitError("type", T_TYPE, value=str(stored)[:40], example=EXAMPLES[unit_of(ind)])
    try:
        read_typed(ind, shown(unit_of(ind), value), target=target)
    except UnitError as exc:
        return exc
    return None


def as_typed(ind: Indicator, stored: Any) -> Any:
    """A stored target or value as a person would type it again, so that reading it back
    gives the same number: a rate as a percentage (1.5 → "150%", never the bare 1.5 that
    would read as 1.5%); anything else as it is."""
    if stored is None or stored == "" or unit_of(ind) != "rate":
        return stored
    try:
        return shown("rate", to_decimal(stored))
    except ValueError:
        return stored
