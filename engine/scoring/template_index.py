"""The lookups a role template's scoring needs, built once per template
(`RoleTemplate.index`): a pinned template scores thousands of appraisals, and each
lookup by a linear search of its fields cost more than the arithmetic it served."""

from __future__ import annotations

from decimal import Decimal
from typing import Any


class TemplateIndex:
    """What a template's scoring looks up, keyed and ordered once (`RoleTemplate.index`)."""

    __slots__ = (
        "derived",
        "events",
        "grade_codes",
        "grades",
        "indicators",
        "late_penalties",
        "own_late",
        "own_late_by_step",
        "required",
        "section_max",
        "section_of",
        "sections",
        "sheets",
    )

    def __init__(self, t: Any):  # a RoleTemplate (engine/scoring/template.py)
        self.indicators = {i.code: i for i in reversed(t.indicators)}
        self.sections: dict[str | None, Any] = {s.code: s for s in reversed(t.sections)}
        self.events = {e.code: e for e in reversed(t.events)}
        self.late_penalties = {p.step: p for p in reversed(t.late_penalties)}
        chain = {c.code for c in t.chain}
        self.own_late = tuple(
            p
            for p in t.late_penalties
            if (p.hits == "employee" and p.step in chain)
            or (p.hits == "reviewer" and p.step in t.reviews)
        )
        self.own_late_by_step = {p.step: p for p in self.own_late}
        self.grades = tuple(sorted(t.grades, key=lambda g: g.lower))
        self.grade_codes = {g.code: g for g in reversed(t.grades)}
        # indicator code → its section (None when the template has none of that code)
        self.section_of = {i.code: self.sections.get(i.section) for i in t.indicators}
        # The indicators a complete input must carry a value for.
        self.required = tuple(
            i.code
            for i in t.indicators
            if i.rule != "deduction"
            and not i.optional
            and not (self.section_of[i.code] is not None and self.section_of[i.code].optional)
        )
        self.section_max = {
            s.code: sum((i.weight for i in t.indicators if i.section == s.code), Decimal(0))
            for s in t.sections
        }
        # sheet → the (non-deduction) indicator codes of its sections, in template order
        sheets: dict[str, list[str]] = {}
        for sec in t.sections:
            if sec.sheet:
                sheets.setdefault(sec.sheet, [])
        for sheet in sheets:
            codes = {sec.code for sec in t.sections if sec.sheet == sheet}
            sheets[sheet] = [
                i.code for i in t.indicators if i.section in codes and i.rule != "deduction"
            ]
        self.sheets = {k: tuple(v) for k, v in sheets.items()}
        # What modules above derive from the template for themselves (the scorer's plan).
        self.derived: dict[str, Any] = {}

    def __getstate__(self) -> dict[str, Any]:
        # What was derived (compiled plans hold closures) is rebuilt after unpickling.
        return {name: getattr(self, name) for name in self.__slots__ if name != "derived"}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            setattr(self, name, value)
        self.derived = {}
