"""Writing an opening's rows set-based: the appraisals, their steps, the audit events
and the first steps' notices (with their outbox rows) of a run of employees, each in
one statement composed by the database, on PostgreSQL and SQLite alike.

Python decides what only it can (the pinned template, the targets, who holds each
step, the due moments of each step of each template) and sends the rows as JSON text,
one string per statement; the database builds the rows from it. Turning 50,000 model
instances into parameters field by field (`bulk_create`) cost more than the inserts
themselves (issue 27)."""

from __future__ import annotations

import json
from typing import Any

from django.db import connection
from django.db.models import Model

from engine import dialect
from engine.audit.canonical import dumps, object_sql
from engine.audit.services import record_select
from engine.deadlines.due import for_opening
from engine.deadlines.sweep import holders_sql
from engine.notifications.services import notify_select
from engine.org.models import CompanyRole

from .. import holders
from ..models import Appraisal, AppraisalStep, Cycle
from ..step_messages import chain_step_notices
from ..targets import resolve_targets
from .notices import delegated, deputies_of

# What opening.py loaded for the whole company (`opening._Opening`, which imports this).
Opening = Any

OPEN_TEXT = "请填写/Please complete"
# What a step takes from its template's chain (the rest from its employee's row).
CHAIN_COLUMNS = ("code", "state", "due_date", "due_at", "remind_before_at", "remind_due_at")


class _Rows:
    """The rows of a run of employees: one per appraisal (`appraisals`), one per step
    (`steps`), and the templates they use (`profiles`, by number)."""

    def __init__(self, op: Opening, cycle: Cycle, emp_ids: list[int], now) -> None:
        self.profiles: dict[tuple[str, str], int] = {}
        self.appraisals: list[dict[str, Any]] = []
        self.steps: list[dict[str, Any]] = []
        targets: dict[tuple, str] = {}
        for emp_id in emp_ids:
            row = op.rows[emp_id]
            mapping = op.mappings[row["position_id"]]
            key = (mapping.pack, mapping.role)
            p = self.profiles.setdefault(key, len(self.profiles))
            t = op.template(*key)
            kpi = op.kpi.get(emp_id, {})
            said = (p, *sorted(kpi.items()))
            if said not in targets:  # canonical JSON: the column's and the event's
                targets[said] = dumps(resolve_targets(t, cycle.targets, kpi))
            self.appraisals.append(
                {"e": emp_id, "d": row["department_id"], "p": p, "t": targets[said]}
            )
            person = op.org.people[emp_id]
            for seq, cs in enumerate(t.chain):
                h = holders.resolve(cs.code, person, op.org)
                self.steps.append(
                    {"e": emp_id, "p": p, "s": seq, "u": h.assignee_id, "r": h.role}
                    | ({"x": h.escalated_from} if h.escalated_from else {})
                )
        self.op, self.cycle, self.now = op, cycle, now

    def templates(self) -> tuple[str, dict]:
        """(VALUES rows, params) of each template used: p, activation, pack, version,
        role, template_hash, current_step."""
        rows, params = [], {}
        for (pack, role), p in self.profiles.items():
            act = self.op.activations[pack]
            values = [p, act.pk, pack, act.version, role, act.hashes[role]]
            values.append(self.op.template(pack, role).chain[0].code)
            params |= {f"t{p}_{i}": v for i, v in enumerate(values)}
            rows.append("(" + ", ".join(f"%(t{p}_{i})s" for i in range(len(values))) + ")")
        return _values(
            rows, ("p", "activation", "pack", "version", "role", "hash", "first")
        ), params

    def chains(self) -> tuple[str, dict]:
        """(VALUES rows, params) of each step of each template: p, seq, code, state and
        its due moments, as the database stores them."""
        op, rows, params = self.op, [], {}
        prep = {f.attname: f for f in AppraisalStep._meta.concrete_fields}
        for (pack, role), p in self.profiles.items():
            for seq, cs in enumerate(op.template(pack, role).chain):
                m = op.moments(self.cycle.end, cs)
                if seq == 0:  # opened after its deadline: due from today, never late at birth
                    tz = op.company.time_zone
                    m = for_opening(m, self.now, cs.due.working_days, op.calendar, tz)
                state = AppraisalStep.State.OPEN if seq == 0 else AppraisalStep.State.PENDING
                values = dict(
                    zip(
                        CHAIN_COLUMNS,
                        (cs.code, state, m.due_date, m.due_at, m.remind_before_at, m.remind_due_at),
                        strict=True,
                    )
                )
                names = [f"c{p}_{seq}_p", f"c{p}_{seq}_seq"]
                params |= {names[0]: p, names[1]: seq}
                for column, value in values.items():
                    names.append(f"c{p}_{seq}_{column}")
                    params[names[-1]] = prep[column].get_db_prep_save(value, connection)
                rows.append("(" + ", ".join(f"%({n})s" for n in names) + ")")
        return _values(rows, ("p", "seq", *CHAIN_COLUMNS)), params


