"""The appeal's decision: rejected changes nothing; upheld applies each correction
with its reason — only to what the employee contested, the grade itself when the
grade was contested — recomputes the result with the pinned pack version and publishes
it as a new version, then the appeal closes and the appraisal becomes final.

`appeal_decision_problems` checks a whole decision and names every problem, so the
page can show them all at once; `appeal_decide` checks again under the lock."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from engine.appraisals.entries import (
    entries_copy,
    entries_merge,
    entries_save,
    entry_check,
    entry_of,
)
from engine.appraisals.models import Appraisal
from engine.appraisals.pinned_templates import template_for
from engine.appraisals.services import lock_appraisal, publish
from engine.appraisals.services.publication import appraisal_score, fitted_grade
from engine.audit.services import record_for
from engine.errors import InvalidInput
from engine.scoring import ScoringInputError
from engine.scoring.template import RoleTemplate

from ..items import GRADE, correctable
from ..models import Appeal, AppealCorrection
from .steps import advance, close, need, open_step


def _rater(ind, a: Appraisal) -> str:
    """Whose value of the indicator counts: the last rater who entered it, never self."""
    present = [r for r in ind.sources if ind.code in a.values.get(r, {}) and r != "self"]
    if present:
        return present[-1]
    return next((r for r in reversed(ind.sources) if r != "self"), ind.sources[0])


def _whose(t: RoleTemplate, a: Appraisal, field: str) -> str:
    """The rater of a corrected value; "" for a deduction or an event (nobody's slot)."""
    kind, _dot, code = field.partition(".")
    return _rater(t.indicator(code), a) if kind == "values" else ""


def _before(t: RoleTemplate, a: Appraisal, field: str) -> Any:
    if field == GRADE:
        return a.calibrated_grade or a.grade
    return entry_of(a, item=field, rater=_whose(t, a, field))


def _check_value(t: RoleTemplate, a: Appraisal, field: str, value, where: str) -> None:
    if field != GRADE:
        entry_check(t, field, value, where)  # the scoring core's parser, as every edge
        return
    if value not in {g.code for g in t.grades}:
        raise InvalidInput("choose one of the grades", field=where, rule="choices")
    if value == (a.calibrated_grade or a.grade):
        raise InvalidInput(
            "the corrected grade is the grade already published",
            field=where,
            rule="unchanged",
        )


def _read(t: RoleTemplate, a: Appraisal, allowed: list[str], c, i: int) -> list[InvalidInput]:
    """Every problem of one correction (its item, its value, its reason)."""
    where = f"corrections[{i}]"
    if not isinstance(c, dict) or set(c) != {"field", "value", "reason"}:
        return [InvalidInput("each correction is {field, value, reason}", field=where, rule="type")]
    out = []
    field = str(c["field"])
    if field not in allowed:
        out.append(
            InvalidInput(
                f"only a contested item is corrected: one of {allowed}",
                field=f"{where}.field",
                rule="contested",
            )
        )
    else:
        try:
            _check_value(t, a, field, c["value"], f"{where}.value")
        except InvalidInput as exc:
            out.append(exc)
    if not isinstance(c["reason"], str) or not c["reason"].strip():
        out.append(
            InvalidInput("every change needs its reason", field=f"{where}.reason", rule="required")
        )
    return out


def appeal_decision_problems(
    *, appeal: Appeal, upheld: bool, reason: str, corrections: list[dict] | None = None
) -> list[InvalidInput]:
    """Every reason the decision would be refused, none of them written (a read: the
    page shows them all at once, each at its field)."""
    corrections = corrections or []
    out = []
    try:
        need(reason, "reason")
    except InvalidInput as exc:
        out.append(exc)
    if upheld and not corrections:
        out.append(
            InvalidInput(
                "an upheld appeal corrects at least one contested item",
                field="corrections",
                rule="required",
            )
        )
    if not upheld and corrections:
        out.append(
            InvalidInput("a rejected appeal changes nothing", field="corrections", rule="empty")
        )
    if upheld:
        a = appeal.appraisal
        t = template_for(a)
        allowed = correctable(t, appeal.items, a.result)
        fields = [c.get("field") for c in corrections if isinstance(c, dict)]
        for i, c in enumerate(corrections):
            out += _read(t, a, allowed, c, i)
            if isinstance(c, dict) and fields.count(c.get("field")) > 1:
                out.append(
                    InvalidInput(
                        "each item is corrected once", field=f"corrections[{i}].field", rule="once"
                    )
                )
    return out


def _apply(t: RoleTemplate, a: Appraisal, c: dict) -> dict[str, Any]:
    """One correction applied in memory: {field, rater, before, after, reason}; the
    entry itself through the one writer of entries (`entries_merge`)."""
    field, value = str(c["field"]), c["value"]
    out = {"field": field, "before": _before(t, a, field), "after": value}
    kind, _dot, code = field.partition(".")
    if field == GRADE:
        natural = t.grade_for(a.total).code if a.total is not None else ""
        a.calibrated_grade = "" if value == natural else value
    else:
        rater = _whose(t, a, field)
        clean = {"values": {rater: {code: value}}} if kind == "values" else {kind: {code: value}}
        entries_merge(appraisal=a, clean=clean, by="hr")
        out["rater"] = rater or "hr"
    return {**out, "reason": c["reason"].strip()}


def appeal_decision_preview(*, appeal: Appeal, corrections: list[dict]) -> dict | None:
    """The total and grade the upheld decision would publish, computed as the
    publication computes them (the pinned pack, the confirmed grade caps) on a copy of
    the appraisal: nothing is saved. None when the corrections cannot be scored (the
    decision itself says why)."""
    a = entries_copy(appeal.appraisal)
    t = template_for(a)
    try:
        for c in corrections:
            _apply(t, a, {**c, "reason": str(c.get("reason", ""))})
        result = appraisal_score(a)
    except (InvalidInput, ScoringInputError, KeyError, ValueError, TypeError):
        return None
    grade = fitted_grade(a, result.grade)
    return {
        "total_before": appeal.appraisal.total,
        "grade_before": appeal.appraisal.grade,
        "total": result.total,
        "grade": grade or result.grade,
    }


def appeal_decide(
    *, actor, appeal_id: int, upheld: bool, reason: str, corrections: list[dict] | None = None
) -> Appeal:
    """The last step's decision is final. Upheld: the corrections (a contested line's
    value, or the grade when the grade was contested) are applied, the result is
    recomputed by the pinned pack version and published as a new version."""
    corrections = corrections or []
    with transaction.atomic():
        appeal, step = open_step(appeal_id, "decision", actor)
        a = lock_appraisal(appeal.appraisal_id)
        appeal.appraisal = a
        problems = appeal_decision_problems(
            appeal=appeal, upheld=upheld, reason=reason, corrections=corrections
        )
        if problems:
            raise problems[0]
        reason = reason.strip()
        advance(appeal, step, actor, reason)
        if upheld:
            t = template_for(a)
            applied = [_apply(t, a, c) for c in corrections]
            entries_save(appraisal=a, also=["calibrated_grade"])
            AppealCorrection.objects.bulk_create(
                [
                    AppealCorrection(
                        appeal=appeal,
                        field=c["field"],
                        before=c["before"],
                        after=c["after"],
                        reason=c["reason"],
                    )
                    for c in applied
                ]
            )
            publish(
                a,
                actor,
                role="hr",
                reason=f"appeal {appeal.pk} upheld: {reason}",
                republish=True,
                cause={"kind": "appeal_upheld", "note": reason},
            )
            appeal.version_after = a.result_version
            record_for(
                appeal,
                actor=actor,
                role="hr",
                action="appeal_decision",
                reason=reason,
                after={
                    "upheld": True,
                    "corrections": applied,
                    "version": a.result_version,
                    "total": a.total,
                    "grade": a.grade,
                },
            )
            close(appeal, actor, Appeal.Outcome.UPHELD, reason)
        else:
            record_for(
                appeal,
                actor=actor,
                role="hr",
                action="appeal_decision",
                reason=reason,
                after={"upheld": False},
            )
            close(appeal, actor, Appeal.Outcome.REJECTED, reason)
    return appeal
