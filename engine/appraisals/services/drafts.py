"""Drafts: a step's holder saves what they typed without handing it in. The text is
kept as typed (a half-filled form is not yet valid); it is checked when submitted."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction

from engine import clock
from engine.errors import InvalidInput, NotFound
from engine.linebreaks import one_newline

from ..flow import StepFlow, ensure
from ..models import AppraisalStep, StepDraft
from .locks import lock_appraisal

MAX_FIELDS = 300
MAX_KEY = 100
MAX_TEXT = 4000


def checked_draft(fields: Mapping) -> dict[str, str]:
    if not isinstance(fields, Mapping) or len(fields) > MAX_FIELDS:
        raise InvalidInput(f"a draft holds at most {MAX_FIELDS} fields", field="fields", rule="max")
    out = {}
    for key, value in fields.items():
        if not isinstance(key, str) or not 0 < len(key) <= MAX_KEY:
            raise InvalidInput("a field name is missing or too long", field="fields", rule="format")
        if not isinstance(value, str):
            raise InvalidInput("a draft's field holds text", field=key, rule="format")
        value = one_newline(value)  # a line break counts once, as the browser counted it
        if len(value) > MAX_TEXT:
            raise InvalidInput(
                f"at most {MAX_TEXT} characters of text per field", field=key, rule="max"
            )
        out[key] = value
    return out


def step_draft_save(*, actor, appraisal_id: int, step_id: int, fields: Mapping) -> StepDraft:
    """Keep the holder's typed text for their open step (one draft per step, replaced)."""
    clean = checked_draft(fields)
    # Under the appraisal's lock, as a hand-in: a draft saved while the step is being
    # handed in waits, then finds the step done, instead of surviving the hand-in.
    with transaction.atomic():
        a = lock_appraisal(appraisal_id)
        step = AppraisalStep.objects.filter(pk=step_id, appraisal_id=appraisal_id).first()
        if step is None:
            raise NotFound("no such step on this appraisal", field="step", rule="exists")
        ensure(StepFlow(step, a), "complete", actor)
        draft, _ = StepDraft.objects.update_or_create(
            step=step, defaults={"author": actor, "fields": clean, "saved_at": clock.now()}
        )
    return draft
