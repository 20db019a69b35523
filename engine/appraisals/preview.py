"""The live score preview: what the result would be if this step were handed in now
with these values. Nothing is written; the pure scoring core does the arithmetic, so
the preview and the published result can never disagree. A fixed number of queries,
whatever the size of the company."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from engine import clock
from engine.errors import Conflict, InvalidInput
from engine.scoring import ScoringInputError, score
from engine.scoring.numbers import ZERO, s2, to_decimal
from engine.scoring.rules import parse_deductions, parse_value, score_value

from .completeness import composed
from .entries import (
    entries_copy,
    entries_forget,
    entries_merge,
    raters_of,
    scoring_values,
    validate_entry,
)
from .models import Appraisal, AppraisalStep
from .pinned_templates import template_for
from .services.publication import scoring_inputs


def _line(t, ind, value, targets, context, step_code: str) -> tuple[Any, str | None]:
    """One indicator's score from its entered value(s) and whose value counts ("weighted"
    for a rater-weighted sheet), or (None, None) when it cannot be said yet. As the
    scorer does: a weighted sheet needs every weighted rater; otherwise the last rater
    stands and a self score counts only on the employee's own step (their preview)."""
    try:
        if isinstance(value, dict) and ind.rule != "custom":
            per = {
                r: score_value(ind, parse_value(ind, v, ind.code), targets, context, ind.code)
                for r, v in value.items()
            }
            sec = t.section(ind.section)
            weights = sec.rater_weights if sec else None
            if weights:
                if any(r not in per for r in weights):
                    return None, None
                return s2(sum((weights[r] * per[r] for r in weights), ZERO)), "weighted"
            counted = [r for r in ind.sources if r in per and r != "self"]
            if counted:
                return s2(per[counted[-1]]), counted[-1]
            if step_code == "self" and "self" in per:
                return s2(per["self"]), "self"
            return None, None
        parsed = parse_value(ind, value, ind.code)
        return s2(score_value(ind, parsed, targets, context, ind.code)), ind.sources[0]
    except (ScoringInputError, ZeroDivisionError, ArithmeticError):
        return None, None


def line_factors(t) -> dict[str, Decimal]:
    """What one point of each indicator is worth in the subtotal: its section's weight
    (R&D performance × 0.70), scaled where the section is normalised (ability 110 → 100),
    nothing where the section is reported beside the total (the sales behaviour sheet) or
    the template starts from a base (call agents). Sums of lines become sums of points."""
    if t.base is not None:
        return {ind.code: ZERO for ind in t.indicators}
    if not t.sections:
        return {ind.code: Decimal(1) for ind in t.indicators}
    out = {}
    for ind in t.indicators:
        sec = t.section(ind.section)
        if sec is None or not sec.counts:
            out[ind.code] = ZERO
            continue
        factor = sec.weight
        if sec.normalise_to is not None:
            raw_max = sum((i.weight for i in t.indicators if i.section == sec.code), ZERO)
            factor = factor * sec.normalise_to / raw_max if raw_max else ZERO
        out[ind.code] = factor
    return out


