"""A compiled plan per (pinned) template: what scoring one appraisal needs, prepared
once, so that the hot loop only reads values and adds up.

Per indicator the plan holds its reader and scorer (engine/scoring/plan_rules.py) with
every constant already a `Decimal`; per section its place, bound and weights; the
template's events, penalties and grades are looked up once. `Plan.run` reads and
checks an input in one pass and scores it with the same arithmetic, in the same order,
as the reference path (`inputs.parse_inputs` then `scorer.score_parsed`), and builds
the same explained result, line by line. Anything it does not read as the reference
would, valid or not, raises: `scorer.score` then scores the input through the reference
path, which gives the result or refuses the input with its own words. The reference
path stays the definition; tests/scoring/test_compiled_plan.py holds the two equal.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .inputs import TOP_KEYS, Inputs
from .numbers import ONE, ZERO, q2
from .plan_inputs import InputReaders, read_history
from .plan_rules import Fallback, reader, scorer
from .result import Adjustment, IndicatorLine, Result, SectionLine
from .rules import resolve
from .template import RoleTemplate

_ABSENT = object()
TOP = frozenset(TOP_KEYS)


class Step:
    """One indicator: how its value is read and scored, and where its line goes."""

    __slots__ = (
        "allowed",
        "code",
        "custom",
        "read",
        "rule",
        "score",
        "section",
        "slot",
        "sources",
        "weight",
    )

    def __init__(self, t: RoleTemplate, ind: Any, slot: int | None):
        index = t.index()
        sec = index.section_of[ind.code]
        self.code, self.section, self.weight, self.rule = (
            ind.code,
            ind.section,
            ind.weight,
            ind.rule,
        )
        self.slot = slot  # the section's place in the plan's sums, None when it has none
        self.custom = ind.rule == "custom"
        self.read, self.score = reader(ind), scorer(ind)
        # Raters who may score it when it is entered per rater.
        self.allowed = frozenset(sec.rater_weights if sec and sec.rater_weights else ind.sources)
        self.sources = ind.sources


class Plan:
    """Everything `run` needs of one template, prepared once (`plan_for`)."""

    __slots__ = (
        "ceiling",
        "deductions",
        "events",
        "falsification",
        "floor",
        "inputs",
        "multi",
        "outcomes",
        "required",
        "sections",
        "sheets",
        "steps",
        "t",
        "template_order",
    )

    def __init__(self, t: RoleTemplate):
        index = t.index()
        self.t = t
        if len(index.indicators) != len(t.indicators):
            raise ValueError("duplicate indicator codes")  # the reference path says what
        section_codes = [s.code for s in t.sections]
        if len(set(section_codes)) != len(section_codes):
            raise ValueError("duplicate section codes")
        slots = {code: i for i, code in reversed(list(enumerate(section_codes)))}
        # (code, slot, weight) of the deduction indicators, in template order.
        self.deductions = {}
        self.steps: dict[str, Step] = {}
        order: list[Any] = []
        for ind in t.indicators:
            slot = slots.get(ind.section) if t.base is None and t.sections else None
            if ind.rule == "deduction":
                self.deductions[ind.code] = ind
                order.append((ind.code, slot, ind.weight, None))
            else:
                step = self.steps[ind.code] = Step(t, ind, slot)
                order.append((ind.code, slot, ind.weight, step))
        self.template_order = tuple(order)
        self.required = frozenset(index.required)
        self.sheets = tuple(frozenset(items) for items in index.sheets.values())
        # (code, optional, normalise_to, raw maximum, weight, counts) per section.
        self.sections = tuple(
            (s.code, s.optional, s.normalise_to, index.section_max[s.code], s.weight, s.counts)
            for s in t.sections
        )
        self.multi = {
            code: index.section_of[code] for code, st in self.steps.items() if not st.custom
        }
        self.events = {code: e.points for code, e in index.events.items()}
        self.inputs = InputReaders(t)
        self.floor, self.ceiling = t.floor, t.ceiling
        self.falsification = t.falsification_factor
        self.outcomes = resolve(t.outcomes) if t.outcomes else None

    # --- reading ------------------------------------------------------------------

    def _values(self, raw: Any) -> dict[str, Any]:
        if raw is None:
            raw = {}
        elif type(raw) is not dict:
            raise Fallback
        steps, values = self.steps, {}
        for code, v in raw.items():
            step = steps[code]  # KeyError: unknown, or a deduction entered as a value
            if type(v) is dict and not step.custom:
                if not v.keys() <= step.allowed:
                    raise Fallback
                read = step.read
                values[code] = {r: read(rv) for r, rv in v.items()}
            else:
                values[code] = step.read(v)
        if not self.required <= values.keys():
            raise Fallback
        for items in self.sheets:  # all or nothing
            n = len(items & values.keys())
            if n and n != len(items):
                raise Fallback
        return values

    def read(self, raw: Any) -> Inputs:
        """`raw` read as `inputs.parse_inputs` reads it; raises for anything else."""
        if type(raw) is not dict or not raw.keys() <= TOP or "values" not in raw:
            raise Fallback
        readers, get = self.inputs, raw.get
        values = self._values(raw["values"])
        targets = readers.read_targets(get("targets"))
        deductions = readers.read_deductions(get("deductions"))
        events = readers.read_events(get("events"))
        late = readers.read_late(get("late_steps"))
        falsified = get("falsified", False)
        if type(falsified) is not bool:
            raise Fallback
        history = read_history(get("history"))
        context = get("context")
        if context is None:
            context = {}
        elif type(context) is not dict:
            raise Fallback
        grade = readers.read_grade(get("calibrated_grade"))
        return Inputs(values, targets, deductions, events, late, falsified, history, context, grade)

    # --- scoring ------------------------------------------------------------------

    def _multi(self, step: Step, per_raw: dict, targets: dict, context: dict) -> IndicatorLine:
        """An indicator several raters scored (scorer._indicator_score)."""
        score = step.score
        per = {r: score(v, targets, context) for r, v in per_raw.items()}
        sec = self.multi[step.code]
        weights = sec.rater_weights if sec else None
        if weights:
            if any(r not in per for r in weights):
                raise Fallback  # optional and left out, or refused: the reference says
            s = sum((weights[r] * per[r] for r in weights), ZERO)
            detail = {"raters": per, "weights": weights}
            return IndicatorLine(step.code, step.section, s, step.weight, step.rule, detail)
        counted = [r for r in step.sources if r in per and r != "self"]
        if not counted:
            raise Fallback
        detail = {"raters": per, "counted": counted[-1]}
        return IndicatorLine(
            step.code, step.section, per[counted[-1]], step.weight, step.rule, detail
        )

    def _lines(self, inp: Inputs, sums: list) -> tuple[list[IndicatorLine], Decimal]:
        values, targets, context, deductions = inp.values, inp.targets, inp.context, inp.deductions
        lines: list[IndicatorLine] = []
        append = lines.append
        total = ZERO
        for code, slot, weight, step in self.template_order:
            if step is None:  # a deduction item: always a line
                deds = deductions.get(code, [])
                lost = sum((p for p, _ in deds), ZERO)
                s = max(ZERO, weight - lost)
                detail = {"deductions": [{"points": p, "reason": r} for p, r in deds]}
                append(
                    IndicatorLine(
                        code, self.deductions[code].section, s, weight, "deduction", detail
                    )
                )
            else:
                value = values.get(code, _ABSENT)
                if value is _ABSENT:
                    continue
                if type(value) is dict and not step.custom:
                    line = self._multi(step, value, targets, context)
                    s = line.score
                    append(line)
                else:
                    s = step.score(value, targets, context)
                    append(IndicatorLine(code, step.section, s, weight, step.rule))
            if slot is not None:
                sums[slot] = s if sums[slot] is None else sums[slot] + s
            else:
                total += s
        return lines, total

    def _sections(self, sums: list) -> tuple[list[SectionLine], Decimal]:
        out, subtotal = [], ZERO
        for (code, optional, normalise_to, most, weight, counts), raw in zip(
            self.sections, sums, strict=True
        ):
            if raw is None:
                if optional:
                    continue
                raw = ZERO
            else:
                raw = ZERO + raw  # sum(mine, ZERO), as the reference adds them
            score = raw if normalise_to is None else raw * normalise_to / most
            out.append(SectionLine(code, raw, score, weight, counts))
            if counts:
                subtotal += score * weight
        return out, subtotal

    def run(self, raw: Any) -> Result:
        """Read, check and score `raw`; raises where the reference path must answer."""
        t = self.t
        inp = self.read(raw)
        sums: list = [None] * len(self.sections)
        lines, total = self._lines(inp, sums)
        if t.base is not None:
            sections, subtotal = [], t.base
        elif not t.sections:
            sections, subtotal = [], total
        else:
            sections, subtotal = self._sections(sums)
        running = subtotal
        adjustments: list[Adjustment] = []
        if inp.events:
            points = self.events
            for code, n in sorted(inp.events.items()):
                if n:
                    pts = points[code] * n
                    running += pts
                    adjustments.append(Adjustment(code, "points", pts, running))
        if inp.late_steps:
            rates = []
            for step, rate in inp.late_steps:
                rates.append(rate)
                adjustments.append(
                    Adjustment(f"late:{step}", "factor", ONE - rate, running * (ONE - rate))
                )
            factor = max(ZERO, ONE - sum(rates, ZERO))
            running *= factor
            if len(rates) > 1:
                adjustments.append(Adjustment("late", "factor", factor, running))
        if inp.falsified:
            running *= self.falsification
            adjustments.append(Adjustment("falsified", "factor", self.falsification, running))
        clamped = max(running, self.floor)
        if self.ceiling is not None:
            clamped = min(clamped, self.ceiling)
        if clamped != running:
            adjustments.append(Adjustment("clamp", "clamp", clamped - running, clamped))
        total = q2(clamped)
        grade = t.grade_for(total)
        calibrated_from = None
        if inp.calibrated_grade and inp.calibrated_grade != grade.code:
            calibrated_from = grade.code
            grade = t.index().grade_codes[inp.calibrated_grade]
        result = Result(
            t.pack,
            t.version,
            t.role,
            lines,
            sections,
            subtotal,
            adjustments,
            total,
            grade.code,
            grade.coefficient,
            {},
            calibrated_from,
        )
        if self.outcomes is not None:
            result.outcomes = self.outcomes(result, inp, t)
        return result


def plan_for(t: RoleTemplate) -> Plan | None:
    """The template's compiled plan, built on first use; None when the template is one
    only the reference path can score (it then says what is wrong)."""
    derived = t.index().derived
    try:
        return derived["plan"]
    except KeyError:
        try:
            plan: Plan | None = Plan(t)
        except Exception:  # a template only the reference path can explain
            plan = None
        derived["plan"] = plan
        return plan
