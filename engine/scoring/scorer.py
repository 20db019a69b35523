"""From inputs to the final result, in the order of docs/rulepacks.md, "The template vocabulary"."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .annual import compose, covered
from .errors import ScoringInputError
from .inputs import Inputs, parse_inputs
from .numbers import ONE, ZERO, q2
from .plan import plan_for
from .result import Adjustment, IndicatorLine, Result, SectionLine
from .rules import SCORERS, resolve, score_value
from .template import Indicator, RoleTemplate


def _indicator_score(t: RoleTemplate, ind: Indicator, inp: Inputs) -> IndicatorLine | None:
    rule = ind.rule
    if rule == "deduction":
        deds = inp.deductions.get(ind.code, [])
        total = sum((p for p, _ in deds), ZERO)
        detail = {"deductions": [{"points": p, "reason": r} for p, r in deds]}
        return IndicatorLine(
            ind.code, ind.section, max(ZERO, ind.weight - total), ind.weight, rule, detail
        )
    value = inp.values.get(ind.code, _ABSENT)
    if value is _ABSENT:
        return None  # optional and not entered (required ones were refused earlier)
    if rule == "custom" or not isinstance(value, dict):
        scorer = SCORERS.get(rule)
        if scorer is None:  # a template is validated first; this is the scoring core's guard
            raise ScoringInputError(f"values.{ind.code}", "rule", f"unknown rule {rule!r}")
        s = scorer(ind, value, inp.targets, inp.context, f"values.{ind.code}")
        return IndicatorLine(ind.code, ind.section, s, ind.weight, rule)
    where = f"values.{ind.code}"
    # Several raters scored this indicator.
    per = {
        r: score_value(ind, v, inp.targets, inp.context, f"{where}.{r}") for r, v in value.items()
    }
    sec = t.index().section_of[ind.code]
    weights = sec.rater_weights if sec else None
    if weights:
        missing = [r for r in weights if r not in per]
        if missing and sec.optional:
            # An optional sheet (sales behaviour, reported beside the total) is reported
            # only when every weighted rater scored it: an employee who skipped it
            # leaves it out, whatever the reviewers entered afterwards.
            return None
        if missing:
            raise ScoringInputError(
                f"{where}.{missing[0]}", "required", "every weighted rater must score"
            )
        s = sum((weights[r] * per[r] for r in weights), ZERO)
        return IndicatorLine(
            ind.code, ind.section, s, ind.weight, ind.rule, {"raters": per, "weights": weights}
        )
    # No weights: the last rater in the chain stands; a self score never counts.
    counted = [r for r in ind.sources if r in per and r != "self"]
    if not counted:
        raise ScoringInputError(
            f"{where}", "rater", "a reviewer's score is needed; self scores do not count"
        )
    s = per[counted[-1]]
    return IndicatorLine(
        ind.code, ind.section, s, ind.weight, ind.rule, {"raters": per, "counted": counted[-1]}
    )


_ABSENT = object()


def _sections(t: RoleTemplate, lines: list[IndicatorLine]) -> tuple[list[SectionLine], Decimal]:
    if t.base is not None:
        return [], t.base
    if not t.sections:
        return [], sum((ln.score for ln in lines), ZERO)
    out, subtotal = [], ZERO
    by_section: dict[str | None, list[Decimal]] = {}
    for ln in lines:
        by_section.setdefault(ln.section, []).append(ln.score)
    section_max = t.index().section_max
    for sec in t.sections:
        mine = by_section.get(sec.code)
        if not mine and sec.optional:
            continue
        raw = sum(mine, ZERO) if mine else ZERO
        score = raw
        if sec.normalise_to is not None:
            score = raw * sec.normalise_to / section_max[sec.code]
        out.append(SectionLine(sec.code, raw, score, sec.weight, sec.counts))
        if sec.counts:
            subtotal += score * sec.weight
    return out, subtotal


def _plan(t: RoleTemplate) -> tuple:
    """Per indicator, what its line needs, looked up once per template."""
    derived = t.index().derived
    plan = derived.get("scorer")
    if plan is None:
        plan = derived["scorer"] = tuple(
            (ind, ind.code, ind.section, ind.weight, ind.rule, SCORERS.get(ind.rule))
            for ind in t.indicators
        )
    return plan


def _lines(t: RoleTemplate, inp: Inputs) -> list[IndicatorLine]:
    values, targets, context = inp.values, inp.targets, inp.context
    lines = []
    for ind, code, section, weight, rule, scorer in _plan(t):
        if rule != "deduction":
            value = values.get(code, _ABSENT)
            if value is _ABSENT:
                continue  # optional and not entered (required ones were refused earlier)
            if scorer is not None and (rule == "custom" or type(value) is not dict):
                s = scorer(ind, value, targets, context, f"values.{code}")
                lines.append(IndicatorLine(code, section, s, weight, rule))
                continue
        # Deductions, several raters, or a rule the core does not know (refused there).
        if (ln := _indicator_score(t, ind, inp)) is not None:
            lines.append(ln)
    return lines


def _annual(t: RoleTemplate, inp: Inputs, lines: list[IndicatorLine]):
    """An annual appraisal: the composite of the year's periods stands for the covered
    indicators — the whole subtotal, or the rule's sections (the others scored here)."""
    ai = inp.annual
    weights = {s.code: s.weight for s in t.sections}
    comp = compose(ai, weights)
    if not ai.rule.sections:
        return [], comp.total, comp
    own, subtotal = _sections(t, lines)
    from_periods = set(ai.rule.sections)
    out = []
    for sec in t.sections:
        if sec.code in from_periods:
            mean = comp.sections[sec.code]
            out.append(SectionLine(sec.code, mean, mean, sec.weight, sec.counts))
            if sec.counts:
                subtotal += mean * sec.weight
        else:
            out.extend(s for s in own if s.code == sec.code)
    return out, subtotal, comp


