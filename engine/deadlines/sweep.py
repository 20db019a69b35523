"""The deadline sweep: reminders one working day before and on the due day, overdue
marks with word to the holder and to whoever the step's owner escalates to.

One loop serves every kind of step with a deadline. The apps that own such steps
(appraisals, appeals) register a `StepKind` from their AppConfig.ready(), so this
module, below them in the layers, never imports them.

Set-based and idempotent: each pass claims a batch of due rows with
`SELECT … FOR UPDATE SKIP LOCKED`, stamps them, and writes notifications and audit
events in bulk. A second run finds nothing; two processes at once split the rows.
On PostgreSQL a kind that gives its messages and entries as SQL (`SetBased`) is swept
by the database alone: at month-end 100,000 steps fall due at once, and bringing each
row to Python cost several times the inserts themselves (docs/operations.md).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, fields

from django.db import connection, transaction
from django.db.models import Q

from engine import clock
from engine.audit.services import Entry, record_many, record_select
from engine.bulk import Row
from engine.notifications.services import Message, notify_many, notify_select

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
REMINDER_DAY_SQL = (
    "CASE WHEN c.remind_due_at - c.remind_before_at < interval '36 hours' "
    "THEN 'tomorrow' ELSE 'next_working_day' END"
)
# The columns a step kind's messages and audit entries may read from a claimed row.
CLAIMED = (
    "id",
    "appraisal_id",
    "appeal_id",
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


@dataclass
class SweepResult:
    remind_before: int = 0
    remind_due: int = 0
    overdue: int = 0
    notifications: int = 0
    appeal_reminders: int = 0
    appeal_overdue: int = 0
    finalised: int = 0
    by_company: dict[int, int] = field(default_factory=lambda: defaultdict(int))

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "by_company"}


# On PostgreSQL the claimed rows of a batch go to this temporary table, and a step
# kind's `SetBased` queries read them from there.
CLAIMED_TABLE = "sweep_claimed"


@dataclass(frozen=True)
class SetBased:
    """The same messages and audit entries as a step kind's Python functions, as
    queries over CLAIMED_TABLE, so that PostgreSQL writes a month-end's 100,000
    notices, outbox rows and chained events itself (see `notify_select` and
    `record_select` for the columns each query yields). A test holds the two ways to
    the same rows."""

    # (kind, text) → (select, params) of the messages
    messages: Callable[[str, str], tuple[str, dict]]
    # (kind, now) → (select, params) of the audit entries
    entries: Callable[[str, object], tuple[str, dict]]


@dataclass(frozen=True)
class StepKind:
    """A model of steps with deadlines and what the sweep does with its due rows."""

    model: type[HeldStep]
    # (kind, text, claimed steps of one company, company id) → messages to send
    messages: Callable[[str, str, list, int], list[Message]]
    # (kind, claimed steps, now) → audit entries
    entries: Callable[[str, list, object], list[Entry]]
    # the SweepResult field each kind counts into
    counts: dict[str, str]
    set_based: SetBased | None = None


STEP_KINDS: list[StepKind] = []
AFTER_SWEEP: list[tuple[str, Callable[[], int]]] = []


def register_step_kind(kind: StepKind) -> None:
    if all(k.model is not kind.model for k in STEP_KINDS):
        STEP_KINDS.append(kind)


def register_after_sweep(result_field: str, job: Callable[[], int]) -> None:
    """A job run after the steps (finalising appraisals whose window closed)."""
    if (result_field, job) not in AFTER_SWEEP:
        AFTER_SWEEP.append((result_field, job))


def _claimable(kind: str, now, batch: int, model: type[HeldStep], after: int):
    """Up to `batch` due rows of `model` with ids above `after` (those below were
    claimed by this sweep already, or are held by another), locked, skipping locked."""
    moment, stamp, _ = KINDS[kind]
    qs = model.objects.filter(
        state="open", id__gt=after, **{f"{moment}__lte": now, f"{stamp}__isnull": True}
    )
    if kind != "overdue":  # a reminder after the due moment is pointless: overdue says it
        qs = qs.filter(due_at__gt=now)
    if kind == "remind_before":
        # "Due tomorrow" only on the working day before the due day (its moment is that
        # day's start): a step that opened on its due day, or over the weekend after
        # that working day, is told "due today" on the due day and nothing before.
        qs = qs.filter(remind_due_at__gt=now, remind_before_at__gt=now - ONE_DAY)
    return qs.select_for_update(skip_locked=True).order_by("id").values("id")[:batch]


def _claimed_columns(model: type[HeldStep]) -> list[str]:
    names = {f.attname for f in model._meta.concrete_fields}
    return [f for f in CLAIMED if f in names]


def _lapse(model: type[HeldStep], now) -> int:
    """Stamp the "due tomorrow" reminders whose working day passed unsent (`_claimable`
    no longer offers them), so that no sweep sends one later, not even one run with an
    earlier clock (the demo and the simulator set the clock back for each company)."""
    return (
        model.objects.filter(state="open", reminded_before_at__isnull=True)
        .filter(Q(remind_before_at__lte=now - ONE_DAY) | Q(remind_due_at__lte=now))
        .update(reminded_before_at=now)
    )


def _claim(kind: str, now, batch: int, model: type[HeldStep], after: int = 0) -> list:
    """Claim and stamp a batch (see `_claimable`); the rows in id order."""
    stamp = KINDS[kind][1]
    columns = _claimed_columns(model)
    claim = _claimable(kind, now, batch, model, after)
    if connection.vendor == "postgresql":
        # One statement: claim, stamp and read the rows back.
        inner, params = claim.query.sql_with_params()
        q = connection.ops.quote_name
        with connection.cursor() as cur:
            cur.execute(
                f"UPDATE {q(model._meta.db_table)} SET {q(stamp)} = %s WHERE id IN ({inner}) "
                f"RETURNING {', '.join(q(c) for c in columns)}",
                [now, *params],
            )
            found = [dict(zip(columns, r, strict=True)) for r in cur.fetchall()]
            return sorted((Row(pk=f["id"], **f) for f in found), key=lambda r: r.id)
    ids = list(claim.values_list("id", flat=True))
    if not ids:
        return []
    model.objects.filter(id__in=ids, **{f"{stamp}__isnull": True}).update(**{stamp: now})
    return list(model.objects.filter(id__in=ids).only(*columns).order_by("id"))


def _sweep_kind_set_based(step_kind: StepKind, now, batch: int, result: SweepResult) -> None:
    """`_sweep_kind` done by PostgreSQL: each batch is claimed and stamped into
    CLAIMED_TABLE, and the kind's queries write the notices, outbox rows and audit
    events from there — no row comes to Python."""
    model = step_kind.model
    q = connection.ops.quote_name
    table = q(model._meta.db_table)
    columns = ", ".join(q(c) for c in _claimed_columns(model))
    for kind, (_, stamp, text) in KINDS.items():
        after = 0
        while True:
            with transaction.atomic(), connection.cursor() as cur:
                inner, params = _claimable(kind, now, batch, model, after).query.sql_with_params()
                cur.execute(f"DROP TABLE IF EXISTS {CLAIMED_TABLE}")
                cur.execute(
                    f"CREATE TEMP TABLE {CLAIMED_TABLE} AS SELECT {columns} FROM {table} "
                    "WITH NO DATA"
                )
                cur.execute(
                    f"WITH c AS (UPDATE {table} SET {q(stamp)} = %s WHERE id IN ({inner}) "
                    f"RETURNING {columns}) INSERT INTO {CLAIMED_TABLE} SELECT * FROM c",
                    [now, *params],
                )
                claimed = cur.rowcount
                if claimed:
                    cur.execute(f"ANALYZE {CLAIMED_TABLE}")
                    cur.execute(
                        f"SELECT company_id, count(*), max(id) FROM {CLAIMED_TABLE} "
                        "GROUP BY company_id"
                    )
                    for company_id, n, last in cur.fetchall():
                        result.by_company[company_id] += n
                        after = max(after, last)
                    select, params = step_kind.set_based.messages(kind, text)
                    result.notifications += notify_select(select=select, params=params)
                    select, params = step_kind.set_based.entries(kind, now)
                    record_select(select=select, params=params, role="system")
                    counter = step_kind.counts[kind]
                    setattr(result, counter, getattr(result, counter) + claimed)
                cur.execute(f"DROP TABLE {CLAIMED_TABLE}")
            if claimed < batch:
                break


def _sweep_kind(step_kind: StepKind, now, batch: int, result: SweepResult) -> None:
    for kind, (_, _, text) in KINDS.items():
        after = 0
        while True:
            with transaction.atomic():
                steps = _claim(kind, now, batch, step_kind.model, after)
                if not steps:
                    break
                after = max(s.id for s in steps)
                per_company: dict[int, list] = defaultdict(list)
                for s in steps:
                    per_company[s.company_id].append(s)
                for company_id, group in per_company.items():
                    msgs = step_kind.messages(kind, text, group, company_id)
                    result.notifications += notify_many(msgs)
                    record_many(
                        company=company_id,
                        actor=None,
                        role="system",
                        entries=step_kind.entries(kind, group, now),
                    )
                    result.by_company[company_id] += len(group)
                counter = step_kind.counts[kind]
                setattr(result, counter, getattr(result, counter) + len(steps))
            if len(steps) < batch:
                break


def sweep(*, batch: int | None = None, set_based: bool | None = None) -> SweepResult:
    """`set_based` (PostgreSQL only) defaults to yes there for the kinds that have
    queries; a test turns it off to hold both ways to the same rows. A batch is one
    transaction: 5,000 rows the Python way, 25,000 set-based (no row in memory)."""
    now = clock.now()
    result = SweepResult()
    if set_based is None:
        set_based = connection.vendor == "postgresql"
    for step_kind in STEP_KINDS:
        _lapse(step_kind.model, now)
        if set_based and step_kind.set_based is not None:
            _sweep_kind_set_based(step_kind, now, batch or 25000, result)
        else:
            _sweep_kind(step_kind, now, batch or 5000, result)
    for result_field, job in AFTER_SWEEP:
        setattr(result, result_field, getattr(result, result_field) + job())
    return result
