"""The annual composite (以次为基础给出年度综合评判, seed 004): a year's result computed
from the person's periodic results of that year. Pure Python like the rest of the core.

A pack declares an `AnnualRule` per role (hook `jixiao_annual_rules`): which periodic
results the year rests on (months, else quarters), each period's weight, how missing
periods are handled (the mean over the periods present with a minimum count, or a
missing period counted as a stated total: never a silent zero), and whether the whole
total comes from the periods or only some sections (R&D: attitude and ability from
the months, performance appraised yearly on the annual appraisal itself).

The engine writes the rule and the periods it found into the annual appraisal's
inputs (`annual`, see `parse_annual`); the scorer turns them into one `PeriodLine`
per period of the year (period, total, grade, weight, contribution) before the usual
steps (events, late penalties, clamp, rounding, the grade from the pack's table).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .errors import ScoringInputError
from .numbers import ONE, ZERO, to_decimal

KINDS = ("month", "quarter")
MISSING = ("mean_present", "value")
PERIODS_IN_YEAR = {"month": 12, "quarter": 4}
YEAR_RE = re.compile(r"^\d{4}$")


def period_codes(year: str, kind: str) -> list[str]:
    """The periods of `kind` in `year`, in order: 2026-01 … 2026-12, or 2026-Q1 … Q4."""
    if kind == "month":
        return [f"{year}-{m:02d}" for m in range(1, 13)]
    return [f"{year}-Q{q}" for q in range(1, 5)]


def _suffix(period: str) -> str:
    return period.partition("-")[2]


@dataclass(frozen=True)
class AnnualRule:
    """How a role's annual result is composed from its periodic results."""

    code: str = "annual_composite"
    name_zh: str = "年度综合评判"
    name_en: str = "annual composite"
    # The periodic cycles the year rests on, in order of preference: the first kind
    # with at least one result of the year is used (R&D: months, else quarters).
    of: tuple[str, ...] = ("month",)
    # period suffix ("01" … "12", "Q1" … "Q4") → weight; a period not named weighs 1.
    weights: tuple[tuple[str, Decimal], ...] = ()
    # mean_present: the weighted mean over the periods present; value: a missing
    # period counts as `missing_value`.
    missing: str = "mean_present"
    missing_value: Decimal | None = None
    # The fewest months with a result (quarters: a third of it, rounded up); fewer is
    # an error naming the periods missing, never a composite of what there is.
    min_months: int = 1
    # Empty: the whole total comes from the periods. Else only these sections do
    # (their scores averaged); the others are scored on the annual appraisal itself.
    sections: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()  # the roles it applies to (every role when empty)

    def __post_init__(self):
        object.__setattr__(self, "of", tuple(self.of))
        object.__setattr__(self, "sections", tuple(self.sections))
        object.__setattr__(self, "roles", tuple(self.roles))
        pairs = self.weights.items() if isinstance(self.weights, dict) else self.weights
        object.__setattr__(self, "weights", tuple((str(k), _dec(v)) for k, v in pairs))
        if self.missing_value is not None:
            object.__setattr__(self, "missing_value", _dec(self.missing_value))

    def applies_to(self, role: str) -> bool:
        return not self.roles or role in self.roles

    def weight_of(self, period: str) -> Decimal:
        return dict(self.weights).get(_suffix(period), ONE)

    def minimum(self, kind: str) -> int:
        return self.min_months if kind == "month" else math.ceil(self.min_months / 3)

    def problems(self, roles: tuple[str, ...] = (), sections: dict | None = None) -> list[str]:
        """What is wrong with the rule, as sentences (empty when nothing is)."""
        out = []
        where = f"annual rule {self.code}"
        if not self.of or any(k not in KINDS for k in self.of):
            out.append(f"{where}: 'of' must name kinds among {list(KINDS)}")
        if self.missing not in MISSING:
            out.append(f"{where}: 'missing' must be one of {list(MISSING)}")
        if self.missing == "value" and self.missing_value is None:
            out.append(f"{where}: 'missing' is 'value' but no missing_value is given")
        if self.missing == "mean_present" and self.missing_value is not None:
            out.append(f"{where}: missing_value is given but missing is 'mean_present'")
        if not 1 <= self.min_months <= 12:
            out.append(f"{where}: min_months must be 1 to 12")
        allowed = {_suffix(p) for k in KINDS for p in period_codes("2000", k)}
        for key, w in self.weights:
            if key not in allowed:
                out.append(f"{where}: weight for unknown period {key!r}")
            if w < 0:
                out.append(f"{where}: weight of {key} is negative")
        for role in self.roles:
            if roles and role not in roles:
                out.append(f"{where}: the pack has no role {role!r}")
        for role, codes in (sections or {}).items():
            if not self.applies_to(role):
                continue
            for s in self.sections:
                if s not in codes:
                    out.append(f"{where}: role {role} has no section {s!r}")
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name_zh": self.name_zh,
            "name_en": self.name_en,
            "of": list(self.of),
            "weights": {k: str(v) for k, v in self.weights},
            "missing": self.missing,
            "missing_value": None if self.missing_value is None else str(self.missing_value),
            "min_months": self.min_months,
            "sections": list(self.sections),
            "roles": list(self.roles),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AnnualRule:
        return cls(**data)