def _annual_meta(inp: Inputs, comp) -> dict[str, Any]:
    rule = inp.annual.rule
    return {
        "rule": rule.code,
        "year": inp.annual.year,
        "kind": inp.annual.kind,
        "missing": rule.missing,
        **({"missing_value": str(rule.missing_value)} if rule.missing_value is not None else {}),
        "min_periods": rule.minimum(inp.annual.kind),
        "counted": comp.counted,
        "expected": comp.expected,
        "sections": list(rule.sections),
        "composite": str(comp.total),
    }


def score_parsed(t: RoleTemplate, inp: Inputs) -> Result:
    lines = _lines(t, inp)
    comp = None
    if inp.annual is not None:
        skip = covered(inp.annual, t.indicators)
        lines = [ln for ln in lines if ln.code not in skip]
        sections, subtotal, comp = _annual(t, inp, lines)
    else:
        sections, subtotal = _sections(t, lines)
    running = subtotal
    adjustments: list[Adjustment] = []

    events = t.index().events
    for code, n in sorted(inp.events.items()):
        if n:
            pts = events[code].points * n
            running += pts
            adjustments.append(Adjustment(code, "points", pts, running))

    if inp.late_steps:
        rates = []
        for step, rate in inp.late_steps:
            rates.append(rate)
            adjustments.append(
                Adjustment(f"late:{step}", "factor", ONE - rate, running * (ONE - rate))
            )
        # Penalties of one appraisal add up: two 10% penalties give × 0.80.
        factor = max(ZERO, ONE - sum(rates, ZERO))
        running *= factor
        if len(rates) > 1:
            adjustments.append(Adjustment("late", "factor", factor, running))

    if inp.falsified:
        running *= t.falsification_factor
        adjustments.append(Adjustment("falsified", "factor", t.falsification_factor, running))

    clamped = max(running, t.floor)
    if t.ceiling is not None:
        clamped = min(clamped, t.ceiling)
    if clamped != running:
        adjustments.append(Adjustment("clamp", "clamp", clamped - running, clamped))

    total = q2(clamped)
    grade = t.grade_for(total)
    calibrated_from = None
    if inp.calibrated_grade and inp.calibrated_grade != grade.code:
        calibrated_from = grade.code
        grade = t.index().grade_codes[inp.calibrated_grade]
    result = Result(
        pack=t.pack,
        version=t.version,
        role=t.role,
        indicators=lines,
        sections=sections,
        subtotal=subtotal,
        adjustments=adjustments,
        total=total,
        grade=grade.code,
        coefficient=grade.coefficient,
        calibrated_from=calibrated_from,
    )
    if comp is not None:
        result.periods = comp.lines
        result.annual = _annual_meta(inp, comp)
    if t.outcomes:
        result.outcomes = resolve(t.outcomes)(result, inp, t)
    return result


def score(t: RoleTemplate, raw_inputs: dict[str, Any]) -> Result:
    """Validate `raw_inputs` (the JSON shape `rulepacks score` reads) and score them.

    Through the template's compiled plan (engine/scoring/plan.py) when it reads the
    input; anything it does not read, valid or not, is scored or refused by the
    reference path, `score_reference`, which defines the result and its errors."""
    try:
        plan = t.__dict__["_index"].derived["plan"]  # plan_for(t), once built
    except KeyError:
        plan = plan_for(t)
    if plan is not None:
        try:
            return plan.run(raw_inputs)
        except Exception:  # noqa: S110 (the reference path answers, or says why not)
            pass
    return score_reference(t, raw_inputs)


def score_reference(t: RoleTemplate, raw_inputs: dict[str, Any]) -> Result:
    """Validate and score step by step (`parse_inputs`, then `score_parsed`): the
    definition the compiled plan is held to."""
    return score_parsed(t, parse_inputs(t, raw_inputs))
