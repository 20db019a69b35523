"""A late step's penalty (workflow.md §4): once per step, on the appraisal the pack
names, audited, and a published reviewer's result published again with it."""

from __future__ import annotations

from engine.audit.services import record
from engine.scoring import RoleTemplate

from ..models import Appraisal, AppraisalStep, LatePenalty
from .locks import lock_appraisal
from .publication import publish


def penalise(
    appraisal: Appraisal, step: AppraisalStep, t: RoleTemplate, reviewer_user_id: int | None, now
) -> None:
    """Once per step, on the appraisal the pack names: the employee's own for a late
    self-review, the reviewer's own appraisal of the same cycle for a late review."""
    pen = t.late_penalty(step.code)
    if pen is None or LatePenalty.objects.filter(source_step=step).exists():
        return
    if pen.hits == "employee":
        target = appraisal
    else:
        target = (
            Appraisal.objects.filter(
                cycle_id=appraisal.cycle_id, employee__user_id=reviewer_user_id
            )
            .exclude(state__in=[Appraisal.State.WITHDRAWN, Appraisal.State.EXEMPT])
            .first()
            if reviewer_user_id
            else None
        )
    LatePenalty.objects.create(
        source_step=step,
        target=target,
        cycle_id=appraisal.cycle_id,
        step_code=step.code,
        hits=pen.hits,
        rate=pen.rate,
        due_at=step.due_at,  # the moment missed: a later return moves the step's own
        at=now,
    )
    record(
        company=appraisal.company_id,
        actor=None,
        role="system",
        action="late_penalty",
        object_type="appraisals.appraisal",
        object_id=target.pk if target else "",
        after={
            "source_appraisal": appraisal.pk,
            "step": step.code,
            "rate": pen.rate,
            "hits": pen.hits,
            "reviewer_user": reviewer_user_id,
            "due_at": step.due_at,
            "acted_at": step.first_acted_at,
        },
    )
    if (
        target is not None
        and target.pk != appraisal.pk
        and target.state == Appraisal.State.PUBLISHED
    ):
        publish(
            lock_appraisal(target.pk),
            None,
            role="system",
            reason=f"late {step.code} penalty",
            republish=True,
            cause={"kind": "late_penalty", "step": step.code},
        )
