"""Appending to the audit trail. The only writer of AuditEvent rows.

Callers run inside the transaction of the change they record, so a change and its
event commit or roll back together; appending outside a transaction is refused.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction

from engine import clock, dialect

from .canonical import dumps, normalise, payload_sql
from .models import AuditChainHead, AuditEvent

INSTALLATION_CHAIN = 0


@dataclass(frozen=True)
class Entry:
    """One event to append; used by `record_many` for bulk paths."""

    object_type: str
    object_id: Any
    action: str
    before: Any = None
    after: Any = None
    reason: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _lock_head(chain: int) -> tuple[int, str]:
    """Lock the chain head; creating it races safely (INSERT … ON CONFLICT DO NOTHING)."""
    qs = AuditChainHead.objects.select_for_update().values_list("last_seq", "last_hash")
    head = qs.filter(chain=chain).first()
    if head is None:
        AuditChainHead.objects.bulk_create([AuditChainHead(chain=chain)], ignore_conflicts=True)
        head = qs.get(chain=chain)
    return head


class _Held:
    """Marks the chain heads this connection read and moved within its transaction: an
    on-commit callback, so Django drops it with the savepoint (or transaction) that
    rolls back, and whoever finds it gone reads the head again."""

    def __init__(self, heads: dict[int, tuple[int, str]]) -> None:
        self.sids = set(connection.savepoint_ids)
        self.heads = heads

    def __call__(self) -> None:
        if getattr(connection, "audit_heads", None) is self:
            connection.audit_heads = None

    def alive(self) -> bool:
        return any(func is self for _, func, _ in reversed(connection.run_on_commit))


def _heads() -> dict[int, tuple[int, str]]:
    """The heads known in this savepoint: each read at most once per transaction, and
    again only after a savepoint that may have moved it rolled back."""
    held = getattr(connection, "audit_heads", None)
    alive = held is not None and held.alive()
    if alive and held.sids == set(connection.savepoint_ids):
        return held.heads
    # A savepoint entered (or left) since: a marker of its own, so that its rollback
    # forgets what it moved and nothing else.
    fresh = _Held(dict(held.heads) if alive else {})
    transaction.on_commit(fresh)
    connection.audit_heads = fresh
    return fresh.heads


def _head(chain: int) -> tuple[int, str]:
    heads = _heads()
    if chain not in heads:
        heads[chain] = _lock_head(chain)
    return heads[chain]


_COLUMNS = ("ord", "object_type", "object_id", "action", "before", "after", "reason")


def _append(
    *, chain: int, actor, role: str, source: str, params: dict, at=None, returning: bool = False
):
    """Append the events a query gives to one chain, rows and hashes computed by the
    database (`jixiao_chain` over `canonical.payload_sql`); a trigger moves the chain head.
    The one writer of events: a single `record`, a request's few and the sweep's
    100,000 take this path on PostgreSQL and SQLite alike.

    `source` yields _COLUMNS (`before`/`after` as canonical JSON text or NULL; `ord`
    the order within the append). Returns (id, seq, prev_hash, hash) of each row when
    `returning`, else how many were appended."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit events must be recorded inside the change's transaction")
    last, prev = _head(chain)
    person = actor is not None and getattr(actor, "pk", None)
    actor_id, actor_label = (actor.pk, actor.get_username()) if person else (None, "system")
    at = at or clock.now()
    q = connection.ops.quote_name
    values = {
        "chain": chain,
        "company": None if chain == INSTALLATION_CHAIN else chain,
        "actor": actor_id,
        "actor_label": actor_label,
        "role": role or "",
        "at": AuditEvent._meta.get_field("at").get_db_prep_save(at, connection),
        "prev": prev,
        "last": last,
    }
    # What every row shares is made canonical once, not for each row.
    shared = ("chain", "company", "actor", "actor_label", "role")
    payload, canonical = payload_sql({**{k: values[k] for k in shared}, "at": normalise(at)})
    values.update(canonical)
    sql = f"""
        INSERT INTO {q(AuditEvent._meta.db_table)} (chain, seq, at, company_id, actor_id,
            actor_label, role, object_type, object_id, action, before, after, reason,
            prev_hash, hash)
        SELECT chain, seq, %(at)s, company_id, actor_id, actor_label, role, object_type,
            object_id, action, {dialect.json_in("before")}, {dialect.json_in("after")}, reason,
            coalesce(lag(hash) OVER (ORDER BY seq), %(prev)s), hash
        FROM (
            SELECT s.*, jixiao_chain(%(prev)s, {payload}) OVER (ORDER BY seq) AS hash
            FROM (
                SELECT e.*, %(chain)s AS chain, %(last)s + row_number() OVER (ORDER BY ord)
                    AS seq, CAST(%(company)s AS bigint) AS company_id,
                    CAST(%(actor)s AS integer) AS actor_id,
                    %(actor_label)s AS actor_label, %(role)s AS role
                FROM ({source}) e
            ) s
        ) h
        ORDER BY seq
    """
    if returning:
        sql += " RETURNING id, seq, prev_hash, hash"
    heads = _heads()
    with connection.cursor() as cur:
        clash = params.keys() & values.keys()
        if clash:
            raise ValueError(f"the source's parameters {sorted(clash)} are _append's own")
        cur.execute(sql, {**params, **values})
        out = cur.fetchall() if returning else cur.rowcount
    # The database moved the head (triggers.py); what this connection knows of it
    # follows: the newest row appended, or, when the rows were not returned (the
    # sweep's thousands), a read again at the next append.
    if returning and out:
        newest = max(out, key=lambda r: r[1])
        heads[chain] = (newest[1], newest[3])
    elif not returning and out:
        heads.pop(chain, None)
    return out


