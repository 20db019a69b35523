"""Decimal helpers. Floats go through their shortest decimal string so that 4.3 is
4.3, not 4.29999…; results round HALF_UP to two places (seed 001: 保留两位小数)."""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

TWO = Decimal("0.01")
ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)


# Bounds on any number that reaches the scoring core: far beyond every real score,
# amount or metric, and small enough that no Decimal operation can blow up on it
# (`1e999999999` would be accepted by Decimal and fail every later computation).
MAX_DIGITS = 15


# A comma that groups thousands ("1,000", "12,500.00", "1,234,567"); any other comma in
# a number is a decimal comma ("3,5") or a typo, never silently dropped: "3,5" read as
# 35 would store a score ten times too high, a rate of 35%.
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?")
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")


class DecimalComma(ValueError):
    """A number typed with a comma for its decimal point ("3,5"): `typed` as it was,
    `hint` the same with a point ("3.5"), to say in the message."""

    def __init__(self, typed: str, hint: str):
        self.typed, self.hint = typed, hint
        super().__init__(f"{typed!r} has a decimal comma: use a decimal point, e.g. {hint}")


def normalised(text: str) -> str:
    """`text` in NFKC form, so that the digits, point, comma and percent sign a Chinese
    input method types at full width ("８３．３％") read as the ASCII ones everywhere a
    number is read: once here, never one field at a time."""
    return unicodedata.normalize("NFKC", text)


def _digits(text: str) -> str:
    """The number's own characters, without a currency sign, unit or percent sign."""
    return re.sub(r"[^0-9.,+\-]", "", text)


def ungrouped(text: str) -> str:
    """`text` without the commas that group its thousands ("1,000元" → "1000元"). A comma
    that does not group thousands raises DecimalComma when it reads as one ("3,5",
    "0,95", "12,50%") and is otherwise left for the number reader to refuse ("1,2,3")."""
    text = normalised(text).strip()
    if "," not in text:
        return text
    digits = _digits(text)
    if _GROUPED.fullmatch(digits):
        return text.replace(",", "")
    if _DECIMAL_COMMA.fullmatch(digits):
        raise DecimalComma(text, text.replace(",", "."))
    return text


def comma_reading(text: Any) -> str | None:
    """The other reading of one grouping comma ("1,500" → "1.500"): a field whose range
    refuses 1500 may say "use a decimal point" when 1.5 was meant. None for anything
    else."""
    if not isinstance(text, str):
        return None
    text = normalised(text).strip()
    digits = _digits(text)
    if text.count(",") == 1 and "." not in digits and _GROUPED.fullmatch(digits):
        return text.replace(",", ".")
    return None


def to_decimal(value: Any) -> Decimal:
    """Convert a JSON-ish number to Decimal; raises ValueError for anything else (a
    DecimalComma, saying so, for "3,5")."""
    kind = type(value)
    if kind is str and value.isascii():  # the common case, first: "12.5" from JSON
        try:
            result = Decimal(value)
        except InvalidOperation:
            return _to_decimal(value)
    elif kind is int:
        result = Decimal(value)
    else:
        return _to_decimal(value)
    if result.is_finite() and (not result or result.adjusted() < MAX_DIGITS):
        return result
    return _to_decimal(value)  # says why it is refused


def _to_decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise ValueError("a boolean is not a number")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        result = Decimal(repr(value))
    elif isinstance(value, str):
        if not value.isascii():  # NFKC leaves ASCII as it is: only wide digits need it
            value = normalised(value)
        try:
            result = Decimal(value.strip())
        except InvalidOperation as exc:
            if "," in value:
                ungrouped(value)  # raises DecimalComma for "3,5"
            raise ValueError(f"{value!r} is not a number") from exc
    else:
        raise ValueError(f"{type(value).__name__} is not a number")
    if not result.is_finite():
        raise ValueError("the number must be finite")
    if result and result.adjusted() >= MAX_DIGITS:
        raise ValueError(f"too large: at most {MAX_DIGITS} digits before the decimal point")
    return result


def typed_number(raw: Any, percent: bool = False) -> str:
    """A number as a person types it or a spreadsheet holds it: "1,234.5", "95%" or
    "0.95" for a rate (and "95" for a rate means 95%). Returns the plain decimal text;
    raises ValueError for anything else."""
    if not isinstance(raw, str):
        return format(to_decimal(raw).normalize(), "f")
    text = ungrouped(raw)
    scale = ONE
    if text.endswith(("%", "％")):
        text, scale = text[:-1].strip(), Decimal("0.01")
    value = to_decimal(text)
    if percent and scale == ONE and value > ONE:
        scale = Decimal("0.01")
    return format((value * scale).normalize(), "f")


def q2(value: Decimal) -> Decimal:
    return value.quantize(TWO, rounding=ROUND_HALF_UP)


def s2(value: Decimal) -> str:
    """Two-place string, as every published number is shown."""
    return str(q2(value))


class Rate(Decimal):
    """A rate, share or coefficient: published exactly (0.13% is "0.0013", never
    rounded to "0.00"), with at least two places so that 1.1 reads "1.10". Money
    and scores are plain Decimals, published to two places."""

    __slots__ = ()


def exact(value: Decimal) -> str:
    """The exact decimal string of a rate, at least two places, never an exponent."""
    text = format(value.normalize(), "f")
    places = len(text.partition(".")[2])
    return text if places >= 2 else format(value.quantize(TWO), "f")


class ShownSum:
    """A sum as a page shows it: each term rounded HALF_UP to two places as it is
    published, the subtotal the sum of those shown terms (so the lines on the page add
    up to it), and `rounding`, what the exact computation moves that subtotal by (the
    total is computed from exact values, section 1 of the policies: intermediate values
    stay exact). Shown subtotal + rounding = the exact sum rounded to two places."""

    __slots__ = ("rounding", "subtotal", "terms")

    def __init__(self, terms: tuple[Decimal, ...], subtotal: Decimal, rounding: Decimal):
        self.terms, self.subtotal, self.rounding = terms, subtotal, rounding


def shown_sum(terms: Any, exact: Decimal | None = None) -> ShownSum:
    """`terms` (exact or already published) as shown, with their shown subtotal and the
    rounding between it and `exact` (the exact sum of the terms when not given)."""
    exact_terms = tuple(terms)
    shown = tuple(q2(t) for t in exact_terms)
    subtotal = sum(shown, ZERO).quantize(TWO)
    whole = sum(exact_terms, ZERO) if exact is None else exact
    return ShownSum(shown, subtotal, q2(whole) - subtotal)
