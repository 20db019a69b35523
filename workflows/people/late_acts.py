"""What made a step late, as its penalty recorded it: a hand-in, a return, or HR
pushing it on past its deadline (then nobody handed it in). The penalty's lines — the
steps table and the result's explanation — word it from here, so a step pushed on
never reads "handed in"."""

from __future__ import annotations

from dataclasses import dataclass

from engine.appraisals.models import AppraisalStep, LatePenalty, StepSubmission
from engine.org.display import person_name
from workflows.common.labels import ROLES

PUSH, RETURN, SUBMIT = (
    StepSubmission.Kind.PUSH.value,
    StepSubmission.Kind.RETURN.value,
    StepSubmission.Kind.SUBMIT.value,
)


@dataclass(frozen=True)
class LateAct:
    kind: str  # submit, return or push
    by: str = ""  # who pushed the step on (a push only)


def late_act(pen: LatePenalty) -> LateAct:
    """The act the penalty was charged for: the step's submission at the penalty's
    moment, else (a penalty recorded without it) the push of a step HR skipped."""
    acts = list(
        StepSubmission.objects.filter(step_id=pen.source_step_id)
        .select_related("by__employee")
        .order_by("-at", "-pk")
    )
    act = next((s for s in acts if s.at == pen.at), None)
    if act is None and pen.source_step.state == AppraisalStep.State.SKIPPED:
        act = next((s for s in acts if s.kind == PUSH), None)
    if act is None:
        return LateAct(SUBMIT)
    if act.kind == PUSH:
        return LateAct(PUSH, person_name(act.by) if act.by else str(ROLES["hr"]))
    return LateAct(act.kind)
