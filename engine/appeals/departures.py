"""An appeal step held by someone who leaves goes to the successor HR names, or to
HR itself (the appeal procedure's fallback holder); audited."""

from __future__ import annotations

from engine.audit.services import Entry, record_many

from .models import AppealStep


def appeals_held(user_id: int) -> list[int]:
    """The appraisals whose appeals have a step `user_id` holds: the departure locks
    them before it writes (an appeal's writers all lock its appraisal first)."""
    held = AppealStep.objects.filter(
        assignee_id=user_id, state__in=[AppealStep.State.OPEN, AppealStep.State.PENDING]
    )
    return list(held.values_list("appeal__appraisal_id", flat=True))


def appeal_steps_reassign(*, actor, user, successor=None) -> int:
    steps = list(
        AppealStep.objects.select_for_update().filter(
            assignee=user, state__in=[AppealStep.State.OPEN, AppealStep.State.PENDING]
        )
    )
    for s in steps:
        s.assignee_id, s.holder_role = (successor.pk, "") if successor else (None, "hr")
    AppealStep.objects.bulk_update(steps, ["assignee", "holder_role"])
    if steps:
        record_many(
            company=steps[0].company_id,
            actor=actor,
            role="hr",
            entries=[
                Entry("appeals.appeal", s.appeal_id, f"reassign:{s.code}", reason="holder left")
                for s in steps
            ],
        )
    return len(steps)
