"""The deadline sweep: reminders one working day before and on the due day, overdue
marks with word to the holder and to whoever the step's owner escalates to.

One loop serves every kind of step with a deadline. The apps that own such steps
(appraisals, appeals) declare a `StepKind` through `signals.step_kinds` from their
AppConfig.ready(), with the columns and counters of their own, so this module, below
them in the layers, never names them.

Set-based and idempotent: each pass claims a batch of due rows with
`SELECT … FOR UPDATE SKIP LOCKED` into a temporary table, stamps them, and writes the
notifications, outbox rows and chained audit events with statements over that table,
on PostgreSQL and SQLite alike: at month-end 100,000 steps fall due at once, and
bringing each row to Python cost several times the inserts themselves
(docs/operations.md). A second run finds nothing; two processes at once split the rows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Case, DateTimeField, F, Q, Value, When
from django.db.models.expressions import RawSQL

from engine import clock, dialect
from engine.audit.services import record_select
from engine.heartbeats.models import Heartbeat
from engine.heartbeats.services import heartbeat_record
from engine.notifications.services import notify_select

from . import signals
from .models import HeldStep

KINDS = {
    # kind: (moment field, stamp field, notification text)
    "remind_before": ("remind_before_at", "reminded_before_at", "明天到期/Due tomorrow"),
    "remind_due": ("remind_due_at", "reminded_due_at", "今天到期/Due today"),
    "overdue": ("due_at", "overdue_at", "已逾期/Overdue"),
}
ONE_DAY = dt.timedelta(days=1)  # the reminder's working day, from its start
# The "due tomorrow" reminder whose due day is not tomorrow (a Friday for Monday): its
# text, and the same choice as `due.reminder_day` over a claimed row `c` in SQL.
NEXT_WORKING_DAY_TEXT = "下一个工作日到期/Due the next working day"


def reminder_day_sql() -> str:
    hours = dialect.hours_between("c.remind_due_at", "c.remind_before_at")
    return f"CASE WHEN {hours} < 36 THEN 'tomorrow' ELSE 'next_working_day' END"


# The columns every step's claimed row carries (each kind adds its own, `StepKind.columns`)
# for its messages and audit entries to read.
CLAIMED = (
    "id",
    "company_id",
    "seq",
    "code",
    "assignee_id",
    "holder_role",
    "due_date",
    "rounds",
    "remind_before_at",
    "remind_due_at",
)


class SweepResult:
    """What one sweep did: the counters of its own (reminders, overdue marks, notices)
    and those each step kind and after-sweep job named, read as attributes."""

    OWN = ("remind_before", "remind_due", "overdue", "notifications")

    def __init__(self, kinds: list[StepKind]) -> None:
        counters = [*self.OWN, *(c for k in kinds for c in k.counts.values())]
        self.counts: dict[str, int] = dict.fromkeys(counters, 0)
        self.by_company: dict[int, int] = defaultdict(int)

    def add(self, counter: str, n: int) -> None:
        self.counts[counter] = self.counts.get(counter, 0) + n

    def __getattr__(self, name: str) -> int:
        counts = self.__dict__.get("counts", {})
        if name in counts:
            return counts[name]
        raise AttributeError(name)

    def as_dict(self) -> dict[str, int]:
        return dict(self.counts)


# The claimed rows of a batch go to this temporary table, and a step kind's queries
# read them from there.
CLAIMED_TABLE = "sweep_claimed"


def holders_sql(role_table: str, also: str = "", steps: str = CLAIMED_TABLE) -> str:
    """(id, user_id) of each claimed step (or each of `steps`, a table or a subquery)
    and each person who holds it: its assignee, else every holder of its company role
    (as `holding.holders_of`); `also` a role whose holders are told besides (an
    overdue appeal step's GM)."""
    sql = f"""
        SELECT c.id, c.assignee_id AS user_id FROM {steps} c WHERE c.assignee_id IS NOT NULL
        UNION ALL
        SELECT c.id, r.user_id FROM {steps} c
        JOIN {role_table} r ON r.company_id = c.company_id AND r.role = c.holder_role
        WHERE c.assignee_id IS NULL
    """
    if also:
        sql += f"""
        UNION ALL
        SELECT c.id, r.user_id FROM {steps} c
        JOIN {role_table} r ON r.company_id = c.company_id AND r.role = '{also}'
        """
    return sql


def entries_sql(object_type: str, object_column: str, after: str) -> str:
    """The audit entries of the claimed steps, one a step on its company's chain, in
    the columns `record_select` reads (and company_id): `after` the canonical JSON
    text of the event's value (`audit.canonical.object_sql`), `%(kind)s` the action."""
    return f"""
        SELECT company_id, '{object_type}' AS object_type,
            CAST({object_column} AS text) AS object_id, %(kind)s AS action,
            CAST(NULL AS text) AS before, {after} AS after, '' AS reason, id AS ord
        FROM {CLAIMED_TABLE}
    """


@dataclass(frozen=True)
class StepKind:
    """A model of steps with deadlines and what the sweep does with its due rows, as
    queries over CLAIMED_TABLE, so that the database writes a month-end's 100,000
    notices, outbox rows and chained events itself."""

    model: type[HeldStep]
    # (kind, text) → (select, params) of the messages: the columns `notify_select` reads
    messages: Callable[[str, str], tuple[str, dict]]
    # (kind, now) → (select, params) of the audit entries: company_id and the columns
    # `record_select` reads
    entries: Callable[[str, object], tuple[str, dict]]
    # reminder/overdue kind → the counter of the sweep's result it counts into
    counts: dict[str, str]
    # the columns of its own model the claimed rows carry (e.g. its appraisal's id)
    columns: tuple[str, ...] = ()


def step_kinds() -> list[StepKind]:
    """The step kinds the apps above declared (`signals.step_kinds`), in their order."""
    kinds: list[StepKind] = []
    for _receiver, kind in signals.step_kinds.send(sender=None):
        if all(k.model is not kind.model for k in kinds):
            kinds.append(kind)
    return kinds


def _claimable(kind: str, now, batch: int, model: type[HeldStep], after: int, columns: list[str]):
    """`columns` of up to `batch` due rows of `model` with ids above `after` (those
    below were claimed by this sweep already, or are held by another), locked, skipping
    locked."""
    moment, stamp, _ = KINDS[kind]
    qs = model.objects.filter(
        state=model.State.OPEN, id__gt=after, **{f"{moment}__lte": now, f"{stamp}__isnull": True}
    )
    if kind != "overdue":  # a reminder after the due moment is pointless: overdue says it
        qs = qs.filter(due_at__gt=now)
    if kind == "remind_before":
        # "Due tomorrow" only on the working day before the due day (its moment is that
        # day's start): a step that opened on its due day, or over the weekend after
        # that working day, is told "due today" on the due day and nothing before.
        qs = qs.filter(remind_due_at__gt=now, remind_before_at__gt=now - ONE_DAY)
    return qs.select_for_update(skip_locked=True).order_by("id").values(*columns)[:batch]


def _claimed_columns(step_kind: StepKind) -> list[str]:
    names = {f.attname for f in step_kind.model._meta.concrete_fields}
    return [f for f in (*CLAIMED, *step_kind.columns) if f in names]


def _lapsed(now) -> Q:
    """The steps whose "due tomorrow" reminder's working day passed unsent (`_claimable`
    no longer offers them)."""
    return Q(reminded_before_at__isnull=True) & (
        Q(remind_before_at__lte=now - ONE_DAY) | Q(remind_due_at__lte=now)
    )


def _lapse(model: type[HeldStep], now) -> int:
    """Stamp the lapsed "due tomorrow" reminders (`_lapsed`), so that no sweep sends one
    later, not even one run with an earlier clock (the demo and the simulator set the
    clock back for each company). After the claims, which stamp those of the steps they
    claim in the same UPDATE (`_stamp`): at month-end that is every step, and a pass of
    its own over them cost as much as their stamping."""
    return model.objects.filter(_lapsed(now), state=model.State.OPEN).update(reminded_before_at=now)


def _stamp(kind: str, now, model: type[HeldStep], after: int, last: int) -> None:
    """Stamp the claimed steps with `kind`'s stamp, and those of them whose "due
    tomorrow" lapsed (`_lapse`) with that too, in one UPDATE. Their ids lie in
    (`after`, `last`]: said, so that the database reads that range of the table by its
    key rather than the whole table for each batch."""
    stamps: dict[str, object] = {KINDS[kind][1]: now}
    if kind != "remind_before":
        stamps["reminded_before_at"] = Case(
            When(_lapsed(now), then=Value(now, output_field=DateTimeField())),
            default=F("reminded_before_at"),
        )
    claimed = RawSQL(f"SELECT id FROM {CLAIMED_TABLE}", [])  # noqa: S611 (no input)
    model.objects.filter(id__gt=after, id__lte=last, id__in=claimed).update(**stamps)


def _claim(kind: str, now, batch: int, step_kind: StepKind, after: int, cur) -> int:
    """Claim a batch (see `_claimable`) into CLAIMED_TABLE and stamp it; how many."""
    q = connection.ops.quote_name
    model = step_kind.model
    table = q(model._meta.db_table)
    names = _claimed_columns(step_kind)
    columns = ", ".join(q(c) for c in names)
    # The claimed rows' columns straight from the locking query: no second read of them.
    inner, params = _claimable(kind, now, batch, model, after, names).query.sql_with_params()
    cur.execute(f"DROP TABLE IF EXISTS {CLAIMED_TABLE}")
    cur.execute(f"CREATE TEMP TABLE {CLAIMED_TABLE} AS SELECT {columns} FROM {table} WHERE 1 = 0")
    cur.execute(f"INSERT INTO {CLAIMED_TABLE} SELECT {columns} FROM ({inner}) s", params)
    claimed = cur.rowcount
    if claimed:
        if dialect.postgres():  # the stamping join below, and the writers, plan on it
            cur.execute(f"ANALYZE {CLAIMED_TABLE}")
        cur.execute(f"SELECT max(id) FROM {CLAIMED_TABLE}")
        _stamp(kind, now, model, after, cur.fetchone()[0])
    return claimed


def _write(step_kind: StepKind, kind: str, text: str, now, result: SweepResult, cur) -> int:
    """The notices, outbox rows and audit events of the claimed batch; its last id."""
    cur.execute(f"SELECT company_id, count(*), max(id) FROM {CLAIMED_TABLE} GROUP BY company_id")
    after = 0
    select, params = step_kind.entries(kind, now)
    for company_id, n, last in cur.fetchall():
        result.by_company[company_id] += n
        after = max(after, last)
        record_select(
            select=f"SELECT ord, object_type, object_id, action, before, after, reason "
            f"FROM ({select}) e WHERE company_id = %(audit_company)s",
            params={**params, "audit_company": company_id},
            company=company_id,
            role="system",
        )
    select, params = step_kind.messages(kind, text)
    result.add("notifications", notify_select(select=select, params=params))
    return after


def _sweep_kind(step_kind: StepKind, now, batch: int, result: SweepResult) -> None:
    for kind, (_, _, text) in KINDS.items():
        after = 0
        while True:
            with transaction.atomic(), connection.cursor() as cur:
                claimed = _claim(kind, now, batch, step_kind, after, cur)
                if claimed:
                    after = _write(step_kind, kind, text, now, result, cur)
                    result.add(step_kind.counts[kind], claimed)
                cur.execute(f"DROP TABLE {CLAIMED_TABLE}")
            if claimed < batch:
                break


def sweep(*, batch: int = 25000) -> SweepResult:
    """A batch is one transaction (no row of it in memory)."""
    now = clock.now()
    kinds = step_kinds()
    result = SweepResult(kinds)
    for step_kind in kinds:
        _sweep_kind(step_kind, now, batch, result)
        _lapse(step_kind.model, now)
    for _receiver, counts in signals.after_sweep.send(sender=None, now=now):
        for counter, n in (counts or {}).items():
            result.add(counter, n)
    heartbeat_record(job=Heartbeat.Job.SWEEP, at=now)  # /health/ and /metrics read its age
    return result
