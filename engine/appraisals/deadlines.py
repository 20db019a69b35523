"""What the deadline sweep does with an appraisal's due steps: tell the holders, and
when a step is overdue, tell the holder's own supervisor (HR for role-held steps or
holders without one), as one digest per recipient and sweep."""

from __future__ import annotations

import hashlib
import json

from django.db import connection

from engine.audit.canonical import normalise
from engine.audit.services import Entry
from engine.deadlines.sweep import (
    CLAIMED_TABLE,
    NEXT_WORKING_DAY_TEXT,
    REMINDER_DAY_SQL,
    SetBased,
    StepKind,
)
from engine.notifications.services import Message
from engine.org.models import CompanyRole, Employee
from engine.org.selectors import role_user_ids

from .models import Appraisal, AppraisalStep, Cycle
from .services.lifecycle import appraisals_finalise_due
from .services.notices import step_messages


def _escalation_messages(steps: list[AppraisalStep], company_id: int) -> list[Message]:
    holders = {s.assignee_id for s in steps if s.assignee_id}
    sup_of = dict(
        Employee.objects.filter(user_id__in=holders, supervisor__isnull=False).values_list(
            "user_id", "supervisor__user_id"
        )
    )
    hr = role_user_ids(company_id, ["hr"]).get("hr", [])
    # One digest per recipient and sweep, not one message per overdue step: a head of
    # twenty late reports is told once. The key names the steps it covers, so two
    # sweeps running at once can never swallow each other's digest.
    per_user: dict[int, list[AppraisalStep]] = {}
    for s in steps:
        for u in [sup_of[s.assignee_id]] if s.assignee_id in sup_of else hr:
            per_user.setdefault(u, []).append(s)
    names = dict(
        Appraisal.objects.filter(pk__in={s.appraisal_id for s in steps}).values_list(
            "pk", "employee__name"
        )
    )
    out = []
    for u, mine in per_user.items():
        listed = ", ".join(f"{s.code} #{s.appraisal_id} (due {s.due_date})" for s in mine[:10])
        more = f" … +{len(mine) - 10}" if len(mine) > 10 else ""
        ids = ",".join(
            f"{s.appraisal_id}.{s.seq}.{s.rounds}" for s in sorted(mine, key=lambda x: x.pk)
        )
        digest = hashlib.sha256(ids.encode()).hexdigest()[:20]
        out.append(
            Message(
                u,
                company_id,
                "step_overdue_escalation",
                f"下属逾期/Overdue under you ({len(mine)}): {listed}{more}",
                f"overdue_up:{digest}",
                mine[0].appraisal_id if len(mine) == 1 else None,
                {
                    "count": len(mine),
                    "names": "、".join(names.get(s.appraisal_id, "") for s in mine[:10])
                    + (" …" if len(mine) > 10 else ""),
                },
            )
        )
    return out


def _messages(kind: str, text: str, steps: list, company_id: int) -> list[Message]:
    msgs = step_messages(steps, kind, text, company_id)
    if kind == "overdue":
        msgs += _escalation_messages(steps, company_id)
    return msgs


def _entries(kind: str, steps: list, now) -> list[Entry]:
    return [
        Entry(
            "appraisals.appraisal",
            s.appraisal_id,
            kind,
            after={"step": s.code, "due_date": s.due_date, "at": now},
        )
        for s in steps
    ]


# The same, as queries over the claimed steps (engine/deadlines/sweep.py, SetBased).
def _tables() -> dict[str, str]:
    q = connection.ops.quote_name
    return {
        "claimed": CLAIMED_TABLE,
        "appraisal": q(Appraisal._meta.db_table),
        "employee": q(Employee._meta.db_table),
        "cycle": q(Cycle._meta.db_table),
        "role": q(CompanyRole._meta.db_table),
    }


