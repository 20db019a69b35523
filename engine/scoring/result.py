"""The scored result: every line a person needs to see how the number came about."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .annual import PeriodLine
from .numbers import Rate, exact, s2


@dataclass(slots=True)
class IndicatorLine:
    code: str
    section: str | None
    score: Decimal
    max: Decimal
    rule: str
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class SectionLine:
    code: str
    raw: Decimal
    score: Decimal
    weight: Decimal
    counts: bool = True


@dataclass(slots=True)
class Adjustment:
    code: str
    kind: str  # points | factor | clamp
    value: Decimal
    running: Decimal  # the total after this line


@dataclass(slots=True)
class Result:
    pack: str
    version: str
    role: str
    indicators: list[IndicatorLine]
    sections: list[SectionLine]
    subtotal: Decimal
    adjustments: list[Adjustment]
    total: Decimal
    grade: str
    coefficient: Decimal | None
    outcomes: dict[str, Any] = field(default_factory=dict)
    calibrated_from: str | None = None
    # An annual composite: one line per period of the year, and what rule made it.
    periods: list[PeriodLine] = field(default_factory=list)
    annual: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        """The public JSON shape of `rulepacks score --json`; decimals as two-place strings."""
        return {
            "pack": self.pack,
            "version": self.version,
            "role": self.role,
            "indicators": [
                {"code": i.code, "section": i.section, "score": s2(i.score), "max": s2(i.max)}
                for i in self.indicators
            ],
            "sections": [
                {"code": s.code, "score": s2(s.score), "weight": s2(s.weight)}
                for s in self.sections
            ],
            "subtotal": s2(self.subtotal),
            "adjustments": [
                {"code": a.code, "kind": a.kind, "value": s2(a.value)} for a in self.adjustments
            ],
            "total": s2(self.total),
            "grade": self.grade,
            "outcomes": {k: published(v) for k, v in self.outcomes.items()},
            **({"calibrated_from": self.calibrated_from} if self.calibrated_from else {}),
            **(
                {"annual": self.annual, "periods": [period_json(p) for p in self.periods]}
                if self.annual is not None
                else {}
            ),
        }

    def explain(self) -> dict[str, Any]:
        """The public shape plus the exact intermediate values and rater detail."""
        data = self.to_json()
        for line, src in zip(data["indicators"], self.indicators, strict=True):
            line["rule"] = src.rule
            line["exact"] = str(src.score)
            line["detail"] = {k: published(v) for k, v in src.detail.items()}
        for line, src in zip(data["sections"], self.sections, strict=True):
            line["raw"] = str(src.raw)
            line["counts"] = src.counts
        for line, src in zip(data["adjustments"], self.adjustments, strict=True):
            line["running"] = str(src.running)
        for line, src in zip(data.get("periods", []), self.periods, strict=True):
            line["exact"] = {"share": str(src.share), "contribution": str(src.contribution)}
        return data


def period_json(p: PeriodLine) -> dict[str, Any]:
    """One period of an annual composite: period, status, total and grade, weight, its
    share of the year (exact) and contribution (two places), the sections it brings."""
    return {
        "period": p.period,
        "status": p.status,
        "total": None if p.total is None else s2(p.total),
        "grade": p.grade,
        "weight": str(p.weight),
        "share": str(p.share.quantize(Decimal("0.0001"))),
        "contribution": s2(p.contribution),
        **({"sections": {k: s2(v) for k, v in p.sections.items()}} if p.sections else {}),
        **({"ref": p.ref} if p.ref else {}),
    }


def published(v: Any) -> Any:
    """Rates exactly, money and scores to two places; whole numbers (a salary grade)
    and flags as they are."""
    if isinstance(v, Rate):
        return exact(v)
    if isinstance(v, Decimal):
        return s2(v)
    if isinstance(v, dict):
        return {k: published(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [published(x) for x in v]
    return v
