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
    count: int  # after the proposed drops
    cap: int | None
    share: Decimal | None
    now: int = 0  # as graded now (HR's overrides included), before any proposal

    @property
    def over_now(self) -> bool:
        return self.cap is not None and self.now > self.cap


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
    graded_now = dict(current)
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
        now = sum(1 for code in graded_now.values() if code == g.code)
        result.lines.append(GradeLine(g.code, count, cap, g.max_share, now))
    return result


def too_small(headcount: int, shares) -> bool:
    """A population that some capped grade could not give even one person (cap 0)."""
    return headcount > 0 and any(cap_for(headcount, s) < 1 for s in shares if s is not None)


def pools(parents: dict[int, int | None], headcounts: dict[int, int], shares) -> dict[int, int]:
    """Department → the department its pool is named after (the pool's top).

    policies.md §4.1: a department too small for a capped grade to allow even one
    person is calibrated together with its parent, pooling up the tree until every
    capped grade allows at least one. Children are folded in before their parents, so
    a parent that is small even with its children moves up with them; a department
    without members in the scheme (headcount 0) is only a way up. `parents` holds every
    department of the company (a cycle in bad data stops the climb, never loops).
    Returns only the departments with a headcount."""
    shares = [s for s in shares if s is not None]

    def depth(d: int) -> int:
        seen, node = {d}, parents.get(d)
        while node is not None and node in parents and node not in seen:
            seen.add(node)
            node = parents.get(node)
        return len(seen)

    top = {d: d for d in parents}
    size = {d: 0 for d in parents}
    for d, n in headcounts.items():
        top.setdefault(d, d)
        size[d] = size.get(d, 0) + n
    for d in sorted(top, key=lambda d: (-depth(d), d)):
        up = parents.get(d)
        if up is None or up not in top or top[d] != d or not too_small(size[d], shares):
            continue
        into = top[up]
        if into == d:  # a cycle in the tree: stop here
            continue
        for x, t in top.items():
            if t == d:
                top[x] = into
        size[into] += size[d]
        size[d] = 0
    return {d: top[d] for d, n in headcounts.items() if n > 0}
