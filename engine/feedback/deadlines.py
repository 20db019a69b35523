"""What the deadline sweep does with the raters' tasks: the rater gets the same
reminders as for an appraisal step (the working day before and on the due day); at
the due moment an open task is marked overdue once and its rater told. After the
steps, each round whose due moment passed closes with the answers it has
(`services.round_close`). Queries over the claimed rows (engine/deadlines/sweep.py)."""

from __future__ import annotations

from engine import clock
from engine.appraisals.step_messages import appraisal_step_kind
from engine.deadlines.sweep import StepKind

from .models import FeedbackRound, RaterTask

RATER_STEPS = appraisal_step_kind(
    model=RaterTask,
    prefix="feedback",
    what="' 360'",
    key="c.id",
    hr_on_overdue=False,
    fields=[("user_id", "assignee_id", "number"), ("group", "rater_group", "text")],
    columns=("appraisal_id", "rater_group"),
)


def rater_steps(sender, **kwargs) -> StepKind:
    """`step_kinds` receiver: the raters' tasks have deadlines."""
    return RATER_STEPS


def close_due_rounds(sender, *, now, **kwargs) -> dict[str, int]:
    """`after_sweep` receiver: every open round whose due moment passed closes with
    the answers it has; its aggregate is written when its groups' fewest answers are
    met (services.round_close), once."""
    from .services import round_close

    ids = list(
        FeedbackRound.objects.filter(state=FeedbackRound.State.OPEN, due_at__lt=now)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    closed = sum(1 for pk in ids if round_close(round_id=pk, at=clock.now()))
    return {"feedback_rounds_closed": closed}
