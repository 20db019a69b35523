"""Committee review (述职报告评议法, seed 004 篇6): the appraisal leadership group
(考核领导小组) reads the employee's self-report (述职报告) and each member scores it;
the chair closes the review once a quorum has scored, and the members' scores are
combined by the pack's rule into one indicator's value (docs/rulepacks.md,
`jixiao_committee_reviews`). Pure data and arithmetic, checked by `problems()`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from .numbers import q2

MEAN = "mean"
TRIMMED_MEAN = "trimmed_mean"
RULES = (MEAN, TRIMMED_MEAN)
# Every member scores on this scale; the combined score is the indicator's value.
MAX_SCORE = Decimal(100)


@dataclass(frozen=True)
class CommitteeReview:
    """Where a pack uses a committee review.

    `roles`: the pack's roles reviewed this way; `kinds`: the cycle kinds it applies in
    (`half` for seed 004's managers); `indicator`: the role's indicator the combined
    score is written to (its source must be `committee`, its weight 100 points);
    `rule`: `mean`, or `trimmed_mean` (the highest and the lowest score dropped);
    `quorum`: how many members must have scored before the chair may close;
    `weight`: the share of the committee in the total (the indicator's section
    weight), the rest being the superior's assessment; `working_days`: the members'
    scoring is due that many working days after HR forms the committee.
    `source`: the seed's words, for the catalogue."""

    roles: tuple[str, ...]
    kinds: tuple[str, ...]
    indicator: str
    rule: str = MEAN
    quorum: int = 3
    weight: Decimal = Decimal("0.5")
    working_days: int = 5
    source: str = ""

    def applies(self, role: str, kind: str) -> bool:
        return role in self.roles and kind in self.kinds

    def problems(self, role_codes: Sequence[str] = ()) -> list[str]:
        out = []
        if self.rule not in RULES:
            out.append(f"committee review: rule {self.rule!r} is not one of {', '.join(RULES)}")
        least = 3 if self.rule == TRIMMED_MEAN else 1
        if not isinstance(self.quorum, int) or not least <= self.quorum <= 50:
            out.append(f"committee review: quorum must be a whole number {least}–50")
        if not isinstance(self.weight, Decimal) or not Decimal(0) < self.weight <= Decimal(1):
            out.append("committee review: weight must be a Decimal above 0 and at most 1")
        if not isinstance(self.working_days, int) or not 1 <= self.working_days <= 60:
            out.append("committee review: working_days must be a whole number 1–60")
        if not self.roles or not self.kinds:
            out.append("committee review: name at least one role and one cycle kind")
        for role in self.roles:
            if role_codes and role not in role_codes:
                out.append(f"committee review: the pack has no role {role!r}")
        return out


@dataclass(frozen=True)
class Combination:
    """The combined score and how it came about, line by line."""

    score: Decimal
    used: tuple[Decimal, ...]
    dropped: tuple[Decimal, ...]
    total: Decimal

    def lines(self) -> list[dict]:
        """The arithmetic, as data a page puts in words."""
        out = []
        if self.dropped:
            out.append({"line": "dropped", "values": [str(v) for v in self.dropped]})
        out.append({"line": "sum", "values": [str(v) for v in self.used], "sum": str(self.total)})
        out.append(
            {"line": "mean", "sum": str(self.total), "n": len(self.used), "score": str(self.score)}
        )
        return out


def combine(scores: Sequence[Decimal], rule: str) -> Combination:
    """The members' scores combined: `mean` of all, or `trimmed_mean` — one highest and
    one lowest dropped, the mean of the rest (needs three scores). Rounded to 2 places
    half up (policies §1)."""
    values = [Decimal(s) for s in scores]
    if rule == TRIMMED_MEAN:
        if len(values) < 3:
            raise ValueError("a trimmed mean needs at least three scores")
        ordered = sorted(values)
        dropped = (ordered[-1], ordered[0])
        used = list(values)
        used.remove(ordered[-1])
        used.remove(ordered[0])
    elif rule == MEAN:
        if not values:
            raise ValueError("no score to combine")
        dropped, used = (), values
    else:
        raise ValueError(f"unknown rule {rule!r}")
    total = sum(used, Decimal(0))
    return Combination(q2(total / len(used)), tuple(used), tuple(dropped), total)


def reviews_for(reviews: Sequence[CommitteeReview], role: str, kind: str) -> CommitteeReview | None:
    """The first declaration that applies to `role` in a cycle of `kind`."""
    return next((r for r in reviews if r.applies(role, kind)), None)
