"""Appending to the audit trail. The only writer of AuditEvent rows.

Callers run inside the transaction of the change they record, so a change and its
event commit or roll back together; appending outside a transaction is refused.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction

from engine import clock
from engine.bulk import insert_rows, rows

from .canonical import chain_hash_of_normalised, normalise
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


def _lock_head(chain: int) -> AuditChainHead:
    """Lock the chain head; creating it races safely (INSERT … ON CONFLICT DO NOTHING)."""
    qs = AuditChainHead.objects.select_for_update()
    head = qs.filter(chain=chain).first()
    if head is None:
        AuditChainHead.objects.bulk_create([AuditChainHead(chain=chain)], ignore_conflicts=True)
        head = qs.get(chain=chain)
    return head


def record_many(
    *, company, actor, role: str = "", entries: Sequence[Entry], batch_size: int = 1000
) -> list[AuditEvent]:
    """Append several events to one company's chain under a single head lock."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit events must be recorded inside the change's transaction")
    if not entries:
        return []
    chain = INSTALLATION_CHAIN if company is None else int(getattr(company, "pk", company))
    person = actor is not None and getattr(actor, "pk", None)
    actor_id, actor_label = (actor.pk, actor.get_username()) if person else (None, "system")
    at = clock.now()
    # Always inside the change's transaction (checked above): no savepoint of its own,
    # an event that fails to be written fails the whole change.
    with transaction.atomic(savepoint=False):
        head = _lock_head(chain)
        seq, prev = head.last_seq, head.last_hash
        company_id = None if chain == INSTALLATION_CHAIN else chain
        at_text = normalise(at)
        values = []
        for e in entries:
            seq += 1
            v = {
                "chain": chain,
                "seq": seq,
                "at": at,
                "company_id": company_id,
                "actor_id": actor_id,
                "actor_label": actor_label,
                "role": role or "",
                "object_type": e.object_type,
                "object_id": str(e.object_id if e.object_id is not None else ""),
                "action": e.action,
                "before": normalise(e.before),
                "after": normalise(e.after),
                "reason": e.reason or "",
                "prev_hash": prev,
            }
            v["hash"] = prev = chain_hash_of_normalised(prev, v, at_text)
            values.append(v)
        if len(values) > 50:  # the bulk paths: rows, not model instances
            events = rows(AuditEvent, values)
            insert_rows(AuditEvent, events)
        else:
            events = AuditEvent.objects.bulk_create([AuditEvent(**v) for v in values])
        AuditChainHead.objects.filter(chain=chain).update(last_seq=seq, last_hash=prev)
    return events


def record_select(*, select: str, params: Sequence | dict, role: str) -> int:
    """Append, as the system, the events a query gives — computed by PostgreSQL, rows
    and chain hashes alike, for the bulk paths (the month-end sweep appends 100,000
    at once; bringing each to Python cost more than everything else together).

    `select` yields company_id, object_type, object_id (text), action, after (the
    canonical JSON text of the value, as `engine.audit.canonical.dumps` writes it:
    keys sorted, no spaces; it is hashed as it is and stored as jsonb) and ord (the
    order within a chain).
    The rows, hashes and heads are those `record_many` would write for the same
    entries, which a test holds them to. Returns how many were appended."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit events must be recorded inside the change's transaction")
    at = clock.now()
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    total = 0
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS audit_entries")
        cur.execute(f"CREATE TEMP TABLE audit_entries AS {select}", params)
        cur.execute("SELECT DISTINCT company_id FROM audit_entries")
        companies = sorted((r[0] for r in cur.fetchall()), key=lambda c: c or 0)
        for company_id in companies:
            chain = INSTALLATION_CHAIN if company_id is None else company_id
            head = _lock_head(chain)
            cur.execute(
                f"""
                INSERT INTO {table} (chain, seq, at, company_id, actor_id, actor_label, role,
                    object_type, object_id, action, before, after, reason, prev_hash, hash)
                SELECT %(chain)s, seq, %(at)s, company_id, NULL, 'system', %(role)s,
                    object_type, object_id, action, NULL, after::jsonb, '',
                    coalesce(lag(hash) OVER (ORDER BY seq), %(prev)s), hash
                FROM (
                    SELECT s.*, jixiao_chain(%(prev)s::text, '{{"action":' || to_json(action)::text
                        || ',"actor":null,"actor_label":"system","after":'
                        || after || ',"at":' || %(at_json)s::text
                        || ',"before":null,"chain":' || %(chain)s::text || ',"company":'
                        || coalesce(company_id::text, 'null') || ',"object_id":'
                        || to_json(object_id::text)::text || ',"object_type":'
                        || to_json(object_type::text)::text || ',"reason":"","role":'
                        || %(role_json)s::text || ',"seq":' || seq || '}}')
                        OVER (ORDER BY seq) AS hash
                    FROM (
                        SELECT e.*, %(last)s::bigint + row_number() OVER (ORDER BY ord) AS seq
                        FROM audit_entries e WHERE company_id IS NOT DISTINCT FROM %(company)s
                    ) s
                ) h
                """,
                {
                    "chain": chain,
                    "company": company_id,
                    "at": at,
                    "at_json": json.dumps(normalise(at)),
                    "role": role,
                    "role_json": json.dumps(role, ensure_ascii=False),
                    "prev": head.last_hash,
                    "last": head.last_seq,
                },
            )
            total += cur.rowcount
            cur.execute(
                f"SELECT seq, hash FROM {table} WHERE chain = %s ORDER BY seq DESC LIMIT 1",
                [chain],
            )
            seq, last = cur.fetchone()
            AuditChainHead.objects.filter(chain=chain).update(last_seq=seq, last_hash=last)
        cur.execute("DROP TABLE audit_entries")
    return total


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