HOLDER_NOTICES = """
    SELECT h.user_id, c.company_id, %(kind)s AS kind,
        {text} || ': ' || e.name || ' ' || cy.period || ' ' || c.code || ', due '
            || to_char(c.due_date, 'YYYY-MM-DD') AS message,
        %(kind)s || ':' || c.appraisal_id || ':' || c.seq || ':' || c.rounds || ':'
            || to_char(c.due_date, 'YYYY-MM-DD') AS key,
        c.appraisal_id,
        jsonb_build_object('employee', e.name, 'period', cy.period, 'step', c.code,
            'holder_role', c.holder_role, 'due', to_char(c.due_date, 'YYYY-MM-DD'){day})
            AS params
    FROM (
        SELECT id, assignee_id AS user_id FROM {claimed} WHERE assignee_id IS NOT NULL
        UNION ALL
        SELECT c.id, r.user_id FROM {claimed} c
        JOIN {role} r ON r.company_id = c.company_id AND r.role = c.holder_role
        WHERE c.assignee_id IS NULL
    ) h
    JOIN {claimed} c ON c.id = h.id
    JOIN {appraisal} a ON a.id = c.appraisal_id
    JOIN {employee} e ON e.id = a.employee_id
    JOIN {cycle} cy ON cy.id = a.cycle_id
"""
# One digest per recipient: the holder's supervisor, else every HR of the company.
ESCALATIONS = """
    SELECT to_user AS user_id, company_id, 'step_overdue_escalation' AS kind,
        '下属逾期/Overdue under you (' || count(*) || '): '
            || string_agg(code || ' #' || appraisal_id || ' (due '
                || to_char(due_date, 'YYYY-MM-DD') || ')', ', ' ORDER BY id)
                FILTER (WHERE n <= 10)
            || CASE WHEN count(*) > 10 THEN ' … +' || (count(*) - 10) ELSE '' END AS message,
        'overdue_up:' || left(encode(sha256(convert_to(string_agg(
            appraisal_id || '.' || seq || '.' || rounds, ',' ORDER BY id), 'UTF8')), 'hex'), 20)
            AS key,
        CASE WHEN count(*) = 1 THEN min(appraisal_id) END AS appraisal_id,
        jsonb_build_object('count', count(*), 'names',
            string_agg(name, '、' ORDER BY id) FILTER (WHERE n <= 10)
            || CASE WHEN count(*) > 10 THEN ' …' ELSE '' END) AS params
    FROM (
        SELECT r.*, e.name, row_number() OVER (PARTITION BY to_user, r.company_id ORDER BY r.id) AS n
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


def _messages_sql(kind: str, text: str) -> tuple[str, dict]:
    """`_messages` in SQL; a "due tomorrow" reminder says "tomorrow" or "the next
    working day" by its row, as `reminder_day` does (services/notices.py)."""
    said, day = "%(text)s", ""
    if kind == "remind_before":
        said = f"(CASE WHEN {REMINDER_DAY_SQL} = 'tomorrow' THEN %(text)s ELSE %(later)s END)"
        day = f", 'day', {REMINDER_DAY_SQL}"
    select = HOLDER_NOTICES.replace("{text}", said).replace("{day}", day)
    if kind == "overdue":
        select += " UNION ALL " + ESCALATIONS
    params = {"kind": kind, "text": text}
    if kind == "remind_before":
        params["later"] = NEXT_WORKING_DAY_TEXT
    return select.format(**_tables()), params


def _entries_sql(kind: str, now) -> tuple[str, dict]:
    return (
        f"""
        SELECT company_id, 'appraisals.appraisal' AS object_type,
            appraisal_id::text AS object_id, %(kind)s AS action,
            '{{"at":' || %(at)s || ',"due_date":"' || to_char(due_date, 'YYYY-MM-DD')
                || '","step":' || to_json(code::text)::text || '}}' AS after,
            id AS ord
        FROM {CLAIMED_TABLE}
        """,
        {"kind": kind, "at": json.dumps(normalise(now))},
    )


APPRAISAL_STEPS = StepKind(
    model=AppraisalStep,
    messages=_messages,
    entries=_entries,
    set_based=SetBased(messages=_messages_sql, entries=_entries_sql),
    counts={"remind_before": "remind_before", "remind_due": "remind_due", "overdue": "overdue"},
)
FINALISE_DUE = ("finalised", appraisals_finalise_due)
