"""What the deadline sweep does with the committee's tasks: each member gets the same
reminders as for an appraisal step (one working day before and on the due day); at the
due moment an open task is marked overdue once, its holder is told and HR (who formed
the committee) is told besides. Queries over the claimed rows (engine/deadlines/sweep.py)."""

from __future__ import annotations

from engine.appraisals.step_messages import appraisal_step_kind
from engine.deadlines.sweep import StepKind

from .models import CommitteeTask

COMMITTEE_TASKS = appraisal_step_kind(
    model=CommitteeTask,
    prefix="committee",
    what="' ' || c.code",
    key="c.id || ':' || h.user_id",
    hr_on_overdue=True,
    fields=[("step", "code", "text"), ("member", "CAST(assignee_id AS text)", "text")],
    columns=("appraisal_id",),
)


def committee_steps(sender, **kwargs) -> StepKind:
    """`step_kinds` receiver: the committee's tasks have deadlines."""
    return COMMITTEE_TASKS
