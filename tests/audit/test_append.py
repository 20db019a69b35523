"""One writer of audit events (`engine.audit.services._append`): the database hashes
the rows (`jixiao_chain` over `canonical.object_sql()`) on SQLite and PostgreSQL alike,
the hash `verify` recomputes in Python; a chain head is read once per transaction and
again only after a savepoint that moved it rolled back."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from engine.audit.canonical import chain_hash, dumps, payload_sql
from engine.audit.models import AuditChainHead, AuditEvent
from engine.audit.services import Entry, record, record_many
from engine.audit.verify import verify


def _one(company, i, **kw):
    return record(company=company, actor=None, action="t", object_type="t", object_id=i, **kw)


@pytest.mark.django_db
def test_database_hash_is_the_python_canonical_hash(org):
    """Strings JSON must escape, nested values, decimals, sets and times: the hash the
    database wrote is `chain_hash` of the event's payload, and the event `record`
    returns is the row stored."""
    with transaction.atomic():
        ev = _one(
            org["company"],
            1,
            before={"n": Decimal("1.50"), "s": {3, 1}, "when": dt.date(2026, 1, 2)},
            after=['王"小\\明\t<b>\u2028', None, {"b": 1, "a": [True, 2.5]}],
            reason="ü\n",
        )
    stored = AuditEvent.objects.get(pk=ev.pk)
    assert stored.hash == ev.hash == chain_hash(stored.prev_hash, stored.payload())
    assert (stored.seq, stored.after, stored.before) == (ev.seq, ev.after, ev.before)
    assert verify()["ok"] is True


@pytest.mark.django_db
def test_head_is_read_once_per_transaction(org):
    """Five appends in one transaction read their chain head once and write each event
    and the head's move (a trigger) in one statement each."""
    co = org["company"]
    with transaction.atomic():
        _one(co, 0)  # the head exists
    connection.audit_heads = None  # as in a new transaction (the test runs in one)
    with transaction.atomic(), CaptureQueriesContext(connection) as ctx:
        for i in range(5):
            _one(co, i)
    sqls = [q["sql"] for q in ctx.captured_queries]
    reads = [s for s in sqls if s.lstrip().upper().startswith("SELECT") and "auditchainhead" in s]
    assert len(reads) == 1, sqls
    assert len(sqls) == 1 + 5, sqls
    assert verify()["ok"] is True


@pytest.mark.django_db
def test_rolled_back_savepoint_leaves_no_stale_head(org):
    """An event appended in a savepoint that rolls back is gone, and the next append
    continues the chain from the head before it (read again), not from the lost one."""
    co = org["company"]
    start = AuditChainHead.objects.get(chain=co.pk).last_seq
    with transaction.atomic():
        _one(co, 1)
        with pytest.raises(RuntimeError), transaction.atomic():
            _one(co, 2)
            raise RuntimeError
        _one(co, 3)
        with transaction.atomic():  # a savepoint released keeps what it moved
            _one(co, 4)
        _one(co, 5)
    ids = list(AuditEvent.objects.filter(object_type="t").values_list("seq", "object_id"))
    assert ids == [(start + n, str(i)) for n, i in enumerate((1, 3, 4, 5), 1)]
    assert AuditChainHead.objects.get(chain=co.pk).last_seq == start + 4
    assert verify()["ok"] is True


@pytest.mark.django_db
def test_many_entries_append_in_chunks(org):
    """More entries than one statement takes still make one contiguous chain."""
    entries = [Entry("t", i, "bulk", after={"i": i}) for i in range(1203)]
    with transaction.atomic():
        events = record_many(company=org["company"], actor=None, role="system", entries=entries)
    first = events[0].seq
    assert [e.seq for e in events] == list(range(first, first + 1203))
    assert verify()["ok"] is True


@pytest.mark.django_db
def test_shared_fields_hash_as_before(org):
    """The fields every row of an append shares (actor, its label, role, moment, chain)
    are made canonical once in Python (`payload_sql`): a label and role JSON must
    escape hash as `object_sql()` composed them per row, and as `verify` recomputes."""
    actor = get_user_model().objects.create_user(username='王"小\\明\t\u2028ü', password="x")
    with transaction.atomic():
        events = record_many(
            company=org["company"],
            actor=actor,
            role='h"r\n',
            entries=[Entry("t", i, "a", after={"i": i}, reason="r") for i in range(3)],
        )
    for ev in events:
        stored = AuditEvent.objects.get(pk=ev.pk)
        assert stored.hash == chain_hash(stored.prev_hash, stored.payload())
    assert verify()["ok"] is True
    row = {k: v for k, v in events[0].payload().items() if k not in ("after", "before")}
    shared = {k: row[k] for k in ("actor", "actor_label", "role", "chain", "company", "at")}
    payload, params = payload_sql(shared)
    cols = ", ".join(
        f"%({k})s AS {c}"
        for k, c in [
            ("action", "action"),
            ("object_id", "object_id"),
            ("object_type", "object_type"),
            ("reason", "reason"),
            ("seq", "seq"),
        ]
    )
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT {payload}, NULL FROM (SELECT {cols}, CAST(NULL AS text) AS after, "
            "CAST(NULL AS text) AS before) r",
            {**params, **row},
        )
        ours = cur.fetchone()[0]
    assert ours == dumps({**row, "after": None, "before": None})
