"""What the deadline sweep does with the committee's tasks: each member gets the same
reminders as for an appraisal step (one working day before and on the due day); at the
due moment an open task is marked overdue once, its holder is told and HR (who formed
the committee) is told besides. Queries over the claimed rows (engine/deadlines/sweep.py)."""

from __future__ import annotations

from engine import dialect
from engine.appraisals.step_messages import appraisal_step_messages
from engine.audit.canonical import normalise, object_sql
from engine.deadlines.sweep import (
    StepKind,
    entries_sql,
)

from .models import CommitteeTask


def _messages(kind: str, text: str) -> tuple[str, dict]:
    return appraisal_step_messages(
        kind,
        text,
        prefix="committee",
        what="' ' || c.code",
        key="c.id || ':' || h.user_id",
        hr_on_overdue=True,
    )


def _entries(kind: str, now) -> tuple[str, dict]:
    after = object_sql(
        [
            ("step", "code", "text"),
            ("member", "CAST(assignee_id AS text)", "text"),
            ("due_date", dialect.date_text("due_date"), "text"),
            ("escalated_to", "'hr'" if kind == "overdue" else "NULL", "text"),
            ("at", "%(now_text)s", "text"),
        ]
    )
    return (
        entries_sql("appraisals.appraisal", "appraisal_id", after),
        {"kind": f"committee_{kind}", "now_text": normalise(now)},
    )


COMMITTEE_TASKS = StepKind(
    model=CommitteeTask,
    messages=_messages,
    entries=_entries,
    counts={
        "remind_before": "committee_reminders",
        "remind_due": "committee_reminders",
        "overdue": "committee_overdue",
    },
    columns=("appraisal_id",),
)


def committee_steps(sender, **kwargs) -> StepKind:
    """`step_kinds` receiver: the committee's tasks have deadlines."""
    return COMMITTEE_TASKS
