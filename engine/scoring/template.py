"""Role templates: what a rule pack declares for one role.

Templates are plain data (frozen dataclasses) that round-trip through JSON, so the
engine can store the exact template an appraisal was opened with and hash it. Custom
rules and outcome functions are referenced by dotted path ("package.module:function")
rather than held as objects, for the same reason.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .numbers import to_decimal

if TYPE_CHECKING:
    from .template_index import TemplateIndex

RULES = (
    "ratio",
    "inverse_ratio",
    "reverse_ratio",
    "step",
    "threshold",
    "rating",
    "scale",
    "manual",
    "deduction",
    "custom",
)
STEPS = ("self", "supervisor", "dept_head", "hr", "gm", "board")
APPEAL_STEPS = ("mediation", "hr_intake", "investigation", "decision")
PERIODS = ("month", "quarter", "half", "year")
# `committee`: the appraisal leadership group's combined score (engine/committee)
SOURCES = ("system", "self", "supervisor", "manager", "dept_head", "hr", "gm", "committee")


def _dec(v: Any) -> Decimal:
    return v if isinstance(v, Decimal) else to_decimal(v)


@dataclass(frozen=True)
class Level:
    """One choice of a `rating` rule: its code, Chinese label and points."""

    code: str
    label_zh: str
    points: Decimal

    def __post_init__(self):
        object.__setattr__(self, "points", _dec(self.points))


@dataclass(frozen=True)
class Indicator:
    code: str
    name_zh: str
    name_en: str
    weight: Decimal
    rule: str
    params: dict[str, Any] = field(default_factory=dict)
    section: str | None = None
    sources: tuple[str, ...] = ("supervisor",)
    optional: bool = False
    # What the person enters or the system measures, in words HR reads before
    # activating a pack; generated from the rule when the pack leaves them empty.
    description_zh: str = ""
    description_en: str = ""
    # What the number means, from the vocabulary of units.py (rate, money, count, days,
    # seconds, score, points, level); "" takes the rule's default (points, level).
    unit: str = ""

    def __post_init__(self):
        object.__setattr__(self, "weight", _dec(self.weight))
        object.__setattr__(self, "sources", tuple(self.sources))

    def levels(self) -> tuple[Level, ...]:
        return self._prepared().levels

    def level_for(self, key: str) -> Level | None:
        """The level whose code or Chinese label is `key`."""
        return self._prepared().level_keys.get(key)

    def number(self, name: str, default: Any = None) -> Decimal | None:
        """params[name] as a Decimal (`default` when absent), converted once per indicator."""
        numbers = self._prepared().numbers
        if name not in numbers:
            raw = self.params.get(name, default)
            numbers[name] = None if raw is None else _dec(raw)
        return numbers[name]

    def _prepared(self) -> _IndicatorPrep:
        # Templates are immutable, so what scoring derives from them is derived once and
        # kept on the instance (not a dataclass field: equality and JSON ignore it).
        try:
            return self.__dict__["_prep"]
        except KeyError:
            prep = _IndicatorPrep(self)
            object.__setattr__(self, "_prep", prep)
            return prep


class _IndicatorPrep:
    __slots__ = ("level_keys", "levels", "numbers")

    def __init__(self, ind: Indicator):
        self.levels = tuple(
            lv if isinstance(lv, Level) else Level(**lv) for lv in ind.params.get("levels", ())
        )
        self.level_keys: dict[str, Level] = {}
        for lv in self.levels:
            self.level_keys.setdefault(lv.code, lv)
            self.level_keys.setdefault(lv.label_zh, lv)
        self.numbers: dict[str, Decimal | None] = {}


@dataclass(frozen=True)
class Section:
    code: str
    name_zh: str
    name_en: str
    weight: Decimal = Decimal(1)
    # The raw section score is scaled to this many points (R&D ability: 110 → 100).
    normalise_to: Decimal | None = None
    # Multi-rater sections: rater → share of the indicator score (self 20% / …).
    rater_weights: dict[str, Decimal] | None = None
    optional: bool = False
    # A reported section scores and shows but adds nothing to the subtotal.
    counts: bool = True
    # Optional sections of one sheet are entered all or nothing (sales behaviour sheet).
    sheet: str | None = None

    def __post_init__(self):
        object.__setattr__(self, "weight", _dec(self.weight))
        if self.normalise_to is not None:
            object.__setattr__(self, "normalise_to", _dec(self.normalise_to))
        if self.rater_weights is not None:
            object.__setattr__(
                self, "rater_weights", {k: _dec(v) for k, v in self.rater_weights.items()}
            )


@dataclass(frozen=True)
class Grade:
    """A band [lower, upper) on the rounded total; `upper` None means open above."""

    code: str
    name_zh: str
    name_en: str
    lower: Decimal
    upper: Decimal | None
    coefficient: Decimal | None = None
    # At most this share of a department may hold the grade (calibration caps).
    max_share: Decimal | None = None

    def __post_init__(self):
        object.__setattr__(self, "lower", _dec(self.lower))
        for name in ("upper", "coefficient", "max_share"):
            v = getattr(self, name)
            if v is not None:
                object.__setattr__(self, name, _dec(v))


@dataclass(frozen=True)
class EventType:
    code: str
    name_zh: str
    name_en: str
    points: Decimal

    def __post_init__(self):
        object.__setattr__(self, "points", _dec(self.points))


@dataclass(frozen=True)
class Deadline:
    """Due day relative to the period: `months_after` the period's last month, on
    `day` (clamped to the month's last day, so 30 means the 28th in February).
    `working_days` is the step's own window: a step that opens after its calendar
    deadline (a cycle opened late, an earlier step handed in late) is due that many
    working days after it opens, so nobody is late for a deadline that passed before
    the step existed (docs/policies.md, "Steps opened late")."""

    months_after: int
    day: int
    working_days: int = 3


@dataclass(frozen=True)
class ChainStep:
    code: str
    due: Deadline

    def __post_init__(self):
        if isinstance(self.due, dict):
            object.__setattr__(self, "due", Deadline(**self.due))


@dataclass(frozen=True)
class LatePenalty:
    """`rate` of the total is lost when `step` completes late; `hits` is the appraisal
    it is taken from: the employee's own (`employee`) or the reviewer's own (`reviewer`)."""

    step: str
    rate: Decimal
    hits: str

    def __post_init__(self):
        object.__setattr__(self, "rate", _dec(self.rate))


@dataclass(frozen=True)
class AppealStep:
    code: str
    due_working_days: int  # counted from the filing of the appeal


@dataclass(frozen=True)
class AppealPolicy:
    window_working_days: int
    steps: tuple[AppealStep, ...]

    def __post_init__(self):
        object.__setattr__(
            self,
            "steps",
            tuple(s if isinstance(s, AppealStep) else AppealStep(**s) for s in self.steps),
        )


@dataclass(frozen=True)
class RoleTemplate:
    pack: str
    version: str
    role: str
    name_zh: str
    name_en: str
    period: str
    indicators: tuple[Indicator, ...]
    grades: tuple[Grade, ...]
    sections: tuple[Section, ...] = ()
    events: tuple[EventType, ...] = ()
    chain: tuple[ChainStep, ...] = ()
    late_penalties: tuple[LatePenalty, ...] = ()
    appeal: AppealPolicy | None = None
    floor: Decimal = Decimal(0)
    ceiling: Decimal | None = Decimal(100)
    # A role scored on events alone starts from this base (call agents: 100).
    base: Decimal | None = None
    falsification_factor: Decimal = Decimal("0.5")
    outcomes: str | None = None  # dotted path of the outcome function
    # Reviewer steps a person in this role may hold for others (a head's supervisor
    # step): a late review of one of them is penalised on this role's own appraisal.
    reviews: tuple[str, ...] = ()

    def __post_init__(self):
        conv = {
            "indicators": Indicator,
            "grades": Grade,
            "sections": Section,
            "events": EventType,
            "chain": ChainStep,
            "late_penalties": LatePenalty,
        }
        for name, cls in conv.items():
            items = tuple(x if isinstance(x, cls) else cls(**x) for x in getattr(self, name))
            object.__setattr__(self, name, items)
        if isinstance(self.appeal, dict):
            object.__setattr__(self, "appeal", AppealPolicy(**self.appeal))
        object.__setattr__(self, "reviews", tuple(self.reviews))
        for name in ("floor", "falsification_factor"):
            object.__setattr__(self, name, _dec(getattr(self, name)))
        for name in ("ceiling", "base"):
            if getattr(self, name) is not None:
                object.__setattr__(self, name, _dec(getattr(self, name)))

    # --- lookups -------------------------------------------------------------
    def indicator(self, code: str) -> Indicator | None:
        return self.index().indicators.get(code)

    def section(self, code: str | None) -> Section | None:
        return self.index().sections.get(code)

    def event(self, code: str) -> EventType | None:
        return self.index().events.get(code)

    def late_penalty(self, step: str) -> LatePenalty | None:
        return self.index().late_penalties.get(step)

    def own_late_penalties(self) -> tuple[LatePenalty, ...]:
        """The penalties a person in this role can incur: their own late steps, and
        late reviews of the steps the role holds for others."""
        return self.index().own_late

    def grade_for(self, total: Decimal) -> Grade:
        """Half-open bands; the top band closed (a total equal to the ceiling)."""
        ordered = self.index().grades
        for g in ordered:
            if total >= g.lower and (g.upper is None or total < g.upper):
                return g
        top = ordered[-1]
        if top.upper is not None and total == top.upper:
            return top
        return ordered[0] if total < ordered[0].lower else top

    def index(self) -> TemplateIndex:
        """The lookups scoring needs, built once per template: a pinned template scores
        thousands of appraisals, and each lookup by a linear search cost more than the
        arithmetic it served."""
        try:
            return self.__dict__["_index"]
        except KeyError:
            from .template_index import TemplateIndex

            idx = TemplateIndex(self)
            object.__setattr__(self, "_index", idx)
            return idx

    # --- serialisation -------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return _plain(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RoleTemplate:
        data = dict(data)
        data["indicators"] = [
            {
                **i,
                "params": {
                    **i.get("params", {}),
                    **(
                        {"levels": tuple(Level(**lv) for lv in i["params"]["levels"])}
                        if "levels" in i.get("params", {})
                        else {}
                    ),
                },
            }
            for i in data.get("indicators", ())
        ]
        return cls(**data)

    def fingerprint(self) -> str:
        """sha256 of the canonical template: what an appraisal pins."""
        text = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()


def _plain(value: Any) -> Any:
    if hasattr(value, "__dataclass_fields__"):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value
