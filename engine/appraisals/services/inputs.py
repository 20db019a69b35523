"""What HR loads into an appraisal besides the chain's entries: system metrics (sales,
response times, …) and pay context."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from engine.errors import Conflict, InvalidInput
from engine.org.selectors import require_hr

from ..entries import entries_count_up, entries_write, entry_check
from ..models import Appraisal
from ..pinned_templates import template_for
from ..targets import check_plausible
from .locks import lock_appraisal
from .publication import republish


def appraisal_set_inputs(
    *, actor, appraisal: Appraisal, system_values: dict | None = None, context: dict | None = None
) -> Appraisal:
    """HR loads system metrics (sales, response times, …) and pay context."""
    require_hr(actor, appraisal.company_id)
    with transaction.atomic():
        a = lock_appraisal(appraisal.pk)
        if a.state != Appraisal.State.IN_PROGRESS:
            raise Conflict(f"the appraisal is {a.state}", field="state", rule="in_progress")
        t = template_for(a)
        clean: dict[str, Any] = {"values": {"system": {}}}
        if system_values:
            if not isinstance(system_values, dict):
                raise InvalidInput("must be an object", field="values", rule="type")
            for code, raw in system_values.items():
                ind = t.indicator(code)
                if ind is None or "system" not in ind.sources:
                    raise InvalidInput(
                        f"{code!r} is not a system metric of {a.role}",
                        field=f"values.{code}",
                        rule="source",
                    )
                entry_check(t, f"values.{code}", raw, f"values.{code}")
                check_plausible(t, code, raw, f"values.{code}", target=False)
                clean["values"]["system"][code] = raw
        if context is not None and not isinstance(context, dict):
            raise InvalidInput("must be an object", field="context", rule="type")
        before = {"context": a.context}
        if context is not None:
            a.context = {**a.context, **context}
        entries_write(
            actor=actor,
            appraisal=a,
            clean=clean,
            by="hr",
            action="inputs",
            also=["context"],
            before=before,
            after={"context": a.context},
        )
    return a


def appraisal_event_record(
    *, actor, appraisal: Appraisal, event: str, reason: str, context: dict | None = None
) -> Appraisal:
    """HR records an event on an appraisal with a written reason — an evaluator who broke
    the scheme, on the evaluator's own appraisal — and the pay context it needs. A
    published or final result is published again as a new version."""
    require_hr(actor, appraisal.company_id)
    if not isinstance(reason, str) or not reason.strip():
        raise InvalidInput("an event needs its written reason", field="reason", rule="required")
    with transaction.atomic():
        a = lock_appraisal(appraisal.pk)
        if a.state in (Appraisal.State.WITHDRAWN, Appraisal.State.EXEMPT):
            raise Conflict(f"the appraisal is {a.state}", field="state", rule="in_progress")
        if template_for(a).event(event) is None:
            raise InvalidInput(f"{a.pack} has no event {event!r}", field="event", rule="unknown")
        if context is not None and not isinstance(context, dict):
            raise InvalidInput("must be an object", field="context", rule="type")
        a.context = {**a.context, **(context or {})}
        entries_count_up(
            actor=actor,
            appraisal=a,
            event=event,
            by="hr",
            action=f"event:{event}",
            reason=reason.strip(),
            also=["context"],
            after={"context": context or {}},
        )
        if a.state in (Appraisal.State.PUBLISHED, Appraisal.State.FINAL):
            republish(
                a,
                actor,
                f"{event}: {reason.strip()}",
                cause={"kind": "event", "event": event, "note": reason.strip()},
                role="hr",
            )
    return a
