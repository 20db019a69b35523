"""The hot loop of a compiled plan (engine/scoring/plan.py) written out as one function
per template: each indicator's read, check, arithmetic and line in straight code, its
constants bound by name, no call or lookup per indicator for the common forms (a
number typed as "12.5" or 12, a rating level by its code or label, a whole scale
point). Every other form — values per rater, a custom rule, a step rule, a number
with a whole-number rule, "８３" — goes through the indicator's general path
(`Plan.one`), which reads it as the reference path does or raises.

The generated source only ever holds names (`C3`, `W3`, …); codes, weights and
tables are passed in its namespace, never written into the text.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from .numbers import ONE, ZERO
from .plan_rules import LIMIT, Fallback, number_bounds, own_target
from .result import IndicatorLine
from .template import Indicator

# The arithmetic of the rules written out (rules.py, in the same order of operations).
TARGET_RULES = {
    "ratio": "s = max(ZERO, W{i} * min(value / t, CAP{i}))",
    "inverse_ratio": "s = FULL{i} if value == 0 else W{i} * min(t / value, CAP{i})",
    "reverse_ratio": "s = W{i} * max(ZERO, ONE - value / t)",
    "threshold_min": "s = W{i} if value >= t else ZERO",
    "threshold_max": "s = W{i} if value <= t else ZERO",
}


def _number(i: int, ind: Indicator, ns: dict[str, Any]) -> list[str] | None:
    """The lines reading a number and scoring it, or None when the rule or the bounds
    leave it to the general path."""
    bounds = number_bounds(ind)
    if bounds is None:
        return None
    ns[f"LO{i}"], ns[f"HI{i}"], closed = bounds
    check = f"LO{i} <= value <= HI{i}" if closed else f"LO{i} <= value < HI{i}"
    head = [
        "kind = type(v)",
        "if (kind is str and v.isascii()) or kind is int:",
        "    value = Decimal(v)",
        f"    if not {check}:",
        "        raise Fallback",
    ]
    if ind.rule == "manual":
        return [*head, "    s = value"]
    rule = ind.rule
    if rule == "threshold":
        rule += "_min" if ind.params.get("direction", "min") == "min" else "_max"
    if rule not in TARGET_RULES:
        return None
    cap = ind.number("cap", 1)
    ns[f"OWN{i}"], ns[f"CAP{i}"], ns[f"FULL{i}"] = own_target(ind), cap, ind.weight * cap
    return [
        *head,
        f"    t = targets.get(C{i}, OWN{i})",
        "    if t is None:",
        "        raise Fallback",
        "    " + TARGET_RULES[rule].format(i=i),
    ]


def _table(i: int, ind: Indicator, ns: dict[str, Any], score: Callable) -> list[str] | None:
    """A rating level or scale point looked up with its score, computed once."""
    if ind.rule == "rating":
        keys = {k: lv for k, lv in ind._prepared().level_keys.items() if k == k.strip()}
        ns[f"T{i}"], kind = {k: (lv, score(lv, {}, {})) for k, lv in keys.items()}, "str"
    elif ind.rule == "scale":
        n = int(ind.params.get("n", 5))
        ns[f"T{i}"], kind = {k: (k, score(k, {}, {})) for k in range(1, min(n, 100) + 1)}, "int"
    else:
        return None
    return [f"if type(v) is {kind} and (hit := T{i}.get(v)) is not None:", "    value, s = hit"]


def _indicator(i: int, ind: Indicator, step: Any, ns: dict[str, Any]) -> list[str]:
    if step is None:  # a deduction item: always a line
        return [f"line = DEDUCT(C{i}, SEC{i}, W{i}, deductions)", "s = line.score", "append(line)"]
    fast = None if step.custom else _number(i, ind, ns) or _table(i, ind, ns, step.score)
    general = [
        f"values[C{i}], line = ONE_(STEP{i}, v, targets, context)",
        "s = line.score",
        "append(line)",
    ]
    ns[f"STEP{i}"] = step
    body = [f"v = get(C{i}, ABSENT)", "if v is not ABSENT:"]
    if fast is None:
        return [*body, *("    " + ln for ln in general)]
    return [
        *body,
        *("    " + ln for ln in fast),
        f"        values[C{i}] = value",
        f"        append(LINE(C{i}, SEC{i}, s, W{i}, R{i}, {{}}))",
        "    else:",
        *("        " + ln for ln in general),
    ]


def compile_lines(plan: Any) -> Callable[..., tuple[list, dict, Decimal]]:
    """`plan`'s indicators as one function (raw values, targets, context, deductions,
    section sums) → (lines, values as read, sum of the lines in no section)."""
    ns: dict[str, Any] = {
        "ABSENT": _ABSENT,
        "Decimal": Decimal,
        "DEDUCT": plan.deduction_line,
        "Fallback": Fallback,
        "LIMIT": LIMIT,
        "LINE": IndicatorLine,
        "ONE": ONE,
        "ONE_": plan.one,
        "ZERO": ZERO,
    }
    src = [
        "def lines(raw, targets, context, deductions, sums):",
        "    get, values, out = raw.get, {}, []",
        "    append = out.append",
        "    total = ZERO",
    ]
    for i, (ind, (code, slot, weight, step, section, rule)) in enumerate(
        zip(plan.t.indicators, plan.template_order, strict=True)
    ):
        ns[f"C{i}"], ns[f"SEC{i}"], ns[f"W{i}"], ns[f"R{i}"] = code, section, weight, rule
        lines = _indicator(i, ind, step, ns)
        add = (
            "total += s"
            if slot is None
            else f"sums[{slot}] = s if sums[{slot}] is None else sums[{slot}] + s"
        )
        if step is not None:
            lines.append(f"    {add}")
        else:
            lines.append(add)
        src.extend("    " + ln for ln in lines)
    src.append("    return out, values, total")
    exec(compile("\n".join(src), f"<plan {plan.t.pack}.{plan.t.role}>", "exec"), ns)  # noqa: S102 (names only, see the module's docstring)
    return ns["lines"]


_ABSENT = object()
