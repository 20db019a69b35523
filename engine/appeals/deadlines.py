"""What the deadline sweep does with an appeal's due steps: the holders get the same
reminders as for an appraisal step; an overdue appeal step is escalated to the GM.
Queries over the claimed steps (engine/deadlines/sweep.py)."""

from __future__ import annotations

from django.db import connection

from engine import dialect
from engine.appraisals.models import Appraisal
from engine.audit.canonical import object_sql
from engine.deadlines.sweep import CLAIMED_TABLE, StepKind, entries_sql, holders_sql
from engine.org.models import CompanyRole, Employee

from .models import Appeal, AppealStep


def _messages(kind: str, text: str) -> tuple[str, dict]:
    q = connection.ops.quote_name
    due = dialect.date_text("c.due_date")
    holders = holders_sql(q(CompanyRole._meta.db_table), also="gm" if kind == "overdue" else "")
    return (
        f"""
        SELECT h.user_id, c.company_id, %(kind)s AS kind,
            %(text)s || ': appeal ' || c.appeal_id || ' ' || c.code || ', due ' || {due}
                AS message,
            %(kind)s || ':' || c.appeal_id || ':' || c.seq AS key,
            CAST(NULL AS bigint) AS appraisal_id,
            {dialect.json_object()}('employee', e.name, 'step', c.code, 'due', {due}) AS params
        FROM ({holders}) h
        JOIN {CLAIMED_TABLE} c ON c.id = h.id
        JOIN {q(Appeal._meta.db_table)} ap ON ap.id = c.appeal_id
        JOIN {q(Appraisal._meta.db_table)} a ON a.id = ap.appraisal_id
        JOIN {q(Employee._meta.db_table)} e ON e.id = a.employee_id
        """,
        {"kind": f"appeal_{kind}", "text": text},
    )


def _entries(kind: str, now) -> tuple[str, dict]:
    after = object_sql(
        [
            ("step", "code", "text"),
            ("due_date", dialect.date_text("due_date"), "text"),
            ("escalated_to", "'gm'" if kind == "overdue" else "NULL", "text"),
        ]
    )
    return (
        entries_sql("appeals.appeal", "appeal_id", after),
        {"kind": f"appeal_{kind}"},
    )


APPEAL_STEPS = StepKind(
    model=AppealStep,
    messages=_messages,
    entries=_entries,
    counts={
        "remind_before": "appeal_reminders",
        "remind_due": "appeal_reminders",
        "overdue": "appeal_overdue",
    },
    columns=("appeal_id",),
)


def appeal_steps(sender, **kwargs) -> StepKind:
    """`step_kinds` receiver: appeal steps have deadlines."""
    return APPEAL_STEPS