@dataclass(frozen=True)
class PeriodResult:
    """One periodic result the year rests on, as the engine found it."""

    period: str
    total: Decimal
    grade: str = ""
    sections: dict[str, Decimal] = field(default_factory=dict)
    ref: dict[str, Any] = field(default_factory=dict)  # appraisal id, result version


@dataclass(slots=True)
class PeriodLine:
    """One period of the year in the annual result: what it brought and why."""

    period: str
    status: str  # counted | missing_not_counted | missing_counted_as
    total: Decimal | None
    grade: str
    weight: Decimal  # as declared (1 for equal weights)
    share: Decimal  # weight / the weights counted: what the period is worth in the year
    contribution: Decimal  # share × total (or × the sections it brings, weighted)
    sections: dict[str, Decimal] = field(default_factory=dict)
    ref: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AnnualInput:
    rule: AnnualRule
    year: str
    kind: str
    periods: tuple[PeriodResult, ...]


@dataclass(frozen=True)
class Composite:
    lines: list[PeriodLine]
    total: Decimal  # the whole-total composite, or Σ the periodic sections' part
    sections: dict[str, Decimal]  # section → mean over the periods (section rules)
    counted: int
    expected: int


def compose(ai: AnnualInput, section_weights: dict[str, Decimal] | None = None) -> Composite:
    """The year from its periods: one line per period of the year, in order."""
    rule, expected = ai.rule, period_codes(ai.year, ai.kind)
    found = {p.period: p for p in ai.periods}
    missing = [p for p in expected if p not in found]
    present = len(expected) - len(missing)
    need = rule.minimum(ai.kind)
    if present < need:
        text = (
            "needs the results of at least %(need)s of the 12 months of %(year)s; "
            "%(present)s found, missing %(missing)s"
            if ai.kind == "month"
            else "needs the results of at least %(need)s of the 4 quarters of %(year)s; "
            "%(present)s found, missing %(missing)s"
        )
        raise ScoringInputError(
            "annual.periods",
            "min_periods",
            text,
            need=str(need),
            year=ai.year,
            present=str(present),
            missing=", ".join(missing),
        )
    counted: list[tuple[str, Decimal, PeriodResult | None]] = []
    for p in expected:
        if p in found:
            counted.append((p, rule.weight_of(p), found[p]))
        elif rule.missing == "value":
            counted.append((p, rule.weight_of(p), None))
    weight_sum = sum((w for _, w, _ in counted), ZERO)
    if weight_sum <= 0:
        raise ScoringInputError(
            "annual.rule.weights", "positive", "the periods counted weigh nothing"
        )
    sw = section_weights or {}
    lines: list[PeriodLine] = []
    sections = dict.fromkeys(rule.sections, ZERO)
    total = ZERO
    by_period = {p: (w, r) for p, w, r in counted}
    for p in expected:
        if p not in by_period:
            lines.append(
                PeriodLine(p, "missing_not_counted", None, "", rule.weight_of(p), ZERO, ZERO)
            )
            continue
        w, r = by_period[p]
        share = w / weight_sum
        if r is None:
            value = rule.missing_value
            status, grade, secs, ref = "missing_counted_as", "", {}, {}
            if rule.sections:
                secs = dict.fromkeys(rule.sections, value)
        else:
            value, status, grade, ref = r.total, "counted", r.grade, r.ref
            secs = {}
            for s in rule.sections:
                if s not in r.sections:
                    raise ScoringInputError(
                        f"annual.periods.{p}.sections.{s}",
                        "required",
                        f"the result of {p} has no {s} section",
                    )
                secs[s] = r.sections[s]
        if rule.sections:
            contribution = sum((share * sw.get(s, ONE) * secs[s] for s in rule.sections), ZERO)
            for s in rule.sections:
                sections[s] += share * secs[s]
        else:
            contribution = share * value
        total += contribution
        lines.append(PeriodLine(p, status, value, grade, w, share, contribution, secs, ref))
    return Composite(lines, total, sections, present, len(expected))


