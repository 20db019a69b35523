"""The appeal's decision: rejected changes nothing; upheld applies each correction
with its reason, recomputes the result with the pinned pack version and publishes it
as a new version, then the appeal closes and the appraisal becomes final."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from engine.appraisals.models import Appraisal
from engine.appraisals.pinned_templates import template_for
from engine.appraisals.services import lock_appraisal, publish
from engine.audit.services import record_for
from engine.errors import InvalidInput
from engine.scoring import ScoringInputError
from engine.scoring.rules import parse_deductions, parse_value

from ..models import Appeal, AppealCorrection
from .steps import advance, close, need, open_step


def _apply(a: Appraisal, correction: dict, i: int) -> tuple[str, Any, Any, str]:
    where = f"corrections[{i}]"
    if not isinstance(correction, dict) or set(correction) != {"field", "value", "reason"}:
        raise InvalidInput("each correction is {field, value, reason}", field=where, rule="type")
    field, value = correction["field"], correction["value"]
    reason = correction["reason"]
    if not isinstance(reason, str) or not reason.strip():
        raise InvalidInput(
            "every change needs its reason", field=f"{where}.reason", rule="required"
        )
    kind, _, code = str(field).partition(".")
    t = template_for(a)
    try:
        if kind == "values":
            ind = t.indicator(code)
            if ind is None or ind.rule == "deduction":
                raise InvalidInput(f"no indicator {code!r}", field=f"{where}.field", rule="unknown")
            parse_value(ind, value, f"{where}.value")
            present = [r for r in ind.sources if code in a.values.get(r, {}) and r != "self"]
            rater = (
                present[-1]
                if present
                else next((r for r in reversed(ind.sources) if r != "self"), ind.sources[0])
            )
            before = a.values.get(rater, {}).get(code)
            a.values = {**a.values, rater: {**a.values.get(rater, {}), code: value}}
        elif kind == "events":
            if t.event(code) is None:
                raise InvalidInput(f"no event {code!r}", field=f"{where}.field", rule="unknown")
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise InvalidInput(
                    "must be a whole number, not negative", field=f"{where}.value", rule="min"
                )
            before = a.events.get(code)
            a.events = {**a.events, code: value}
        elif kind == "deductions":
            ind = t.indicator(code)
            if ind is None or ind.rule != "deduction":
                raise InvalidInput(
                    f"no deduction item {code!r}", field=f"{where}.field", rule="unknown"
                )
            parse_deductions(ind, value, f"{where}.value")
            before = a.deductions.get(code)
            a.deductions = {**a.deductions, code: value}
        else:
            raise InvalidInput(
                "field is values.<code>, events.<code> or deductions.<code>",
                field=f"{where}.field",
                rule="format",
            )
    except ScoringInputError as exc:
        raise InvalidInput(exc.message, field=exc.field, rule=exc.rule) from exc
    return field, before, value, reason.strip()


def appeal_decide(
    *, actor, appeal_id: int, upheld: bool, reason: str, corrections: list[dict] | None = None
) -> Appeal:
    """The last step's decision is final. Upheld: the corrections are applied, the
    result is recomputed by the pinned pack version and published as a new version."""
    reason = need(reason, "reason")
    corrections = corrections or []
    if upheld and not corrections:
        raise InvalidInput(
            "an upheld appeal corrects at least one item", field="corrections", rule="required"
        )
    if not upheld and corrections:
        raise InvalidInput("a rejected appeal changes nothing", field="corrections", rule="empty")
    with transaction.atomic():
        appeal, step = open_step(appeal_id, "decision", actor)
        advance(appeal, step, actor, reason)
        if upheld:
            a = lock_appraisal(appeal.appraisal_id)
            applied = [_apply(a, c, i) for i, c in enumerate(corrections)]
            a.save(update_fields=["values", "events", "deductions"])
            AppealCorrection.objects.bulk_create(
                [
                    AppealCorrection(appeal=appeal, field=f, before=b, after=v, reason=r)
                    for f, b, v, r in applied
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
                    "corrections": [
                        {"field": f, "before": b, "after": v, "reason": r} for f, b, v, r in applied
                    ],
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
