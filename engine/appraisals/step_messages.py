"""Set-based messages about appraisal steps: a chain step's notice to its holders (the
sweep's reminders over its claimed rows, an opening's "please complete" over the
steps it wrote), and the sweep's part for steps that belong to an appraisal but are
not its chain (after the result, 360° raters, committee members): one declaration
(`appraisal_step_kind`) whose messages and audit entries are SQL over the claimed rows
(engine/deadlines/sweep.py), the holder told in the same words as for a chain step.
Here, not in `engine.deadlines`, because it reads the appraisals' tables."""

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

from .models import Appraisal, Cycle

# As `services.notices.step_messages` words a step's notice to its holders.
CHAIN_STEP_NOTICES = """
    SELECT h.user_id, c.company_id, %(kind)s AS kind,
        {text} || ': ' || e.name || ' ' || cy.period || ' ' || c.code || ', due '
            || {due} AS message,
        %(kind)s || ':' || c.appraisal_id || ':' || c.seq || ':' || c.rounds || ':'
            || {occasion} AS key,
        c.appraisal_id,
        {json_object}('employee', e.name, 'period', cy.period, 'step', c.code,
            'holder_role', c.holder_role, 'due', {due}{day}) AS params
    FROM ({holders}) h
    JOIN {steps} c ON c.id = h.id
    JOIN {appraisal} a ON a.id = c.appraisal_id
    JOIN {employee} e ON e.id = a.employee_id
    JOIN {cycle} cy ON cy.id = a.cycle_id
"""


def due_text(steps: str) -> str:
    """A step's due day as its notices say it (YYYY-MM-DD), over the steps `steps`."""
    return dialect.date_text(f"{steps}.due_date")


def chain_step_notices(steps: str, holders: str, *, text: str, occasion: str, day: str = "") -> str:
    """The select `notify_select` reads of the notices of `%(kind)s` to the holders
    `holders` (id, user_id) of the steps `steps` (a table or a subquery, read as `c`):
    "<text>: <employee> <period> <step>, due <day>", keyed by the step, its round and
    `occasion` (SQL: the due day for the sweep's, the moment it opened for an
    opening's, as `services.notices._occasion` keys them); `day` more params."""
    q = connection.ops.quote_name
    return CHAIN_STEP_NOTICES.format(
        steps=steps,
        holders=holders,
        text=text,
        occasion=occasion,
        day=day,
        due=due_text("c"),
        appraisal=q(Appraisal._meta.db_table),
        employee=q(Employee._meta.db_table),
        cycle=q(Cycle._meta.db_table),
        json_object=dialect.json_object(),
    )


def appraisal_step_messages(
    kind: str, text: str, *, prefix: str, what: str, key: str, hr_on_overdue: bool
) -> tuple[str, dict]:
    """(select, params) of the notifications for one sweep `kind` (remind_before,
    remind_due, overdue): to each holder, "<text>: <employee> <period><what>, due <day>",
    of kind `<prefix>_<kind>`, keyed `<prefix>_<kind>:<key>`. `what` and `key` are SQL
    over the claimed row `c` and the holder `h`; HR is told of an overdue step besides
    when `hr_on_overdue`."""
    q = connection.ops.quote_name
    due = dialect.date_text("c.due_date")
    said, day = "%(text)s", ""
    if kind == "remind_before":
        said = f"(CASE WHEN {reminder_day_sql()} = 'tomorrow' THEN %(text)s ELSE %(later)s END)"
        day = f", 'day', {reminder_day_sql()}"
    also = "hr" if hr_on_overdue and kind == "overdue" else ""
    holders = holders_sql(q(CompanyRole._meta.db_table), also=also)
    select = f"""
        SELECT h.user_id, c.company_id, %(kind)s AS kind,
            {said} || ': ' || e.name || ' ' || cy.period || {what} || ', due ' || {due}
                AS message,
            %(kind)s || ':' || {key} AS key,
            c.appraisal_id,
            {dialect.json_object()}('employee', e.name, 'period', cy.period, 'step', c.code,
                'due', {due}{day}) AS params
        FROM ({holders}) h
        JOIN {CLAIMED_TABLE} c ON c.id = h.id
        JOIN {q(Appraisal._meta.db_table)} a ON a.id = c.appraisal_id
        JOIN {q(Employee._meta.db_table)} e ON e.id = a.employee_id
        JOIN {q(Cycle._meta.db_table)} cy ON cy.id = a.cycle_id
    """
    params = {"kind": f"{prefix}_{kind}", "text": text}
    if kind == "remind_before":
        params["later"] = NEXT_WORKING_DAY_TEXT
    return select, params


def appraisal_step_kind(
    *,
    model: type,
    prefix: str,
    what: str,
    key: str,
    hr_on_overdue: bool,
    fields: list[tuple[str, str, str]],
    columns: tuple[str, ...],
) -> StepKind:
    """A step kind attached to an appraisal, declared once: its messages
    (`appraisal_step_messages`), its audit entries on the appraisal — `fields` (name,
    SQL over the step, JSON type) then the due date, whether it went to HR and the
    moment — and its counters, all named `<prefix>_…`."""

    def messages(kind: str, text: str) -> tuple[str, dict]:
        return appraisal_step_messages(
            kind, text, prefix=prefix, what=what, key=key, hr_on_overdue=hr_on_overdue
        )

    def entries(kind: str, now) -> tuple[str, dict]:
        escalated = "'hr'" if kind == "overdue" else "NULL"
        after = object_sql(
            [
                *fields,
                ("due_date", dialect.date_text("due_date"), "text"),
                *([("escalated_to", escalated, "text")] if hr_on_overdue else []),
                ("at", "%(now_text)s", "text"),
            ]
        )
        return (
            entries_sql("appraisals.appraisal", "appraisal_id", after),
            {"kind": f"{prefix}_{kind}", "now_text": normalise(now)},
        )

    reminders = f"{prefix}_reminders"
    return StepKind(
        model=model,
        messages=messages,
        entries=entries,
        counts={
            "remind_before": reminders,
            "remind_due": reminders,
            "overdue": f"{prefix}_overdue",
        },
        columns=columns,
    )
