"""From inputs to the final result, in the order of docs/rulepacks.md, "The template vocabulary"."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .errors import ScoringInputError
from .inputs import Inputs, parse_inputs
from .numbers import ONE, ZERO, q2
from .result import Adjustment, IndicatorLine, Result, SectionLine
from .rules import resolve, score_value
from .template import Indicator, RoleTemplate


def _indicator_score(t: RoleTemplate, ind: Indicator, inp: Inputs) -> IndicatorLine | None:
    where = f"values.{ind.code}"
    if ind.rule == "deduction":
        deds = inp.deductions.get(ind.code, [])
        total = sum((p for p, _ in deds), ZERO)
        detail = {"deductions": [{"points": p, "reason": r} for p, r in deds]}
        return IndicatorLine(
            ind.code, ind.section, max(ZERO, ind.weight - total), ind.weight, ind.rule, detail
        )
    if ind.code not in inp.values:
        return None  # optional and not entered (required ones were refused earlier)
    value = inp.values[ind.code]
    if not (isinstance(value, dict) and ind.rule != "custom"):
        s = score_value(ind, value, inp.targets, inp.context, where)
        return IndicatorLine(ind.code, ind.section, s, ind.weight, ind.rule)
    # Several raters scored this indicator.
    per = {
        r: score_value(ind, v, inp.targets, inp.context, f"{where}.{r}") for r, v in value.items()
    }
    sec = t.section(ind.section)
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


def _sections(t: RoleTemplate, lines: list[IndicatorLine]) -> tuple[list[SectionLine], Decimal]:
    if t.base is not None:
        return [], t.base
    if not t.sections:
        return [], sum((ln.score for ln in lines), ZERO)
    out, subtotal = [], ZERO
    for sec in t.sections:
        mine = [ln for ln in lines if ln.section == sec.code]
        if not mine and sec.optional:
            continue
        raw = sum((ln.score for ln in mine), ZERO)
        score = raw
        if sec.normalise_to is not None:
            raw_max = sum((i.weight for i in t.indicators if i.section == sec.code), ZERO)
            score = raw * sec.normalise_to / raw_max
        out.append(SectionLine(sec.code, raw, score, sec.weight, sec.counts))
        if sec.counts:
            subtotal += score * sec.weight
    return out, subtotal


def score_parsed(t: RoleTemplate, inp: Inputs) -> Result:
    lines = [ln for ind in t.indicators if (ln := _indicator_score(t, ind, inp)) is not None]
    sections, subtotal = _sections(t, lines)
    running = subtotal
    adjustments: list[Adjustment] = []

    for code, n in sorted(inp.events.items()):
        if n:
            pts = t.event(code).points * n
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
        grade = next(g for g in t.grades if g.code == inp.calibrated_grade)
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
    if t.outcomes:
        result.outcomes = resolve(t.outcomes)(result, inp, t)
    return result


def score(t: RoleTemplate, raw_inputs: dict[str, Any]) -> Result:
    """Validate `raw_inputs` (the JSON shape `rulepacks score` reads) and score them."""
    return score_parsed(t, parse_inputs(t, raw_inputs))
