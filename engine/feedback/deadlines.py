"""What the deadline sweep does with the raters' tasks: the rater gets the same
reminders as for an appraisal step (the working day before and on the due day); at
the due moment an open task is marked overdue once and its rater told. After the
steps, each round whose due moment passed closes with the answers it has
(`services.round_close`). Queries over the claimed rows (engine/deadlines/sweep.py)."""

from __future__ import annotations

from django.db import connection

from engine import clock, dialect
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

from .models import FeedbackRound, RaterTask


def _messages(kind: str, text: str) -> tuple[str, dict]:
    q = connection.ops.quote_name
    due = dialect.date_text("c.due_date")
    said, day = "%(text)s", ""
    if kind == "remind_before":
        said = f"(CASE WHEN {reminder_day_sql()} = 'tomorrow' THEN %(text)s ELSE %(later)s END)"
        day = f", 'day', {reminder_day_sql()}"
    holders = holders_sql(q(CompanyRole._meta.db_table))
    select = f"""
        SELECT h.user_id, c.company_id, %(kind)s AS kind,
            {said} || ': ' || e.name || ' ' || cy.period || ' 360, due ' || {due} AS message,
            %(kind)s || ':' || c.id AS key,
            c.appraisal_id,
            {dialect.json_object()}('employee', e.name, 'period', cy.period, 'step', c.code,
                'due', {due}{day}) AS params
        FROM ({holders}) h
        JOIN {CLAIMED_TABLE} c ON c.id = h.id
        JOIN {q(Appraisal._meta.db_table)} a ON a.id = c.appraisal_id
        JOIN {q(Employee._meta.db_table)} e ON e.id = a.employee_id
        JOIN {q(Cycle._meta.db_table)} cy ON cy.id = a.cycle_id
    """
    params = {"kind": f"feedback_{kind}", "text": text}
    if kind == "remind_before":
        params["later"] = NEXT_WORKING_DAY_TEXT
    return select, params


def _entries(kind: str, now) -> tuple[str, dict]:
    after = object_sql(
        [
            ("user_id", "assignee_id", "number"),
            ("group", "rater_group", "text"),
            ("due_date", dialect.date_text("due_date"), "text"),
            ("at", "%(now_text)s", "text"),
        ]
    )
    return (
        entries_sql("appraisals.appraisal", "appraisal_id", after),
        {"kind": f"feedback_{kind}", "now_text": normalise(now)},
    )


RATER_STEPS = StepKind(
    model=RaterTask,
    messages=_messages,
    entries=_entries,
    counts={
        "remind_before": "feedback_reminders",
        "remind_due": "feedback_reminders",
        "overdue": "feedback_overdue",
    },
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
