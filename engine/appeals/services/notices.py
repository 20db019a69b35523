"""What the holders of an appeal step are told."""

from __future__ import annotations

from engine.deadlines.holding import holders_of
from engine.notifications.services import Message, notify_many

from ..models import Appeal, AppealStep


def tell_holders(appeal: Appeal, step: AppealStep) -> None:
    """Everyone who holds the step, never the person who filed the appeal."""
    ((_, users),) = holders_of([step], appeal.company_id)
    notify_many(
        [
            Message(
                u,
                appeal.company_id,
                "appeal_step",
                f"申诉待处理/Appeal to handle: {step.code} "
                f"(#{appeal.appraisal_id}), due {step.due_date}",
                f"appeal:{appeal.pk}:{step.seq}",
                appeal.appraisal_id,
                {
                    "employee": appeal.appraisal.employee.name,
                    "step": step.code,
                    "due": step.due_date.isoformat(),
                },
            )
            for u in users
            if u != appeal.filed_by_id
        ]
    )


def tell_appellant(appeal: Appeal, step: AppealStep) -> None:
    """The person who appealed follows it step by step, not only at its close."""
    a = appeal.appraisal
    notify_many(
        [
            Message(
                appeal.filed_by_id,
                appeal.company_id,
                "appeal_moved",
                f"申诉进展/Your appeal moved on: {step.code}, due {step.due_date}",
                f"appeal_moved:{appeal.pk}:{step.seq}",
                appeal.appraisal_id,
                {"period": a.cycle.period, "step": step.code, "due": step.due_date.isoformat()},
            )
        ]
    )
