"""The parts of an input beside its values, read for a compiled plan
(engine/scoring/plan.py): targets, deductions, events, late steps and history.

Each reader accepts only what engine/scoring/inputs.py accepts, reads it to the same
objects, and raises `Fallback` (or lets a ValueError through) for anything else, so that
the reference path reads or refuses it with its own words.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .inputs import PERIOD_RE, HistoryItem
from .numbers import to_decimal
from .plan_rules import LIMIT, Fallback
from .rules import DIVIDING_RULES, MAX_DEDUCTION
from .template import STEPS, RoleTemplate

HISTORY_KEYS = frozenset({"period", "total", "grade", "sections"})
DEDUCTION_KEYS = frozenset({"points", "reason"})
LATE_KEYS = frozenset({"step", "rate"})
_new = object.__new__
# Periods already matched against PERIOD_RE ("2026-09"): a handful per installation.
PERIODS_SEEN: set[str] = set()


class InputReaders:
    """What reading the non-value parts of an input needs, looked up once per template."""

    __slots__ = ("deduction_most", "dividing", "events", "grade_codes", "own_late", "targets")

    def __init__(self, t: RoleTemplate):
        index = t.index()
        self.targets = frozenset(index.indicators)
        self.dividing = frozenset(
            c for c, i in index.indicators.items() if i.rule in DIVIDING_RULES
        )
        # The most one deduction may take; None (no comparison holds: the reference
        # path answers) where that is beyond to_decimal's bound.
        self.deduction_most = {
            c: most if (most := i.number("max_points", MAX_DEDUCTION)) < LIMIT else None
            for c, i in index.indicators.items()
            if i.rule == "deduction"
        }
        self.events = frozenset(index.events)
        self.own_late = index.own_late_by_step
        self.grade_codes = index.grade_codes

    def read_targets(self, raw: Any) -> dict[str, Decimal]:
        if raw is None:
            return {}
        if type(raw) is not dict:
            raise Fallback
        targets = {}
        for code, v in raw.items():
            if code not in self.targets:
                raise Fallback
            target = to_decimal(v)
            if target < 0 or (target == 0 and code in self.dividing):
                raise Fallback
            targets[code] = target
        return targets

    def read_deductions(self, raw: Any) -> dict[str, list[tuple[Decimal, str]]]:
        if raw is None:
            return {}
        if type(raw) is not dict:
            raise Fallback
        out = {}
        for code, items in raw.items():
            most = self.deduction_most[code]  # KeyError: not a deduction indicator
            if items is None:
                out[code] = []
                continue
            if type(items) is not list:
                raise Fallback
            read = []
            for item in items:
                if type(item) is not dict or not item.keys() <= DEDUCTION_KEYS:
                    raise Fallback
                points = item["points"]
                kind = type(points)
                if kind is int or (kind is str and points.isascii()):
                    points = Decimal(points)
                else:
                    points = to_decimal(points)
                reason = item.get("reason")
                if type(reason) is not str or not (reason := reason.strip()):
                    raise Fallback
                if not 0 < points <= most:  # a NaN raises, an infinity is beyond `most`
                    raise Fallback
                read.append((points, reason))
            out[code] = read
        return out

    def read_events(self, raw: Any) -> dict[str, int]:
        if raw is None:
            return {}
        if type(raw) is not dict:
            raise Fallback
        for code, n in raw.items():
            if code not in self.events or type(n) is not int or n < 0:
                raise Fallback
        return dict(raw)

    def read_late(self, raw: Any) -> list[tuple[str, Decimal]]:
        if not raw:
            return []
        if type(raw) is not list:
            raise Fallback
        out: list[tuple[str, Decimal]] = []
        for item in raw:
            if type(item) is str:
                penalty = self.own_late[item]  # KeyError: not penalised for this role
                step, rate = penalty.step, penalty.rate
            else:
                if type(item) is not dict or item.keys() != LATE_KEYS:
                    raise Fallback
                step, rate = item["step"], to_decimal(item["rate"])
                if not 0 < rate <= 1 or step not in STEPS:
                    raise Fallback
            if out and any(s == step for s, _ in out):
                raise Fallback
            out.append((step, rate))
        return out

    def read_grade(self, grade: Any) -> str | None:
        if grade is not None and grade not in self.grade_codes:
            raise Fallback
        return grade


def read_history(raw: Any) -> list[HistoryItem]:
    if raw is None:
        return []
    if type(raw) is not list:
        raise Fallback
    out = []
    for item in raw:
        if type(item) is not dict or not item.keys() <= HISTORY_KEYS:
            raise Fallback
        period = item.get("period")
        if period not in PERIODS_SEEN:
            if type(period) is not str or not PERIOD_RE.match(period):
                raise Fallback
            if len(PERIODS_SEEN) < 10_000:
                PERIODS_SEEN.add(period)
        total = item["total"]
        total = Decimal(total) if type(total) is str and total.isascii() else to_decimal(total)
        if not -LIMIT < total < LIMIT:  # finite, within to_decimal's bound
            raise Fallback
        sections = item.get("sections")
        if sections is not None:
            if type(sections) is not dict:
                raise Fallback
            sections = {k: to_decimal(v) for k, v in sections.items()}
        # HistoryItem(period, total, grade, sections), without the frozen dataclass's
        # field-by-field object.__setattr__: the same object, a third of the time.
        past = _new(HistoryItem)
        past.__dict__.update(period=period, total=total, grade=item.get("grade"), sections=sections)
        out.append(past)
    if len(out) > 1:
        out.sort(key=lambda h: h.period)
    return out
