"""The GM approves a department's ready items at once, after a summary. Each item goes
through the very same `step_submit` as a single approval — its own transaction, the
appraisal's row lock first (then the step, then the audit chain's head), the holder,
the calibration gate and the required inputs checked again under the lock, its own
audit events — so an item approved by a concurrent click is reported as done already,
never approved twice, and one refused item stops nothing else. Only a step that needs
nothing from its holder is approved this way: one with scores or deductions of its own
(`completeness.own_inputs`) is refused, named, to be opened one by one."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Max

from engine.errors import Conflict, DomainError, InvalidInput

from ..completeness import refuse_own_inputs
from ..models import AppraisalStep
from ..pinned_templates import template_for
from .gates import approval_refusal
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
    steps = {
        s.appraisal_id: s
        for s in AppraisalStep.objects.filter(appraisal_id__in=ids, code=step_code).select_related(
            "appraisal"
        )
    }
    last = dict(
        AppraisalStep.objects.filter(appraisal_id__in=ids)
        .values("appraisal_id")
        .annotate(m=Max("seq"))
        .values_list("appraisal_id", "m")
    )
    out = BulkApproval()
    for aid in ids:
        s = steps.get(aid)
        if s is None:
            out.refused.append((aid, InvalidInput("no such step", field="step", rule="exists")))
            continue
        sid = s.pk
        if s.state == AppraisalStep.State.PENDING:
            # not handled by anyone: the appraisal has not reached this step yet (an
            # id posted that the summary never listed)
            out.refused.append(
                (
                    aid,
                    Conflict("the appraisal is not at this step yet", field="step", rule="not_yet"),
                )
            )
            continue
        # The same gate as a single approval, asked before anything is attempted: an
        # item not ready (inputs empty, calibration unconfirmed) is skipped, named.
        if s.state == AppraisalStep.State.OPEN:
            refusal = approval_refusal(s.appraisal, s, s.appraisal.values, last=last[aid] == s.seq)
            if refusal is not None:
                out.refused.append((aid, refusal))
                continue
            # A step with scores or deductions of its own (the GM evaluating the head of
            # finance) is never approved unseen: its holder opens it, one by one.
            try:
                refuse_own_inputs(template_for(s.appraisal), s.appraisal.values, s.code)
            except InvalidInput as exc:
                out.refused.append((aid, exc))
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
