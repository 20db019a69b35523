"""Validating one appraisal's inputs (`rulepacks score --help`).

Everything is checked before anything is computed, so a bad input is reported with
the field and the rule and never yields a partial result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .annual import AnnualInput, covered, parse_annual
from .errors import ScoringInputError
from .numbers import to_decimal
from .rules import DIVIDING_RULES, parse_deductions, parse_event_count, parse_value
from .template import STEPS, RoleTemplate

TOP_KEYS = {
    "values",
    "targets",
    "deductions",
    "events",
    "late_steps",
    "falsified",
    "history",
    "context",
    "calibrated_grade",
    "annual",
}
PERIOD_RE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$")


@dataclass(frozen=True)
class HistoryItem:
    period: str
    total: Decimal
    grade: str | None = None
    sections: dict[str, Decimal] | None = None


@dataclass(slots=True)
class Inputs:
    # code → parsed value, or rater → parsed value for multi-rater indicators
    values: dict[str, Any] = field(default_factory=dict)
    targets: dict[str, Decimal] = field(default_factory=dict)
    deductions: dict[str, list[tuple[Decimal, str]]] = field(default_factory=dict)
    events: dict[str, int] = field(default_factory=dict)
    # (step, rate): the rate comes from this template, or from the reviewed
    # appraisal's template when the workflow passes {"step", "rate"}.
    late_steps: list[tuple[str, Decimal]] = field(default_factory=list)
    falsified: bool = False
    history: list[HistoryItem] = field(default_factory=list)
    context: dict[str, Any] = field(default_factory=dict)
    # HR's calibration: the grade that replaces the computed one (the total stays).
    calibrated_grade: str | None = None
    # An annual appraisal's periodic results and the pack's rule (engine/scoring/annual.py).
    annual: AnnualInput | None = None


def _dict(raw: Any, where: str) -> dict:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ScoringInputError(where, "type", "must be an object")
    return raw


def _parse_values(t: RoleTemplate, raw: dict, composed: set[str] = frozenset()) -> dict[str, Any]:
    values: dict[str, Any] = {}
    index = t.index()
    for code, v in raw.items():
        ind = index.indicators.get(code)
        where = f"values.{code}"
        if ind is None:
            raise ScoringInputError(where, "unknown", f"{t.role} has no indicator {code!r}")
        if code in composed:
            raise ScoringInputError(
                where, "composed", "computed from the year's periodic results, not entered"
            )
        if ind.rule == "deduction":
            raise ScoringInputError(where, "deduction", "enter deductions under 'deductions'")
        if isinstance(v, dict) and ind.rule != "custom":
            sec = index.section_of[code]
            allowed = set(sec.rater_weights) if sec and sec.rater_weights else set(ind.sources)
            per_rater = {}
            for rater, rv in v.items():
                if rater not in allowed:
                    raise ScoringInputError(
                        f"{where}.{rater}", "rater", f"raters of {code} are {sorted(allowed)}"
                    )
                per_rater[rater] = parse_value(ind, rv, f"{where}.{rater}")
            values[code] = per_rater
        else:
            values[code] = parse_value(ind, v, where)
    for code in index.required:
        if code not in values and code not in composed:
            raise ScoringInputError(f"values.{code}", "required", "this indicator needs a value")
    _check_sheets(t, values)
    return values


def _check_sheets(t: RoleTemplate, values: dict[str, Any]) -> None:
    """A sheet of optional sections is all or nothing: one item entered means every
    item is needed, or the others would count as silent zeros."""
    for sheet, items in t.index().sheets.items():
        entered = [c for c in items if c in values]
        missing = [c for c in items if c not in values]
        if entered and missing:
            raise ScoringInputError(
                f"values.{missing[0]}",
                "incomplete",
                f"the {sheet} sheet is all or nothing: {len(missing)} of {len(items)} items "
                f"are missing ({', '.join(missing)})",
            )


def _parse_history(raw: Any) -> list[HistoryItem]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise ScoringInputError("history", "type", "must be a list of {period, total}")
    out = []
    for i, item in enumerate(raw):
        at = f"history[{i}]"
        if not isinstance(item, dict):
            raise ScoringInputError(at, "type", "must be an object with period and total")
        unknown = set(item) - {"period", "total", "grade", "sections"}
        if unknown:
            raise ScoringInputError(at, "unknown", f"unknown keys {sorted(unknown)}")
        period = item.get("period")
        if not isinstance(period, str) or not PERIOD_RE.match(period):
            raise ScoringInputError(f"{at}.period", "format", "must be YYYY, YYYY-MM or YYYY-Qn")
        if "total" not in item:
            raise ScoringInputError(f"{at}.total", "required", "a past appraisal needs its total")
        try:
            total = to_decimal(item["total"])
        except ValueError as exc:
            raise ScoringInputError(f"{at}.total", "type", f"must be a number ({exc})") from exc
        sections = None
        if item.get("sections") is not None:
            try:
                sections = {
                    k: to_decimal(v) for k, v in _dict(item["sections"], f"{at}.sections").items()
                }
            except ValueError as exc:
                raise ScoringInputError(f"{at}.sections", "type", str(exc)) from exc
        out.append(HistoryItem(period, total, item.get("grade"), sections))
    return sorted(out, key=lambda h: h.period)


def _parse_late(t: RoleTemplate, item: Any, where: str, seen: list) -> tuple[str, Decimal]:
    if isinstance(item, dict):
        if set(item) != {"step", "rate"}:
            raise ScoringInputError(where, "type", "must be a step code or {step, rate}")
        step = item["step"]
        try:
            rate = to_decimal(item["rate"])
        except ValueError as exc:
            raise ScoringInputError(f"{where}.rate", "type", str(exc)) from exc
        if not Decimal(0) < rate <= 1:
            raise ScoringInputError(f"{where}.rate", "range", "must be more than 0 and at most 1")
        if step not in STEPS:
            raise ScoringInputError(f"{where}.step", "unknown", f"steps are {list(STEPS)}")
    else:
        # Only what this role's pack penalises for this role: its own late steps and
        # late reviews of the steps the role holds (a cashier never holds dept_head).
        own = t.index().own_late_by_step
        penalty = own.get(item) if isinstance(item, str) else None
        if penalty is None:
            raise ScoringInputError(
                where, "unknown", f"late steps penalised for {t.role} are {sorted(own)}"
            )
        step, rate = penalty.step, penalty.rate
    if any(s == step for s, _ in seen):
        raise ScoringInputError(where, "once", f"{step} is penalised once per cycle")
    return step, rate


def _parse_targets(t: RoleTemplate, raw: Any) -> dict[str, Decimal]:
    """indicator → target: a number ≥ 0, more than 0 where the rule divides by it."""
    targets = {}
    indicators = t.index().indicators
    for code, v in _dict(raw, "targets").items():
        where = f"targets.{code}"
        ind = indicators.get(code)
        if ind is None:
            raise ScoringInputError(where, "unknown", f"{t.role} has no indicator {code!r}")
        try:
            target = to_decimal(v)
        except ValueError as exc:
            raise ScoringInputError(where, "type", f"must be a number ({exc})") from exc
        if target < 0 or (target == 0 and ind.rule in DIVIDING_RULES):
            raise ScoringInputError(where, "min", "a target must be more than 0")
        targets[code] = target
    return targets


def _parse_events(t: RoleTemplate, raw: Any) -> dict[str, int]:
    """event → how often it happened: a whole number ≥ 0 of an event the pack knows."""
    events = {}
    known = t.index().events
    for code, n in _dict(raw, "events").items():
        where = f"events.{code}"
        if code not in known:
            raise ScoringInputError(where, "unknown", f"{t.pack} has no event {code!r}")
        events[code] = parse_event_count(n, where)
    return events


def parse_inputs(t: RoleTemplate, raw: Any) -> Inputs:
    if not isinstance(raw, dict):
        raise ScoringInputError("input", "type", "must be a JSON object")
    unknown = set(raw) - TOP_KEYS
    if unknown:
        raise ScoringInputError(
            sorted(unknown)[0], "unknown", f"allowed keys are {sorted(TOP_KEYS)}"
        )
    if "values" not in raw:
        raise ScoringInputError("values", "required", "the input needs its values")
    annual = None
    if raw.get("annual") is not None:
        annual = parse_annual(raw["annual"], t.role, {s.code for s in t.sections})
    composed = covered(annual, t.indicators)
    inp = Inputs(values=_parse_values(t, _dict(raw["values"], "values"), composed), annual=annual)

    inp.targets.update(_parse_targets(t, raw.get("targets")))
    for code, v in _dict(raw.get("deductions"), "deductions").items():
        ind = t.indicator(code)
        where = f"deductions.{code}"
        if ind is None or ind.rule != "deduction":
            raise ScoringInputError(
                where, "unknown", f"{code!r} is not a deduction indicator of {t.role}"
            )
        inp.deductions[code] = parse_deductions(ind, v, where)
    inp.events.update(_parse_events(t, raw.get("events")))
    late = raw.get("late_steps") or []
    if not isinstance(late, list):
        raise ScoringInputError("late_steps", "type", "must be a list of step codes")
    for i, item in enumerate(late):
        inp.late_steps.append(_parse_late(t, item, f"late_steps[{i}]", inp.late_steps))

    falsified = raw.get("falsified", False)
    if not isinstance(falsified, bool):
        raise ScoringInputError("falsified", "type", "must be true or false")
    inp.falsified = falsified
    inp.history = _parse_history(raw.get("history"))
    inp.context = _dict(raw.get("context"), "context")
    grade = raw.get("calibrated_grade")
    if grade is not None:
        if grade not in t.index().grade_codes:
            raise ScoringInputError(
                "calibrated_grade", "choices", f"grades are {[g.code for g in t.grades]}"
            )
        inp.calibrated_grade = grade
    return inp
