"""The grade distribution against the caps, and what should drop (pure).

docs/policies.md, "Company-wide": cap = floor(headcount × share + 0.5); where a cap is exceeded, the
lowest totals beyond it drop one grade; employees tied at the boundary are never split
arbitrarily — they are left to HR. Checked from the top grade down, so a drop that
overfills the next grade is itself calibrated.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal

from engine.scoring import Grade


@dataclass(frozen=True)
class Member:
    appraisal_id: int
    total: Decimal
    grade: str


@dataclass
class GradeLine:
    code: str
    count: int
    cap: int | None
    share: Decimal | None


@dataclass
class Plan:
    headcount: int
    lines: list[GradeLine]
    drops: dict[int, tuple[str, str]] = field(default_factory=dict)  # appraisal → (from, to)
    ties: dict[str, list[int]] = field(default_factory=dict)  # grade → appraisals left to HR

    @property
    def within_caps(self) -> bool:
        return all(line.cap is None or line.count <= line.cap for line in self.lines)


def cap_for(headcount: int, share: Decimal) -> int:
    return math.floor(headcount * share + Decimal("0.5"))


def plan(
    members: list[Member],
    grades: tuple[Grade, ...],
    *,
    headcount: int | None = None,
    fixed: frozenset[int] = frozenset(),
) -> Plan:
    """`headcount` is the department's whole population (the caps are shares of it,
    scored or not); `fixed` are results that can no longer change (published, final):
    they count in the distribution but are never proposed to drop."""
    ordered = sorted(grades, key=lambda g: g.lower, reverse=True)
    current = {m.appraisal_id: m.grade for m in members}
    totals = {m.appraisal_id: m.total for m in members}
    n = max(headcount or 0, len(members))
    result = Plan(n, [])
    for i, g in enumerate(ordered):
        holders = sorted(
            (a for a, code in current.items() if code == g.code), key=lambda a: -totals[a]
        )
        cap = cap_for(n, g.max_share) if g.max_share is not None else None
        if cap is None or len(holders) <= cap or i + 1 >= len(ordered):
            continue
        movable = [a for a in holders if a not in fixed]
        excess = len(holders) - cap
        drop = movable[-excess:] if excess < len(movable) else movable
        if not drop:
            continue
        boundary = totals[drop[0]]
        kept_level = [a for a in movable if a not in drop and totals[a] == boundary]
        if kept_level:
            result.ties[g.code] = sorted(kept_level + [a for a in drop if totals[a] == boundary])
            drop = [a for a in drop if totals[a] != boundary]
        lower = ordered[i + 1].code
        for a in drop:
            # a cascaded drop keeps its original grade: (from, to) over the whole pass
            result.drops[a] = (result.drops.get(a, (g.code,))[0], lower)
            current[a] = lower
    for g in ordered:
        count = sum(1 for code in current.values() if code == g.code)
        cap = cap_for(n, g.max_share) if g.max_share is not None else None
        result.lines.append(GradeLine(g.code, count, cap, g.max_share))
    return result