# The columns of `record_many`'s rows, passed as one parameter of JSON text
# (engine.dialect.json_rows), so that any number of events is one statement.
_ROWS = tuple((c, "integer" if c == "ord" else "text") for c in _COLUMNS)


def record_many(*, company, actor, role: str = "", entries: Sequence[Entry]) -> list[AuditEvent]:
    """Append several events to one company's chain (see `_append`), in one statement."""
    chain = INSTALLATION_CHAIN if company is None else int(getattr(company, "pk", company))
    person = actor is not None and getattr(actor, "pk", None)
    at = clock.now()
    if not entries:
        return []
    rows = []
    for i, e in enumerate(entries):
        before = None if e.before is None else normalise(e.before)
        after = None if e.after is None else normalise(e.after)
        rows.append(
            (
                i,
                e.object_type,
                str(e.object_id if e.object_id is not None else ""),
                e.action,
                None if before is None else dumps(before),
                None if after is None else dumps(after),
                e.reason or "",
                before,
                after,
            )
        )
    names = ", ".join(f"ev.{c}" for c in _COLUMNS)
    source = f"SELECT {names} FROM {dialect.json_rows('ev', _ROWS, 'ev')}"
    params = dialect.rows_param("ev", _ROWS, (r[:7] for r in rows))
    done = _append(
        chain=chain, actor=actor, role=role, source=source, params=params, at=at, returning=True
    )
    return [
        AuditEvent(
            pk=pk,
            chain=chain,
            seq=seq,
            at=at,
            company_id=None if chain == INSTALLATION_CHAIN else chain,
            actor_id=actor.pk if person else None,
            actor_label=actor.get_username() if person else "system",
            role=role or "",
            object_type=row[1],
            object_id=row[2],
            action=row[3],
            before=row[7],
            after=row[8],
            reason=row[6],
            prev_hash=prev_hash,
            hash=hash_,
        )
        for row, (pk, seq, prev_hash, hash_) in zip(
            rows, sorted(done, key=lambda r: r[1]), strict=True
        )
    ]


def record_select(*, select: str, params: dict, company, role: str, actor=None) -> int:
    """Append the events a query gives (the sweep's, an opening's), as `actor` (None:
    the system), to one company's chain: `select` yields the columns of `_append`'s
    source."""
    chain = INSTALLATION_CHAIN if company is None else int(getattr(company, "pk", company))
    return _append(chain=chain, actor=actor, role=role, source=select, params=params)


def record(
    *,
    company,
    actor,
    action: str,
    object_type: str,
    object_id: Any,
    role: str = "",
    before: Any = None,
    after: Any = None,
    reason: str = "",
) -> AuditEvent:
    """Append one event; see `record_many`."""
    entry = Entry(object_type, object_id, action, before, after, reason)
    return record_many(company=company, actor=actor, role=role, entries=[entry])[0]


def record_for(obj, *, actor, action: str, role: str = "", **kw) -> AuditEvent:
    """Record an event about a model instance: its chain is the instance's company (a
    company's own events go on its own chain)."""
    entry = Entry(obj._meta.label_lower, obj.pk, action, **kw)
    company = (
        obj.company_id if hasattr(obj, "company_id") else getattr(obj, "audit_company_id", None)
    )
    return record_many(company=company, actor=actor, role=role, entries=[entry])[0]


REFUSAL_WINDOW = 3600  # seconds: one trail event per person, object and attempt


def record_refusal(
    *, company, actor, object_type: str, object_id, after: dict, reason: str = ""
) -> bool:
    """A refused read or action, in a transaction of its own. Repeats of the same
    refusal (person, object, attempt) within the hour are coalesced into the first, so
    a script hammering a page cannot flood the trail; returns whether it was recorded."""
    from django.core.cache import cache

    person = getattr(actor, "pk", None)
    what = hashlib.sha256(repr(sorted(after.items())).encode()).hexdigest()[:16]
    key = f"refusal:{company}:{person}:{object_type}:{object_id}:{what}"
    if not cache.add(key, 1, REFUSAL_WINDOW):
        return False
    with transaction.atomic():
        record(
            company=company,
            actor=actor,
            action="access_denied",
            object_type=object_type,
            object_id=object_id,
            after={**after, "coalesced_for_seconds": REFUSAL_WINDOW},
            reason=reason,
        )
    return True
