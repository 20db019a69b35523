"""What a deputy reads when they act for the holder of a step: every text that would
say "you" of the step says on whose behalf they act ("您代 唐涛 退回…"), and after the
act they are told what they did for whom — on their inbox, their next work (they keep
reading the appraisal, engine/appraisals/visibility.py, but have nothing left to do on it)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from engine.appraisals.four_eyes import acting_for
from engine.appraisals.models import Appraisal, AppraisalStep
from engine.org.display import person_name
from workflows.common.labels import step_label


def holder_name(step: AppraisalStep) -> str:
    return person_name(step.assignee)


def acting_for_name(reader, step: AppraisalStep | None) -> str:
    """The name of the holder `reader` acts for on `step` as their deputy ("" when the
    step is the reader's own, or held by a role)."""
    if step is None or acting_for(reader, step) is None:
        return ""
    return holder_name(step)


def deputy_done(a: Appraisal, step: AppraisalStep, action: str, holder: str, *, approval: bool):
    """The deputy's success message: what they did, to whose appraisal, for whom."""
    words = {
        "employee": a.employee.name,
        "step": step_label(step),
        "holder": holder,
    }
    if action == "return":
        return (
            _(
                "On behalf of %(holder)s you returned %(employee)s's %(step)s; it is recorded "
                "as done for them, and they are told."
            )
            % words
        )
    if approval:
        return (
            _(
                "On behalf of %(holder)s you approved %(employee)s's %(step)s; it is recorded "
                "as done for them, and they are told."
            )
            % words
        )
    return (
        _(
            "On behalf of %(holder)s you handed in %(employee)s's %(step)s; it is recorded as "
            "done for them, and they are told."
        )
        % words
    )
