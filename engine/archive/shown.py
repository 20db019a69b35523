"""Numbers and pack items as the form shows them, in the active language: a rate as a
percentage, money grouped with its unit, a rating level by its label, scores to two
places."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import get_language

from engine.lists import EN, ZH
from engine.scoring.units import unit_of

from . import words

DASH = "—"


def english() -> bool:
    return (get_language() or "zh-hans").startswith("en")


def named(item: Any) -> str:
    """A pack item (indicator, section, grade, event) in the form's language."""
    if not english():
        return item.name_zh
    text = item.name_en or item.name_zh
    return text[:1].upper() + text[1:]


def number(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def plain(value: Any) -> str:
    d = number(value)
    if d is None:
        return DASH if value in (None, "") else str(value)
    text = format(d.normalize(), "f")
    return "0" if text in ("-0", "") else text


def score(value: Any) -> str:
    d = number(value)
    return DASH if d is None else f"{d.quantize(Decimal('0.01')):f}"


def by_unit(ind, value: Any) -> str:
    """A target or measured value as a person reads it: a rate as a percentage, money
    grouped with its unit, a rating level by its label."""
    if value is None or value == "":
        return DASH
    unit = unit_of(ind)
    if isinstance(value, dict):
        names = ind.params.get("input_names") or {}
        sep = EN if english() else ZH
        return sep.join(
            f"{(names[k][1] if english() else names[k][0]) if k in names else k} {plain(v)}"
            for k, v in value.items()
        )
    if ind.rule == "rating":
        level = next((lv for lv in ind.levels() if value in (lv.code, lv.label_zh)), None)
        if level is None:
            return str(value)
        if english():
            return str(getattr(level, "label_en", "") or words.LEVELS.get(level.code) or level.code)
        return level.label_zh
    d = number(value)
    if d is None:
        return str(value)
    if unit == "rate":
        return f"{format((d * 100).normalize(), 'f')}%"
    if unit == "money":
        return f"{d:,.2f} {words.YUAN}"
    return plain(d)
