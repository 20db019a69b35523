"""What the deadline sweep does with an appraisal's due steps: tell the holders, and
when a step is overdue, tell the holder's own supervisor (HR for role-held steps or
holders without one), as one digest per recipient and sweep. Queries over the claimed
steps (engine/deadlines/sweep.py), the same on PostgreSQL and SQLite."""

from __future__ import annotations

from django.db import connection

from engine import dialect
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

from .models import Appraisal, AppraisalStep, Cycle
from .services.lifecycle import appraisals_finalise_due
from .step_messages import chain_step_notices, due_text


def _tables() -> dict[str, str]:
    q = connection.ops.quote_name
    return {
        "claimed": CLAIMED_TABLE,
        "appraisal": q(Appraisal._meta.db_table),
        "employee": q(Employee._meta.db_table),
        "cycle": q(Cycle._meta.db_table),
        "role": q(CompanyRole._meta.db_table),
        "json_object": dialect.json_object(),
    }


# One digest per recipient: the holder's supervisor, else every HR of the company. The
# key names the steps it covers, so two sweeps running at once can never swallow each
# other's digest; a head of twenty late reports is told once, ten of them by name.
ESCALATIONS = """
    SELECT to_user AS user_id, company_id, 'step_overdue_escalation' AS kind,
        '下属逾期/Overdue under you (' || count(*) || '): ' || {listed}
            || CASE WHEN count(*) > 10 THEN ' … +' || (count(*) - 10) ELSE '' END AS message,
        'overdue_up:' || substr(jixiao_sha256({steps}), 1, 20) AS key,
        CASE WHEN count(*) = 1 THEN min(appraisal_id) END AS appraisal_id,
        {json_object}('count', count(*), 'names',
            {names} || CASE WHEN count(*) > 10 THEN ' …' ELSE '' END) AS params
    FROM (
        SELECT r.*, e.name,
            row_number() OVER (PARTITION BY to_user, r.company_id ORDER BY r.id) AS n
        FROM (
            SELECT c.*, sup.user_id AS to_user
            FROM {claimed} c
            JOIN {employee} h ON h.user_id = c.assignee_id
            JOIN {employee} sup ON sup.id = h.supervisor_id
            UNION ALL
            SELECT c.*, hr.user_id
            FROM {claimed} c
            JOIN {role} hr ON hr.company_id = c.company_id AND hr.role = 'hr'
            WHERE NOT EXISTS (
                SELECT 1 FROM {employee} h
                WHERE h.user_id = c.assignee_id AND h.supervisor_id IS NOT NULL
            )
        ) r
        JOIN {appraisal} a ON a.id = r.appraisal_id
        JOIN {employee} e ON e.id = a.employee_id
    ) ranked
    GROUP BY to_user, company_id
"""


def _escalations(parts: dict[str, str]) -> str:
    """ESCALATIONS, its lists joined in step order (the first ten by name)."""
    due = dialect.date_text("due_date")
    listed = f"CASE WHEN n <= 10 THEN code || ' #' || appraisal_id || ' (due ' || {due} || ')' END"
    return ESCALATIONS.format(
        **{**parts, "due": due},
        listed=dialect.ordered_concat(listed, "', '", "id"),
        steps=dialect.ordered_concat("appraisal_id || '.' || seq || '.' || rounds", "','", "id"),
        names=dialect.ordered_concat("CASE WHEN n <= 10 THEN name END", "'、'", "id"),
    )


def _messages(kind: str, text: str) -> tuple[str, dict]:
    """A "due tomorrow" reminder says "tomorrow" or "the next working day" by its row,
    as `reminder_day` does (services/notices.py)."""
    said, day = "%(text)s", ""
    if kind == "remind_before":
        said = f"(CASE WHEN {reminder_day_sql()} = 'tomorrow' THEN %(text)s ELSE %(later)s END)"
        day = f", 'day', {reminder_day_sql()}"
    parts = _tables()
    select = chain_step_notices(
        CLAIMED_TABLE, holders_sql(parts["role"]), text=said, occasion=due_text("c"), day=day
    )
    if kind == "overdue":
        select += " UNION ALL " + _escalations(parts)
    params = {"kind": kind, "text": text}
    if kind == "remind_before":
        params["later"] = NEXT_WORKING_DAY_TEXT
    return select, params


def _entries(kind: str, now) -> tuple[str, dict]:
    after = object_sql(
        [
            ("step", "code", "text"),
            ("due_date", dialect.date_text("due_date"), "text"),
            ("at", "%(now_text)s", "text"),
        ]
    )
    return (
        entries_sql("appraisals.appraisal", "appraisal_id", after),
        {"kind": kind, "now_text": normalise(now)},
    )


APPRAISAL_STEPS = StepKind(
    model=AppraisalStep,
    messages=_messages,
    entries=_entries,
    counts={"remind_before": "remind_before", "remind_due": "remind_due", "overdue": "overdue"},
    columns=("appraisal_id",),
)


def appraisal_steps(sender, **kwargs) -> StepKind:
    """`step_kinds` receiver: appraisal steps have deadlines."""
    return APPRAISAL_STEPS


def finalise_due(sender, *, now, **kwargs) -> dict[str, int]:
    """`after_sweep` receiver: the results whose appeal window closed become final."""
    return {"finalised": appraisals_finalise_due()}
