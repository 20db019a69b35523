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

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .inputs import TOP_KEYS, Inputs
from .numbers import ONE, TWO, ZERO
from .plan_code import compile_lines
from .plan_inputs import InputReaders, read_history
from .plan_rules import Fallback, reader, scorer, taker
from .result import Adjustment, IndicatorLine, Result, SectionLine
from .rules import resolve
from .template import STEPS, RoleTemplate

_ABSENT = object()
# The input parts the plan reads; any other (an annual appraisal's periods, which the
# reference path composes into the year) sends the scoring to the reference path.
TOP = frozenset(TOP_KEYS - {"annual"})
LATE_CODES = {step: f"late:{step}" for step in STEPS}


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
        "take",
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
        self.take = taker(ind, self.read, self.score)
        # Raters who may score it when it is entered per rater.
        self.allowed = frozenset(sec.rater_weights if sec and sec.rater_weights else ind.sources)
        self.sources = ind.sources


class Plan:
    """Everything `run` needs of one template, prepared once (`plan_for`)."""

    __slots__ = (
        "ceiling",
        "events",
        "falsification",
        "floor",
        "grades",
        "inputs",
        "lines",
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
        self.steps: dict[str, Step] = {}
        order: list[Any] = []
        for ind in t.indicators:
            slot = slots.get(ind.section) if t.base is None and t.sections else None
            if ind.rule == "deduction":
                order.append((ind.code, slot, ind.weight, None, ind.section, ind.rule))
            else:
                step = self.steps[ind.code] = Step(t, ind, slot)
                order.append((ind.code, slot, ind.weight, step, ind.section, ind.rule))
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
        self.grades = index.grades  # ordered by lower bound
        self.falsification = t.falsification_factor
        self.outcomes = resolve(t.outcomes) if t.outcomes else None
        self.lines = compile_lines(self)  # the hot loop, written out (plan_code.py)

    # --- reading ------------------------------------------------------------------

    def _raters(self, step: Step, raw: dict) -> dict[str, Any]:
        if not raw.keys() <= step.allowed:
            raise Fallback
        read = step.read
        return {r: read(rv) for r, rv in raw.items()}

    def _checked(self, raw: dict, values: dict[str, Any]) -> dict[str, Any]:
        """`values` (read in template order) checked as `inputs._parse_values` checks
        them, in the order they were typed."""
        if len(values) != len(raw):  # an unknown code, or a deduction typed as a value
            raise Fallback
        if not self.required <= values.keys():
            raise Fallback
        for items in self.sheets:  # all or nothing
            n = len(items & values.keys())
            if n and n != len(items):
                raise Fallback
        if len(values) > 1 and list(values) != list(raw):
            values = {code: values[code] for code in raw}
        return values

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

    def one(self, step: Step, value: Any, targets: dict, context: dict) -> tuple[Any, Any]:
        """An indicator's value in any form the plan reads, and its line: per rater,
        or through its reader and scorer (the generated loop's general path)."""
        if type(value) is dict and not step.custom:
            per = self._raters(step, value)
            return per, self._multi(step, per, targets, context)
        value, s = step.take(value, targets, context)
        return value, IndicatorLine(step.code, step.section, s, step.weight, step.rule, {})

    @staticmethod
    def deduction_line(code: str, section: Any, weight: Decimal, deductions: dict) -> Any:
        """A deduction item's line: always there, its weight less what was deducted."""
        deds = deductions.get(code, ())
        lost = ZERO
        for p, _ in deds:  # sum(…, ZERO): added one by one from 0
            lost += p
        detail = {"deductions": [{"points": p, "reason": r} for p, r in deds]}
        return IndicatorLine(code, section, max(ZERO, weight - lost), weight, "deduction", detail)

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

    def _read(self, raw: Any) -> tuple[Inputs, list[IndicatorLine], list, Decimal]:
        """`raw` read and checked as `inputs.parse_inputs` reads it, its indicators
        scored on the way: (inputs, lines, section sums, sum of lines in no section)."""
        if type(raw) is not dict or not raw.keys() <= TOP or "values" not in raw:
            raise Fallback
        readers, get = self.inputs, raw.get
        raw_values = raw["values"]
        if raw_values is None:
            raw_values = {}
        elif type(raw_values) is not dict:
            raise Fallback
        # An absent or empty part is read as the reference reads it, without a call.
        targets = get("targets")
        if targets is None or (type(targets) is dict and not targets):
            targets = {}
        else:
            targets = readers.read_targets(targets)
        deductions = get("deductions")
        if deductions is None or (type(deductions) is dict and not deductions):
            deductions = {}
        else:
            deductions = readers.read_deductions(deductions)
        context = get("context")
        if context is None:
            context = {}
        elif type(context) is not dict:
            raise Fallback
        sums: list = [None] * len(self.sections)
        lines, values, total = self.lines(raw_values, targets, context, deductions, sums)
        falsified = get("falsified", False)
        if type(falsified) is not bool:
            raise Fallback
        inp = Inputs(
            self._checked(raw_values, values),
            targets,
            deductions,
            readers.read_events(get("events")),
            readers.read_late(get("late_steps")),
            falsified,
            read_history(get("history")),
            context,
            readers.read_grade(get("calibrated_grade")),
        )
        return inp, lines, sums, total

    def _adjusted(self, inp: Inputs, running: Decimal) -> tuple[Decimal, list[Adjustment]]:
        """Events, late penalties and falsification (scorer.score_parsed's order and
        arithmetic: the late rates summed from 0 one by one, as `sum` does)."""
        adjustments: list[Adjustment] = []
        add = adjustments.append
        events = inp.events
        if events:
            points = self.events
            for code, n in sorted(events.items()) if len(events) > 1 else events.items():
                if n:
                    pts = points[code] * n
                    running += pts
                    add(Adjustment(code, "points", pts, running))
        late = inp.late_steps
        if late:
            rates = ZERO
            for step, rate in late:
                rates += rate
                keep = ONE - rate
                add(
                    Adjustment(
                        LATE_CODES.get(step) or f"late:{step}", "factor", keep, running * keep
                    )
                )
            factor = max(ZERO, ONE - rates)
            running *= factor
            if len(late) > 1:
                add(Adjustment("late", "factor", factor, running))
        if inp.falsified:
            running *= self.falsification
            add(Adjustment("falsified", "factor", self.falsification, running))
        return running, adjustments

    def run(self, raw: Any) -> Result:
        """Read, check and score `raw`; raises where the reference path must answer."""
        t = self.t
        inp, lines, sums, total = self._read(raw)
        if t.base is not None:
            sections, subtotal = [], t.base
        elif not t.sections:
            sections, subtotal = [], total
        else:
            sections, subtotal = self._sections(sums)
        if inp.events or inp.late_steps or inp.falsified:
            running, adjustments = self._adjusted(inp, subtotal)
        else:
            running, adjustments = subtotal, []
        clamped = max(running, self.floor)
        if self.ceiling is not None:
            clamped = min(clamped, self.ceiling)
        if clamped != running:
            adjustments.append(Adjustment("clamp", "clamp", clamped - running, clamped))
        total = clamped.quantize(TWO, rounding=ROUND_HALF_UP)  # numbers.q2
        for grade in self.grades:  # RoleTemplate.grade_for's half-open bands
            if total >= grade.lower and (grade.upper is None or total < grade.upper):
                break
        else:
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