def _values(rows: list[str], names: tuple[str, ...]) -> str:
    """A subquery over VALUES rows with named columns (both databases call them
    column1, column2 …)."""
    named = ", ".join(f"column{i + 1} AS {n}" for i, n in enumerate(names))
    return f"(SELECT {named} FROM (VALUES {', '.join(rows)}) v)"


def _defaults(model: type[Model], given: set[str], prefix: str) -> tuple[list[str], list, dict]:
    """The columns a new row takes at their defaults: (columns, SQL, params)."""
    columns, sql, params = [], [], {}
    for f in model._meta.concrete_fields:
        if f.primary_key or f.attname in given:
            continue
        columns.append(f.column)
        value = f.get_db_prep_save(f.get_default(), connection)
        if value is None:
            sql.append("NULL")
        else:
            params[prefix + f.column] = value
            sql.append(f"%({prefix}{f.column})s")
    return columns, sql, params


APPRAISAL_ROWS = (("e", "bigint"), ("d", "bigint"), ("p", "integer"), ("t", "text"))
STEP_ROWS = (("e", "bigint"), ("p", "integer"), ("s", "integer"), ("u", "integer"))
STEP_ROWS += (("r", "text"), ("x", "text"))


def _insert(model: type[Model], given: dict[str, str], source: str, params: dict) -> None:
    """INSERT … SELECT of `model`'s rows: `given` its columns' SQL over `source`, every
    other column at its default."""
    q = connection.ops.quote_name
    columns, sql, defaults = _defaults(model, set(given), "default_")
    names = ", ".join(q(c) for c in [*given, *columns])
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {q(model._meta.db_table)} ({names}) "
            f"SELECT {', '.join([*given.values(), *sql])} {source}",
            {**params, **defaults},
        )


def write_opened(op: Opening, cycle: Cycle, actor, emp_ids: list[int], now) -> None:
    """The appraisals of `emp_ids` (ascending ids: a run no other run of this opening
    overlaps) in `cycle`, their steps, events and first steps' notices."""
    q = connection.ops.quote_name
    rows = _Rows(op, cycle, emp_ids, now)
    mine = {"cycle": cycle.pk, "company": op.company.pk, "lo": emp_ids[0], "hi": emp_ids[-1]}
    templates, template_params = rows.templates()
    _insert(
        Appraisal,
        {
            "cycle_id": "%(cycle)s",
            "company_id": "%(company)s",
            "employee_id": "r.e",
            "department_id": "r.d",
            "activation_id": "t.activation",
            "pack": "t.pack",
            "version": "t.version",
            "role": "t.role",
            "template_hash": "t.hash",
            "targets": dialect.json_in("r.t"),
            "current_step": "t.first",
        },
        f"FROM {dialect.json_rows('rows', APPRAISAL_ROWS, 'r')} "
        f"JOIN {templates} t ON t.p = r.p ORDER BY r.e",
        {**mine, **template_params, "rows": json.dumps(rows.appraisals)},
    )
    appraisal = q(Appraisal._meta.db_table)
    chains, chain_params = rows.chains()
    opened = AppraisalStep._meta.get_field("opened_at").get_db_prep_save(now, connection)
    _insert(
        AppraisalStep,
        {
            "appraisal_id": "a.id",
            "company_id": "%(company)s",
            "seq": "h.s",
            "assignee_id": "h.u",
            "holder_role": "h.r",
            "escalated_from": "coalesce(h.x, '')",
            "opened_at": "CASE WHEN h.s = 0 THEN %(opened)s END",
            **{column: f"c.{column}" for column in CHAIN_COLUMNS},
        },
        # the rows first (CROSS JOIN): SQLite would otherwise read the JSON again for
        # each appraisal
        f"FROM {dialect.json_rows('rows', STEP_ROWS, 'h')} CROSS JOIN {appraisal} a "
        f"CROSS JOIN {chains} c WHERE a.cycle_id = %(cycle)s AND a.employee_id = h.e "
        f"AND c.p = h.p AND c.seq = h.s ORDER BY a.id, h.s",
        {**mine, **chain_params, "opened": opened, "rows": json.dumps(rows.steps)},
    )
    _record(op, actor, rows, mine)
    _notify(rows, mine, now)


