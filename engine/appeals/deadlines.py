"""What the deadline sweep does with an appeal's due steps: the holders get the same
reminders as for an appraisal step; an overdue appeal step is escalated to the GM."""

from __future__ import annotations

from engine.audit.services import Entry
from engine.deadlines.holding import holders_of
from engine.deadlines.sweep import StepKind
from engine.notifications.services import Message
from engine.org.selectors import role_user_ids

from .models import Appeal, AppealStep


def _messages(kind: str, text: str, steps: list, company_id: int) -> list[Message]:
    gm = role_user_ids(company_id, ["gm"]).get("gm", []) if kind == "overdue" else []
    names = dict(
        Appeal.objects.filter(pk__in={s.appeal_id for s in steps}).values_list(
            "pk", "appraisal__employee__name"
        )
    )
    return [
        Message(
            u,
            company_id,
            f"appeal_{kind}",
            f"{text}: appeal {s.appeal_id} {s.code}, due {s.due_date}",
            f"appeal_{kind}:{s.appeal_id}:{s.seq}",
            None,
            {"employee": names.get(s.appeal_id, ""), "step": s.code, "due": s.due_date.isoformat()},
        )
        for s, users in holders_of(steps, company_id)
        for u in users + gm
    ]


def _entries(kind: str, steps: list, now) -> list[Entry]:
    return [
        Entry(
            "appeals.appeal",
            s.appeal_id,
            f"appeal_{kind}",
            after={
                "step": s.code,
                "due_date": s.due_date,
                "escalated_to": "gm" if kind == "overdue" else None,
            },
        )
        for s in steps
    ]


APPEAL_STEPS = StepKind(
    model=AppealStep,
    messages=_messages,
    entries=_entries,
    counts={
        "remind_before": "appeal_reminders",
        "remind_due": "appeal_reminders",
        "overdue": "appeal_overdue",
    },
)
