"""Rules over a population and over time: rankings with minimum scores, runs of
months, pay tables, attendance gating, annual commission, collection rewards and
losses, awards. Pure Python like the rest of the core.

A pack declares `PopulationRule`s (hook `jixiao_population_rules`). When a cycle is
final, the engine builds one `Population` per pack — the pack's people in that cycle
with their final results, and the same people's earlier cycles — and each rule
returns `OutcomeLine`s: an amount or a flag on one person's result, with the inputs
that fired it, so that a person can see why.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .numbers import q2
from .rules import resolve

KINDS = ("month", "quarter", "half", "year")


@dataclass(frozen=True)
class Member:
    """One person's final result in the cycle the rules run on."""

    key: int  # the appraisal the outcome line belongs to
    employee: int
    role: str
    total: Decimal
    grade: str
    context: dict[str, Any] = field(default_factory=dict)
    outcomes: dict[str, Any] = field(default_factory=dict)
    hired: str = ""  # ISO date the person joined
    supervisor: int | None = None  # the employee's supervisor (a lead's team)


@dataclass(frozen=True)
class Past:
    """An earlier cycle of the same pack and kind: period → the members' totals."""

    period: str
    totals: dict[int, Decimal]  # employee → total
    grades: dict[int, str]  # employee → grade
    roles: dict[int, str] = field(default_factory=dict)  # employee → role, when known


@dataclass(frozen=True)
class Population:
    pack: str
    kind: str  # month | quarter | year
    period: str  # 2026-10 | 2026-Q4 | 2026
    members: tuple[Member, ...]
    past: tuple[Past, ...] = ()  # the latest first


@dataclass(frozen=True)
class OutcomeLine:
    member: int  # Member.key
    rule: str
    code: str
    amount: Decimal | None = None  # money, two places
    flag: str = ""  # a decision for HR (resignation_review, tier_II, …)
    inputs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PopulationRule:
    code: str
    name_zh: str
    name_en: str
    kinds: tuple[str, ...]  # the cycle kinds it runs on
    function: str  # "package.module:function" (Population, params) → [OutcomeLine]
    params: dict[str, Any] = field(default_factory=dict)
    roles: tuple[str, ...] = ()  # only these roles take part (all when empty)
    # A rule that writes several lines names each: (code, name_zh, name_en). A line
    # without a name here is read under the rule's own name.
    lines: tuple[tuple[str, str, str], ...] = ()

    def line_names(self, code: str) -> tuple[str, str]:
        """The outcome line's own name in Chinese and English, else the rule's."""
        found = next((n for n in self.lines if n[0] == code), None)
        return (found[1], found[2]) if found else (self.name_zh, self.name_en)

    def problems(self) -> list[str]:
        out = []
        if not self.name_zh or not self.name_en:
            out.append(f"population rule {self.code}: needs names in Chinese and English")
        bad = [k for k in self.kinds if k not in KINDS]
        if not self.kinds or bad:
            out.append(f"population rule {self.code}: kinds must be among {list(KINDS)}")
        try:
            resolve(self.function)
        except (ImportError, AttributeError) as exc:
            out.append(f"population rule {self.code}: {self.function} cannot be found ({exc})")
        return out


def evaluate(rules: Iterable[PopulationRule], population: Population) -> list[OutcomeLine]:
    """Every rule that runs on this kind of cycle, over the members of its roles."""
    lines: list[OutcomeLine] = []
    for rule in rules:
        if population.kind not in rule.kinds:
            continue
        members = tuple(m for m in population.members if not rule.roles or m.role in rule.roles)
        fn: Callable[..., list[OutcomeLine]] = resolve(rule.function)
        past = population.past
        if rule.roles:  # the history of the rule's roles only (a ranking of agents)
            past = tuple(only_roles(p, rule.roles) for p in past)
        scoped = Population(population.pack, population.kind, population.period, members, past)
        for line in fn(scoped, rule.params):
            amount = None if line.amount is None else q2(line.amount)
            lines.append(
                OutcomeLine(line.member, rule.code, line.code, amount, line.flag, line.inputs)
            )
    return lines


def ranks(members: Iterable[Member]) -> list[tuple[int, Member]]:
    """Competition ranking by total, highest first: equal totals share a rank and the
    next rank is skipped (1, 2, 2, 4)."""
    ordered = sorted(members, key=lambda m: (-m.total, m.employee))
    out, previous, rank = [], None, 0
    for i, m in enumerate(ordered, start=1):
        if m.total != previous:
            rank, previous = i, m.total
        out.append((rank, m))
    return out


def top_of(past: Past) -> set[int]:
    """The employees ranked first in an earlier cycle."""
    if not past.totals:
        return set()
    best = max(past.totals.values())
    return {e for e, t in past.totals.items() if t == best}


def only_roles(past: Past, roles: Iterable[str]) -> Past:
    """An earlier cycle with the members of these roles only; a cycle whose roles are
    not known stays as it is."""
    if not past.roles:
        return past
    keep = {e for e, r in past.roles.items() if r in set(roles)}
    return Past(
        past.period,
        {e: t for e, t in past.totals.items() if e in keep},
        {e: g for e, g in past.grades.items() if e in keep},
        {e: r for e, r in past.roles.items() if e in keep},
    )


MISSING = "missing_input"


def missing(member: Member, code: str, *keys: str, **seen: Any) -> OutcomeLine:
    """The line a rule writes instead of a number when an input it needs is missing:
    never a silent zero or a silent default (policies.md §2). The flag tells HR which
    inputs (`missing`) kept the rule from computing, for HR to settle."""
    return OutcomeLine(member.key, "", code, flag=MISSING, inputs={"missing": list(keys), **seen})


def quarter_months(period: str) -> list[str] | None:
    """The three months of the quarter a month closes ("2026-09" → 2026-07, -08, -09),
    or None when the month closes no quarter."""
    year, _, month = period.partition("-")
    if not (year.isdigit() and month.isdigit()) or int(month) % 3:
        return None
    m = int(month)
    return [f"{year}-{k:02d}" for k in range(m - 2, m + 1)]


def share_cap(headcount: int, share: Decimal) -> int:
    """At most `share` of `headcount`: floor(headcount × share + 0.5), the company's
    rounding of a distribution cap (policies.md §4.1)."""
    return int(headcount * share + Decimal("0.5"))