def score_preview(
    *,
    appraisal: Appraisal,
    step: AppraisalStep,
    data: dict,
    invalid: Iterable[str] = (),
    cleared: Iterable[str] = (),
) -> dict[str, Any]:
    """`invalid`: the indicators whose typed value the form refused. Their lines say so
    (never the value stored before, nor another rater's), and no total is given.
    `cleared`: the indicators whose required input this step's holder emptied: they wait
    for a value (the step cannot be handed in so), never scored with the one stored."""
    t = template_for(appraisal)
    invalid = set(invalid)
    try:
        clean = validate_entry(t, step.code, data)
    except InvalidInput as exc:
        return {
            "complete": False,
            "error": {"field": exc.field, "rule": exc.rule},
            "lines": [],
            "so_far": None,
            "still_open": None,
        }
    a = entries_copy(appraisal)  # computed on a copy: a preview never writes
    order = [c.code for c in t.chain]
    mine = raters_of(step.code, order) if step.code in order else {step.code}
    entries_forget(appraisal=a, raters=mine, codes=invalid | set(cleared))
    entries_merge(appraisal=a, clean=clean, by=step.code)
    targets = {k: v for k, v in a.targets.items()}
    values = scoring_values(t, a.values)
    lines = []
    factors = line_factors(t)
    skip = composed(t, a.values)  # an annual composite's items: computed, not entered
    for ind in t.indicators:
        if ind.code in skip:
            continue
        line: dict[str, Any] = {"code": ind.code, "max": s2(ind.weight), "section": ind.section}
        if ind.code in invalid:
            line.update(score=None, invalid=True)
        elif ind.rule == "deduction":
            raw = a.deductions.get(ind.code, [])
            try:
                total = sum((p for p, _ in parse_deductions(ind, raw, ind.code)), ZERO)
                line["score"] = s2(max(ZERO, ind.weight - total))
            except ScoringInputError:
                line["score"] = None
        else:
            value = values.get(ind.code)
            points, by = (None, None)
            if value is not None:
                points, by = _line(t, ind, value, _decimals(targets), a.context, step.code)
            line.update(score=points, counted_by=by)
            weights = (t.section(ind.section) or None) and t.section(ind.section).rater_weights
            if points is None and weights and ind.rule != "custom":
                # a weighted sheet's line waits for every weighted rater: say whose
                given = value if isinstance(value, dict) else {}
                line["waiting_for"] = [r for r in weights if r not in given]
        lines.append(line)
    pen = t.late_penalty(step.code)
    # a return handed in after its due moment made the step late already (routing)
    late = step.rounds == 0 and (step.late or clock.now() > step.due_at) and pen is not None
    scored = [ln for ln in lines if ln["score"] is not None]
    # in points of the subtotal: a line counts by its section's weight (see line_factors)
    counting = [ln for ln in lines if factors[ln["code"]]]
    out: dict[str, Any] = {
        "lines": lines,
        "sections": _sections(t, lines, factors),
        "so_far": s2(sum((Decimal(ln["score"]) * factors[ln["code"]] for ln in scored), ZERO)),
        "still_open": s2(
            sum(
                (
                    Decimal(ln["max"]) * factors[ln["code"]]
                    for ln in counting
                    if ln["score"] is None
                ),
                ZERO,
            )
        ),
        "invalid": sorted(invalid),
        "late": {"step": step.code, "rate": str(pen.rate), "hits": pen.hits} if late else None,
    }
    assumed = _stand_in_for_later_raters(a, t, step.code)
    out["assumed"] = assumed
    if invalid:  # no total from values the form refused
        out.update(complete=False, missing="invalid")
        return out
    try:
        inputs = scoring_inputs(a, t)
        if late and pen.hits == "employee":
            inputs["late_steps"] = [
                *inputs["late_steps"],
                {"step": step.code, "rate": str(pen.rate)},
            ]
        result = score(t, inputs)
    except (ScoringInputError, Conflict, InvalidInput) as exc:
        out.update(complete=False, missing=getattr(exc, "field", None))
        return out
    out.update(
        complete=True,
        total=s2(result.total),
        grade=result.grade,
        subtotal=s2(result.subtotal),
        # what lies between the subtotal and the total (a late penalty's factor):
        # shown wherever the total is, so 90.00 → 86.40 never goes unexplained
        adjustments=[
            {"code": x.code, "kind": x.kind, "value": x.value}
            for x in result.adjustments
            if not (x.kind == "points" and x.value == 0)
        ],
    )
    return out


def _sections(t, lines: list[dict], factors: dict) -> list[dict[str, Any]]:
    """Per section: the points scored so far, its maximum, its weight and whether it
    adds to the subtotal (empty for a template without sections)."""
    out = []
    for sec in t.sections:
        mine = [ln for ln in lines if ln["section"] == sec.code]
        if not mine:
            continue
        scored = [Decimal(ln["score"]) for ln in mine if ln["score"] is not None]
        out.append(
            {
                "code": sec.code,
                "raw": s2(sum(scored, ZERO)) if scored else None,
                "max": s2(sum((Decimal(ln["max"]) for ln in mine), ZERO)),
                "complete": len(scored) == len(mine),
                "weight": str(sec.weight),
                "normalise_to": None if sec.normalise_to is None else s2(sec.normalise_to),
                "counts": sec.counts,
            }
        )
    return out


def _stand_in_for_later_raters(a: Appraisal, t, step_code: str) -> bool:
    """Where a later reviewer has yet to score an item this step scored (the employee's
    self-score before the supervisor's), the preview takes this step's score for theirs:
    the total says what the result would be if they agreed. True when it did so."""
    order = [c.code for c in t.chain]
    if step_code not in order:
        return False
    mine = raters_of(step_code, order)
    later = set().union(*(raters_of(c, order) for c in order[order.index(step_code) + 1 :])) - mine
    stand_in: dict[str, dict[str, Any]] = {}
    for ind in t.indicators:
        given = [r for r in ind.sources if ind.code in a.values.get(r, {})]
        if not given:
            continue
        for rater in ind.sources:
            if rater in later and ind.code not in a.values.get(rater, {}):
                stand_in.setdefault(rater, {})[ind.code] = a.values[given[-1]][ind.code]
    entries_merge(appraisal=a, clean={"values": stand_in}, by=step_code)  # on the copy
    return bool(stand_in)


def _decimals(targets: dict) -> dict:
    out = {}
    for k, v in targets.items():
        try:
            out[k] = to_decimal(v)
        except ValueError:
            continue
    return out


def provisional_score(*, appraisal: Appraisal, step: AppraisalStep) -> dict[str, Any]:
    """The result so far of an appraisal at its open `step`, from what is stored (no
    value typed yet): the step page's preview before anyone types and My team's total
    both come from here, so they can never disagree — the same total, or the same reason
    why there is none yet."""
    return score_preview(appraisal=appraisal, step=step, data={})
