"""One indicator of a compiled plan (engine/scoring/plan.py): how its typed value is
read and scored, with the rule chosen and every constant made a `Decimal` once per
template instead of once per scoring.

Each reader accepts only what it can read exactly as the reference parser
(engine/scoring/rules.py) reads it, and raises `Fallback` for everything else: an
unusual form ("８３", 3.5, "3,5") or a value the reference refuses. The plan then
scores the whole input through the reference path, which reads it or refuses it with
its own words. Each scorer does the reference rule's arithmetic, in the same order.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from .numbers import MAX_DIGITS, ONE, ZERO, to_decimal
from .rules import DIVIDING_RULES, NUMERIC_RULES, resolve
from .template import Indicator


class Fallback(Exception):
    """The compiled path met something only the reference path reads (or refuses)."""


Reader = Callable[[Any], Any]
Scorer = Callable[[Any, dict, dict], Decimal]


def _number_reader(ind: Indicator) -> Reader:
    p = ind.params
    integer, negative_ok = bool(p.get("integer")), bool(p.get("allow_negative"))
    low, high = ind.number("min_value"), ind.number("max_value")

    def read(raw: Any) -> Decimal:
        value = to_decimal(raw)  # its ValueError sends the input to the reference path
        if (
            (integer and value != value.to_integral_value())
            or (value < 0 and not negative_ok)
            or (low is not None and value < low)
            or (high is not None and value > high)
        ):
            raise Fallback
        return value

    return read


def _manual_reader(ind: Indicator) -> Reader:
    weight = ind.weight

    def read(raw: Any) -> Decimal:
        value = to_decimal(raw)
        if not ZERO <= value <= weight:
            raise Fallback
        return value

    return read


def _scale_reader(ind: Indicator) -> Reader:
    n = int(ind.params.get("n", 5))

    def read(raw: Any) -> int:
        if type(raw) is int and 1 <= raw <= n:
            return raw
        if type(raw) is not str:
            raise Fallback
        value = to_decimal(raw)
        if value != value.to_integral_value() or not 1 <= value <= n:
            raise Fallback
        return int(value)

    return read


def _rating_reader(ind: Indicator) -> Reader:
    # Only keys a stripped input can equal: " good " goes to the reference path.
    keys = {k: lv for k, lv in ind._prepared().level_keys.items() if k == k.strip()}
    get = keys.get

    def read(raw: Any) -> Any:
        if type(raw) is str and (level := get(raw)) is not None:
            return level
        raise Fallback

    return read


def _as_given(raw: Any) -> Any:
    return raw


def reader(ind: Indicator) -> Reader:
    """How one rater's typed value of `ind` is read (rules.PARSERS, compiled)."""
    if ind.rule in NUMERIC_RULES:
        return _number_reader(ind)
    return {
        "rating": _rating_reader,
        "scale": _scale_reader,
        "manual": _manual_reader,
    }.get(ind.rule, lambda ind: _as_given)(ind)


# --- reading and scoring in one call (the hot loop's) -------------------------------

LIMIT = Decimal(10) ** MAX_DIGITS  # numbers.to_decimal's bound: at most 15 digits before the point
Taker = Callable[[Any, dict, dict], tuple[Any, Decimal]]


def number_bounds(ind: Indicator) -> tuple[Decimal, Decimal, bool] | None:
    """(lowest, highest, highest included) of a number `ind` takes when one chained
    comparison checks it as parse_number or parse_manual would (a NaN raises, an
    infinity is out of bounds); None when more is needed (a whole number, a bound at
    to_decimal's limit)."""
    p = ind.params
    if ind.rule == "manual":  # from 0 to the weight (parse_manual)
        lowest, high = ZERO, ind.weight
    elif ind.rule in NUMERIC_RULES and not p.get("integer"):
        low, high = ind.number("min_value"), ind.number("max_value")
        lowest = None if p.get("allow_negative") else ZERO  # parse_number: not negative
        if low is not None:
            lowest = low if lowest is None else max(lowest, low)
    else:
        return None
    if lowest is None or lowest <= -LIMIT or (high is not None and high >= LIMIT):
        return None
    return lowest, LIMIT if high is None else high, high is not None


def _number_taker(ind: Indicator, score: Scorer | None) -> Taker:
    """A number typed in the common forms ("12.5" or 12), read as to_decimal reads it
    and scored (a manual rule's points are its score: `score` None); any other form
    goes to the reference path."""
    bounds = number_bounds(ind)
    if bounds is None:  # the reader's checks, one by one
        read = reader(ind)

        def take(raw: Any, targets: dict, context: dict) -> tuple[Any, Decimal]:
            value = read(raw)
            return value, value if score is None else score(value, targets, context)

        return take
    lowest, top, closed = bounds

    def take_within(raw: Any, targets: dict, context: dict) -> tuple[Any, Decimal]:
        kind = type(raw)
        if (kind is str and raw.isascii()) or kind is int:
            value = Decimal(raw)  # InvalidOperation goes to the reference path
        else:
            raise Fallback
        if not (lowest <= value <= top if closed else lowest <= value < top):
            raise Fallback
        return value, value if score is None else score(value, targets, context)

    return take_within