def _record(op: Opening, actor, rows: _Rows, mine: dict) -> None:
    """The `open` event of each appraisal, in the order of the ids."""
    q = connection.ops.quote_name
    after = object_sql(
        [
            ("employee", "a.employee_id", "number"),
            ("pack", "a.pack", "text"),
            ("role", "a.role", "text"),
            ("targets", "r.t", "json"),
            ("template_hash", "a.template_hash", "text"),
            ("version", "a.version", "text"),
        ]
    )
    select = f"""
        SELECT a.id AS ord, 'appraisals.appraisal' AS object_type,
            CAST(a.id AS text) AS object_id, 'open' AS action, CAST(NULL AS text) AS before,
            {after} AS after, '' AS reason
        FROM {dialect.json_rows("rows", APPRAISAL_ROWS[:1] + APPRAISAL_ROWS[3:], "r")}
        CROSS JOIN {q(Appraisal._meta.db_table)} a
        WHERE a.cycle_id = %(cycle)s AND a.employee_id = r.e
    """
    rows_json = json.dumps([{"e": r["e"], "t": r["t"]} for r in rows.appraisals])
    record_select(
        select=select,
        params={"cycle": mine["cycle"], "rows": rows_json},
        company=op.company,
        role="hr",
        actor=actor,
    )


# The first steps of the run, for their notices to read (the planner knows nothing yet
# of the rows this transaction wrote; of this table it is told, as of the sweep's).
FIRST_STEPS = "opening_first_steps"


def _notify(rows: _Rows, mine: dict, now) -> None:
    """ "Please complete" to the holders of each first step, and to the deputies standing
    in for its holder today who may act on it (as `notices.step_messages` tells them)."""
    q = connection.ops.quote_name
    with connection.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {FIRST_STEPS}")
        cur.execute(
            f"""CREATE TEMP TABLE {FIRST_STEPS} AS
            SELECT s.* FROM {q(Appraisal._meta.db_table)} a
            JOIN {q(AppraisalStep._meta.db_table)} s ON s.appraisal_id = a.id AND s.seq = 0
            WHERE a.cycle_id = %(cycle)s AND a.employee_id BETWEEN %(lo)s AND %(hi)s""",
            mine,
        )
        if dialect.postgres():
            cur.execute(f"ANALYZE {FIRST_STEPS}")
        told = holders_sql(q(CompanyRole._meta.db_table), steps=FIRST_STEPS)
        params = {"kind": "step_open", "text": OPEN_TEXT}
        deputies = _deputies(rows, mine)
        if deputies:
            pairs = dialect.json_rows("deputies", (("id", "bigint"), ("user_id", "integer")), "d")
            told += f" UNION ALL SELECT d.id, d.user_id FROM {pairs}"
            params["deputies"] = json.dumps(deputies)
        params["occasion"] = now.strftime("%Y%m%d%H%M%S%f")  # as `notices._occasion`
        select = chain_step_notices(FIRST_STEPS, told, text="%(text)s", occasion="%(occasion)s")
        notify_select(select=select, params=params)
        cur.execute(f"DROP TABLE {FIRST_STEPS}")


def _deputies(rows: _Rows, mine: dict) -> list[dict[str, int]]:
    """(step, user) of each deputy told of a first step besides its holder: never of a
    self-review, so only read when some template's chain starts elsewhere."""
    op = rows.op
    if all(op.template(*key).chain[0].code == "self" for key in rows.profiles):
        return []
    steps = (
        AppraisalStep.objects.filter(
            appraisal__cycle_id=mine["cycle"],
            appraisal__employee__id__range=(mine["lo"], mine["hi"]),
            seq=0,
            assignee__isnull=False,
        )
        .exclude(code="self")
        .annotate(delegated=delegated())
        .filter(delegated=True)
        .select_related("appraisal__employee")
    )
    return [{"id": s.pk, "user_id": u} for s in steps for u in deputies_of(s)]
