"""The GM approves a department's ready items at once, after a summary. Each item goes
through the very same `step_submit` as a single approval — its own transaction, the
appraisal's row lock first (then the step, then the audit chain's head), the holder,
the calibration gate and the required inputs checked again under the lock, its own
audit events — so an item approved by a concurrent click is reported as done already,
never approved twice, and one refused item stops nothing else."""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.errors import Conflict, DomainError, InvalidInput

from ..models import AppraisalStep
from .routing import step_submit

MAX_ITEMS = 2000  # one department's month; a larger list is refused, not cut


@dataclass
class BulkApproval:
    approved: list[int] = field(default_factory=list)
    already: list[int] = field(default_factory=list)  # handled by someone else meanwhile
    refused: list[tuple[int, DomainError]] = field(default_factory=list)


def steps_approve(*, actor, appraisal_ids: list[int], step_code: str = "gm") -> BulkApproval:
    """Approve the open `step_code` step of each appraisal listed (the summary the
    approver saw: nothing that became ready since is swept in)."""
    if len(appraisal_ids) > MAX_ITEMS:
        raise InvalidInput(f"at most {MAX_ITEMS} items at once", field="appraisal_ids", rule="max")
    ids = list(dict.fromkeys(appraisal_ids))
    steps = dict(
        AppraisalStep.objects.filter(appraisal_id__in=ids, code=step_code).values_list(
            "appraisal_id", "pk"
        )
    )
    out = BulkApproval()
    for aid in ids:
        sid = steps.get(aid)
        if sid is None:
            out.refused.append((aid, InvalidInput("no such step", field="step", rule="exists")))
            continue
        try:
            step_submit(actor=actor, appraisal_id=aid, step_id=sid, data={}, comment="")
        except Conflict as exc:
            if exc.rule == "open":
                out.already.append(aid)
            else:
                out.refused.append((aid, exc))
        except DomainError as exc:
            out.refused.append((aid, exc))
        else:
            out.approved.append(aid)
    return out