def _table_taker(
    table: dict[Any, tuple[Any, Decimal]], key_type: type, read: Reader, score: Scorer
) -> Taker:
    """A value read from a table of what each typed form reads to and scores (rating
    levels, scale points); other forms through the reader."""

    def take(raw: Any, targets: dict, context: dict) -> tuple[Any, Decimal]:
        if type(raw) is key_type:
            hit = table.get(raw)
            if hit is not None:
                return hit
        value = read(raw)
        return value, score(value, targets, context)

    return take


def _read_then_score(read: Reader, score: Scorer) -> Taker:
    def take(raw: Any, targets: dict, context: dict) -> tuple[Any, Decimal]:
        value = read(raw)
        return value, score(value, targets, context)

    return take


def taker(ind: Indicator, read: Reader, score: Scorer) -> Taker:
    """`ind`'s value read and scored in one call: (the value as read, its score)."""
    if ind.rule in NUMERIC_RULES:
        return _number_taker(ind, score)
    if ind.rule == "manual":
        return _number_taker(ind, None)
    if ind.rule == "rating":
        keys = {k: lv for k, lv in ind._prepared().level_keys.items() if k == k.strip()}
        table = {k: (lv, score(lv, {}, {})) for k, lv in keys.items()}
        return _table_taker(table, str, read, score)
    if ind.rule == "scale":
        n = int(ind.params.get("n", 5))
        table = {i: (i, score(i, {}, {})) for i in range(1, min(n, 100) + 1)}
        return _table_taker(table, int, read, score)
    return _read_then_score(read, score)


# --- scorers ---------------------------------------------------------------------


def own_target(ind: Indicator) -> Decimal | None:
    """The template's own target when the reference would accept it, else None (a
    missing target goes to the reference path, which says so)."""
    own = ind.number("target")
    if own is None or own < 0 or (own <= 0 and ind.rule in DIVIDING_RULES):
        return None
    return own


def _target_scorer(ind: Indicator) -> Scorer:
    code, weight, rule = ind.code, ind.weight, ind.rule
    own = own_target(ind)
    cap = ind.number("cap", 1)
    at_least = ind.params.get("direction", "min") == "min"
    step, points = ind.number("step"), ind.number("points")

    def target(targets: dict) -> Decimal:
        t = targets.get(code, own)  # input targets were checked as they were read
        if t is None:
            raise Fallback
        return t

    if rule == "ratio":

        def ratio(value: Decimal, targets: dict, context: dict) -> Decimal:
            return max(ZERO, weight * min(value / target(targets), cap))

        return ratio
    if rule == "inverse_ratio":
        full = weight * cap

        def inverse_ratio(value: Decimal, targets: dict, context: dict) -> Decimal:
            t = target(targets)
            return full if value == 0 else weight * min(t / value, cap)

        return inverse_ratio
    if rule == "reverse_ratio":

        def reverse_ratio(value: Decimal, targets: dict, context: dict) -> Decimal:
            return weight * max(ZERO, ONE - value / target(targets))

        return reverse_ratio
    if rule == "threshold":

        def threshold(value: Decimal, targets: dict, context: dict) -> Decimal:
            t = target(targets)
            return weight if (value >= t if at_least else value <= t) else ZERO

        return threshold

    def step_rule(value: Decimal, targets: dict, context: dict) -> Decimal:
        t = target(targets)
        if value >= t if at_least else value <= t:
            return weight
        shortfall = (t - value) if at_least else (value - t)
        return max(ZERO, weight - points * math.ceil(shortfall / step))

    return step_rule


def _rating_scorer(ind: Indicator) -> Scorer:
    weight, out_of = ind.weight, ind.number("out_of", ind.weight)
    # points × weight / out_of of each level, by the level read (the same objects).
    by_level = {id(lv): lv.points * weight / out_of for lv in ind.levels()}

    def rating(value: Any, targets: dict, context: dict) -> Decimal:
        return by_level[id(value)]

    return rating


def _scale_scorer(ind: Indicator) -> Scorer:
    weight, n = ind.weight, ind.number("n", 5)
    by_value = {i: weight * i / n for i in range(1, min(int(n), 100) + 1)}

    def scale(value: int, targets: dict, context: dict) -> Decimal:
        s = by_value.get(value)
        return weight * value / n if s is None else s

    return scale


def _manual(value: Decimal, targets: dict, context: dict) -> Decimal:
    return value


def _custom_scorer(ind: Indicator) -> Scorer:
    function, weight, where = resolve(ind.params["function"]), ind.weight, f"values.{ind.code}"

    def custom(value: Any, targets: dict, context: dict) -> Decimal:
        fraction = to_decimal(function(value, context, where))
        return weight * min(max(fraction, ZERO), ONE)

    return custom


def scorer(ind: Indicator) -> Scorer:
    """The rule of `ind` (rules.SCORERS) with its constants bound."""
    if ind.rule in NUMERIC_RULES:
        return _target_scorer(ind)
    if ind.rule == "manual":
        return _manual
    return {
        "rating": _rating_scorer,
        "scale": _scale_scorer,
        "custom": _custom_scorer,
    }[ind.rule](ind)
