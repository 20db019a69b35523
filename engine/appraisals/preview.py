"""The live score preview: what the result would be if this step were handed in now
with these values. Nothing is written; the pure scoring core does the arithmetic, so
the preview and the published result can never disagree. A fixed number of queries,
whatever the size of the company."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from engine import clock
from engine.errors import Conflict, InvalidInput
from engine.scoring import ScoringInputError, score
from engine.scoring.numbers import ZERO, s2, to_decimal
from engine.scoring.rules import parse_deductions, parse_value, score_value

from .entries import merge_entry, raters_of, scoring_values, validate_entry
from .models import Appraisal, AppraisalStep
from .pinned_templates import template_for
from .services.publication import scoring_inputs


def _line(ind, value, targets, context) -> str | None:
    """One indicator's score from its entered value(s), or None when it cannot be said."""
    try:
        if isinstance(value, dict) and ind.rule != "custom":
            scores = [
                score_value(ind, parse_value(ind, v, ind.code), targets, context, ind.code)
                for r, v in value.items()
                if r != "self" or len(value) == 1
            ]
            return s2(scores[-1]) if scores else None
        parsed = parse_value(ind, value, ind.code)
        return s2(score_value(ind, parsed, targets, context, ind.code))
    except (ScoringInputError, ZeroDivisionError, ArithmeticError):
        return None


def score_preview(*, appraisal: Appraisal, step: AppraisalStep, data: dict) -> dict[str, Any]:
    t = template_for(appraisal)
    try:
        clean = validate_entry(t, step.code, data)
    except InvalidInput as exc:
        return {"complete": False, "error": {"field": exc.field, "rule": exc.rule}, "lines": []}
    a = copy.copy(appraisal)
    a.values = copy.deepcopy(appraisal.values)
    merge_entry(a, clean)
    targets = {k: v for k, v in a.targets.items()}
    values = scoring_values(t, a.values)
    lines = []
    for ind in t.indicators:
        if ind.rule == "deduction":
            raw = a.deductions.get(ind.code, [])
            try:
                total = sum((p for p, _ in parse_deductions(ind, raw, ind.code)), ZERO)
                points = s2(max(ZERO, ind.weight - total))
            except ScoringInputError:
                points = None
            lines.append({"code": ind.code, "score": points, "max": s2(ind.weight)})
            continue
        value = values.get(ind.code)
        points = None if value is None else _line(ind, value, _decimals(targets), a.context)
        lines.append({"code": ind.code, "score": points, "max": s2(ind.weight)})
    pen = t.late_penalty(step.code)
    late = step.rounds == 0 and clock.now() > step.due_at and pen is not None
    scored = [ln for ln in lines if ln["score"] is not None]
    out: dict[str, Any] = {
        "lines": lines,
        "so_far": s2(sum((Decimal(ln["score"]) for ln in scored), ZERO)),
        "still_open": s2(sum((Decimal(ln["max"]) for ln in lines if ln["score"] is None), ZERO)),
        "late": {"step": step.code, "rate": str(pen.rate), "hits": pen.hits} if late else None,
    }
    assumed = _stand_in_for_later_raters(a, t, step.code)
    out["assumed"] = assumed
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


def _stand_in_for_later_raters(a: Appraisal, t, step_code: str) -> bool:
    """Where a later reviewer has yet to score an item this step scored (the employee's
    self-score before the supervisor's), the preview takes this step's score for theirs:
    the total says what the result would be if they agreed. True when it did so."""
    order = [c.code for c in t.chain]
    if step_code not in order:
        return False
    mine = raters_of(step_code, order)
    later = set().union(*(raters_of(c, order) for c in order[order.index(step_code) + 1 :])) - mine
    assumed = False
    for ind in t.indicators:
        given = [r for r in ind.sources if ind.code in a.values.get(r, {})]
        if not given:
            continue
        for rater in ind.sources:
            if rater in later and ind.code not in a.values.get(rater, {}):
                a.values.setdefault(rater, {})[ind.code] = a.values[given[-1]][ind.code]
                assumed = True
    return assumed


def _decimals(targets: dict) -> dict:
    out = {}
    for k, v in targets.items():
        try:
            out[k] = to_decimal(v)
        except ValueError:
            continue
    return out
