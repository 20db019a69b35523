"""360° feedback (docs/rulepacks.md, `jixiao_feedback_rules`): a pack declares, for one
indicator of one role, the groups of raters asked about the employee (the supervisor,
peers, partner departments, reports), each with its weight, the fewest answers that
count and whether it is anonymous, and how the answers are aggregated (the mean, or the
trimmed mean that drops the highest and the lowest). Seed 001: 主观数据由评估小组通过
…360度反馈（上级、同事、协作部门评价）收集.

Pure data and arithmetic, checked by `problems()`; `aggregate` explains itself line by
line, as the scoring core does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .template import RoleTemplate

MEAN = "mean"
TRIMMED_MEAN = "trimmed_mean"
AGGREGATIONS = (MEAN, TRIMMED_MEAN)
# 上级, 同事, 协作部门, 下属
GROUPS = ("supervisor", "peer", "partner", "report")
# The fewest answers of an anonymous group its appraised employee may see aggregated:
# fewer would let them guess who gave which score.
SHOW_AT = 3
CENT = Decimal("0.01")


def _cents(v: Decimal) -> Decimal:
    return v.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class RaterGroup:
    """One group of raters. `weight`: its share of the aggregate (the shares of the
    groups that count are scaled to add up to 1). `min_count`: the fewest answers for
    the group to count. `anonymous`: its raters' names are kept from the employee and
    from the supervisor (auditors see them), and the employee sees its aggregate only
    from `SHOW_AT` answers."""

    code: str
    weight: Decimal
    min_count: int = 1
    anonymous: bool = True

    def __post_init__(self):
        object.__setattr__(self, "weight", Decimal(str(self.weight)))


@dataclass(frozen=True)
class FeedbackRule:
    """360° feedback for `indicator` of `role`: the groups asked, the aggregation
    (`mean`, or `trimmed_mean` dropping `trim` answers at each end when at least two
    are left: kept alone, the middle answer would be one rater's score, shown to the
    employee), the raters' `working_days` from their nomination, and
    whether a supervisor's nomination waits for HR's approval (`hr_approves`)."""

    role: str
    indicator: str
    groups: tuple[RaterGroup, ...]
    aggregation: str = MEAN
    trim: int = 1
    working_days: int = 5
    hr_approves: bool = False
    source: str = ""

    def group(self, code: str) -> RaterGroup | None:
        return next((g for g in self.groups if g.code == code), None)

    def problems(self, template: RoleTemplate | None) -> list[str]:
        where = f"feedback on {self.role}.{self.indicator}"
        if template is None:
            return [f"{where}: the pack has no role {self.role!r}"]
        out = []
        ind = template.indicator(self.indicator)
        if ind is None or ind.rule == "deduction":
            out.append(f"{where}: the role has no indicator {self.indicator!r} to score")
        if self.aggregation not in AGGREGATIONS:
            out.append(f"{where}: aggregation must be one of {', '.join(AGGREGATIONS)}")
        if not isinstance(self.trim, int) or not 0 <= self.trim <= 5:
            out.append(f"{where}: trim must be a whole number 0–5")
        if not isinstance(self.working_days, int) or not 1 <= self.working_days <= 60:
            out.append(f"{where}: working_days must be a whole number 1–60")
        codes = [g.code for g in self.groups]
        if not codes:
            out.append(f"{where}: at least one group of raters")
        for g in self.groups:
            if g.code not in GROUPS or codes.count(g.code) > 1:
                out.append(f"{where}: group {g.code!r} is unknown or declared twice")
            if g.weight <= 0 or g.weight > 1:
                out.append(f"{where}: group {g.code} weight must be in (0, 1]")
            if not isinstance(g.min_count, int) or g.min_count < 1:
                out.append(f"{where}: group {g.code} min_count must be at least 1")
        if sum((g.weight for g in self.groups), Decimal(0)) != 1:
            out.append(f"{where}: the groups' weights must add up to 1")
        return out


@dataclass(frozen=True)
class GroupLine:
    """One group's line of the explanation: its answers (lowest first), those kept
    after trimming, their mean, its declared and its effective weight (scaled over
    the groups that count); `counts` False when it had fewer than its `min_count`."""

    group: str
    n: int
    min_count: int
    answers: tuple[Decimal, ...]
    kept: tuple[Decimal, ...]
    rule: str
    value: Decimal | None
    weight: Decimal
    share: Decimal
    counts: bool

    def as_json(self) -> dict:
        return {
            "group": self.group,
            "n": self.n,
            "min_count": self.min_count,
            "rule": self.rule,
            "kept": len(self.kept),
            "value": self.value,
            "weight": self.weight,
            "share": self.share,
            "counts": self.counts,
        }


@dataclass(frozen=True)
class Aggregate:
    lines: tuple[GroupLine, ...]
    value: Decimal | None  # None: no group has its fewest answers
    aggregation: str
    notes: tuple[str, ...] = field(default_factory=tuple)

    def as_json(self) -> dict:
        return {
            "aggregation": self.aggregation,
            "value": self.value,
            "groups": [line.as_json() for line in self.lines],
        }


def _group_value(scores: list[Decimal], rule: FeedbackRule) -> tuple[tuple, str, Decimal]:
    ordered = tuple(sorted(scores))
    if rule.aggregation == TRIMMED_MEAN and rule.trim and len(ordered) >= 2 * rule.trim + 2:
        kept, how = ordered[rule.trim : len(ordered) - rule.trim], TRIMMED_MEAN
    else:
        kept, how = ordered, MEAN
    return kept, how, _cents(sum(kept, Decimal(0)) / len(kept))


def aggregate(rule: FeedbackRule, answers: dict[str, list[Decimal]]) -> Aggregate:
    """Per group: its n answers, their mean (or trimmed mean, the `trim` lowest and
    highest dropped when 2 × `trim` + 2 or more answered), rounded to cents; a group with
    fewer than its `min_count` answers is left out and the others' weights are scaled
    to add up to 1. The aggregate is Σ share × group value, rounded to cents."""
    parts = []
    for g in rule.groups:
        scores = list(answers.get(g.code) or [])
        if scores:
            kept, how, value = _group_value(scores, rule)
        else:
            kept, how, value = (), rule.aggregation, None
        parts.append((g, tuple(sorted(scores)), kept, how, value, len(scores) >= g.min_count))
    total_weight = sum((g.weight for g, *_r, ok in parts if ok), Decimal(0))
    lines, acc = [], Decimal(0)
    for g, ordered, kept, how, value, ok in parts:
        share = g.weight / total_weight if ok and total_weight else Decimal(0)
        if ok:
            acc += share * value
        lines.append(
            GroupLine(
                g.code,
                len(ordered),
                g.min_count,
                ordered,
                kept,
                how,
                value,
                g.weight,
                share.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP),
                ok,
            )
        )
    return Aggregate(tuple(lines), _cents(acc) if total_weight else None, rule.aggregation)


def rules_for(rules: tuple[FeedbackRule, ...], role: str) -> tuple[FeedbackRule, ...]:
    return tuple(r for r in rules if r.role == role)
