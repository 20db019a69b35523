"""The gates a step passes before it hands on, asked alike by a single submission, the
GM's bulk approval and the confirmation pages that summarise either."""

from __future__ import annotations

from engine.errors import DomainError, InvalidInput

from ..completeness import refuse_missing
from ..models import Appraisal, AppraisalStep
from ..pinned_templates import template_for
from .publication import check_final_approval


def refuse_empty_self_review(step, clean: dict, comment: str) -> None:
    """A self-review must say something: a value the employee owns or, for roles that
    own none, the written summary of the period."""
    if step.code != "self" or comment:
        return
    if any(clean.get(k) for k in ("values", "deductions", "events")):
        return
    raise InvalidInput(
        "the self-review is empty: give your values or a summary of the period",
        field="comment",
        rule="required",
    )


def approval_refusal(
    a: Appraisal, step: AppraisalStep, stored: dict, *, last: bool
) -> DomainError | None:
    """The one gate before a step hands on, asked by a single approval, the GM's bulk
    approval and its summary alike: the final approval waits for HR's calibration, and
    nothing hands on with the required inputs it owes empty (`stored`: the values with
    the step's entry laid over). None when the step may hand on."""
    try:
        if last:
            check_final_approval(a)
        refuse_missing(template_for(a), stored, step.code)
    except DomainError as exc:
        return exc
    return None


def final_approval_waits(a: Appraisal) -> bool:
    """Whether the final approval, open now, still waits on something its holder cannot
    do (the registered gates: HR's calibration, a team still scoring)."""
    try:
        check_final_approval(a)
    except DomainError:
        return True
    return False


def ready_final_steps(steps) -> list[AppraisalStep]:
    """Of these open steps, the final approvals nothing holds any more."""
    return [s for s in steps if not final_approval_waits(s.appraisal)]
