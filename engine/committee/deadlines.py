"""What the deadline sweep does with the committee's tasks: each member gets the same
reminders as for an appraisal step (one working day before and on the due day); at the
due moment an open task is marked overdue once, its holder is told and HR (who formed
the committee) is told besides. Queries over the claimed rows (engine/deadlines/sweep.py)."""

from __future__ import annotations

from django.db import connection

from engine import dialect
from engine.appraisals.models import Appraisal, Cycle
from engine.audit.canonical import normalise, object_sql
from engine.deadlines.sweep import (
    CLAIMED_TABLE,
    NEXT_WORKING_DAY_TEXT,
    StepKind,
    entries_sql,
    holders_sql,
    reminder_day_sql,
)
from engine.org.models import CompanyRole, Employee

from .models import CommitteeTask


def _messages(kind: str, text: str) -> tuple[str, dict]:
    q = connection.ops.quote_name
    due = dialect.date_text("c.due_date")
    said, day = "%(text)s", ""
    if kind == "remind_before":
        said = f"(CASE WHEN {reminder_day_sql()} = 'tomorrow' THEN %(text)s ELSE %(later)s END)"
        day = f", 'day', {reminder_day_sql()}"
    holders = holders_sql(q(CompanyRole._meta.db_table), also="hr" if kind == "overdue" else "")
    select = f"""
        SELECT h.user_id, c.company_id, %(kind)s AS kind,
            {said} || ': ' || e.name || ' ' || cy.period || ' ' || c.code || ', due ' || {due}
                AS message,
            %(kind)s || ':' || c.id || ':' || h.user_id AS key,
            c.appraisal_id,
            {dialect.json_object()}('employee', e.name, 'period', cy.period, 'step', c.code,
                'due', {due}{day}) AS params
        FROM ({holders}) h
        JOIN {CLAIMED_TABLE} c ON c.id = h.id
        JOIN {q(Appraisal._meta.db_table)} a ON a.id = c.appraisal_id
        JOIN {q(Employee._meta.db_table)} e ON e.id = a.employee_id
        JOIN {q(Cycle._meta.db_table)} cy ON cy.id = a.cycle_id
    """
    params = {"kind": f"committee_{kind}", "text": text}
    if kind == "remind_before":
        params["later"] = NEXT_WORKING_DAY_TEXT
    return select, params


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