def covered_by(rule: AnnualRule | None, indicators) -> set[str]:
    """The indicator codes a rule's composite stands for (none without a rule)."""
    if rule is None:
        return set()
    return {i.code for i in indicators if not rule.sections or i.section in rule.sections}


def covered(ai: AnnualInput | None, indicators) -> set[str]:
    """The indicator codes the composite stands for: every one for a whole-total rule,
    those of the rule's sections otherwise; they are not entered on the annual
    appraisal."""
    return covered_by(ai.rule if ai is not None else None, indicators)


def parse_annual(raw: Any, role: str = "", sections: set[str] | None = None) -> AnnualInput:
    """The `annual` input: {"year", "kind", "rule": AnnualRule.to_dict(), "periods":
    [{"period", "total", "grade", "sections", "ref"}]}; every part checked."""
    if not isinstance(raw, dict):
        raise ScoringInputError("annual", "type", "must be an object")
    unknown = set(raw) - {"year", "kind", "rule", "periods"}
    if unknown:
        raise ScoringInputError(f"annual.{sorted(unknown)[0]}", "unknown", "unknown key")
    year = raw.get("year")
    if not isinstance(year, str) or not YEAR_RE.match(year):
        raise ScoringInputError("annual.year", "format", "must be YYYY")
    try:
        rule = AnnualRule.from_dict(raw.get("rule") or {})
    except (TypeError, ValueError) as exc:
        raise ScoringInputError("annual.rule", "shape", str(exc)) from exc
    bad = rule.problems(sections={role: sections} if sections is not None else None)
    if bad:
        raise ScoringInputError("annual.rule", "valid", bad[0])
    kind = raw.get("kind")
    if kind not in rule.of:
        raise ScoringInputError("annual.kind", "choices", f"must be one of {list(rule.of)}")
    items = raw.get("periods")
    if not isinstance(items, list):
        raise ScoringInputError("annual.periods", "type", "must be a list")
    expected = set(period_codes(year, kind))
    out: dict[str, PeriodResult] = {}
    for i, item in enumerate(items):
        at = f"annual.periods[{i}]"
        if not isinstance(item, dict):
            raise ScoringInputError(at, "type", "must be an object")
        period = item.get("period")
        if period not in expected:
            raise ScoringInputError(f"{at}.period", "year", f"not a {kind} of {year}")
        if period in out:
            raise ScoringInputError(f"{at}.period", "unique", f"{period} is given twice")
        try:
            total = to_decimal(item.get("total"))
            secs = {k: to_decimal(v) for k, v in (item.get("sections") or {}).items()}
        except (ValueError, TypeError, AttributeError) as exc:
            raise ScoringInputError(f"{at}.total", "type", f"must be a number ({exc})") from exc
        ref = item.get("ref") or {}
        out[period] = PeriodResult(period, total, str(item.get("grade") or ""), secs, ref)
    return AnnualInput(rule, year, kind, tuple(out[p] for p in sorted(out)))


def annual_json(ai: AnnualInput) -> dict[str, Any]:
    """The inverse of `parse_annual`: what the engine stores on the annual appraisal."""
    return {
        "year": ai.year,
        "kind": ai.kind,
        "rule": ai.rule.to_dict(),
        "periods": [
            {
                "period": p.period,
                "total": str(p.total),
                "grade": p.grade,
                **({"sections": {k: str(v) for k, v in p.sections.items()}} if p.sections else {}),
                **({"ref": p.ref} if p.ref else {}),
            }
            for p in ai.periods
        ],
    }


def audit_summary(annual: dict | None) -> dict | None:
    """What the audit keeps of a year's stored inputs: each period's total and grade,
    and which appraisal and result version it came from."""
    if annual is None:
        return None
    return {
        "rule": (annual.get("rule") or {}).get("code"),
        "kind": annual.get("kind"),
        "periods": {
            p["period"]: {"total": p["total"], "grade": p.get("grade", ""), **p.get("ref", {})}
            for p in annual.get("periods", [])
        },
    }


def _dec(v: Any) -> Decimal:
    return v if isinstance(v, Decimal) else to_decimal(v)
