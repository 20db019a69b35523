"""What the holders of a step are told, in one shape for opening, routing and the sweep."""

from __future__ import annotations

from collections.abc import Iterable

from engine.deadlines.holding import holders_of
from engine.notifications.services import Message

from ..models import AppraisalStep


def step_messages(
    steps: Iterable[AppraisalStep], kind: str, text: str, company_id: int
) -> list[Message]:
    """One message per holder; a role-held step tells every holder of the role."""
    return [
        Message(
            u,
            company_id,
            kind,
            f"{text}: {s.code} (#{s.appraisal_id}), due {s.due_date}",
            f"{kind}:{s.appraisal_id}:{s.seq}:{s.rounds}",
            s.appraisal_id,
        )
        for s, users in holders_of(steps, company_id)
        for u in users
    ]
