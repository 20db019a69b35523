"""The trail is append-only in the database and tamper-evident by its hash chain."""

import json
import threading

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from engine.audit import triggers
from engine.audit.models import AuditChainHead, AuditEvent
from engine.audit.services import record
from engine.audit.verify import verify


def _record(company, n=1, **kw):
    with transaction.atomic():
        for i in range(n):
            record(company=company, actor=None, action="test", object_type="t", object_id=i, **kw)


@pytest.mark.django_db
def test_chain_is_contiguous_and_verifies(org):
    """Events get contiguous sequence numbers per company and the chain verifies."""
    co = org["company"]
    _record(co, 5, after={"score": "1.50"})
    seqs = list(AuditEvent.objects.filter(chain=co.pk).values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    head = AuditChainHead.objects.get(chain=co.pk)
    assert head.last_seq == len(seqs)
    assert verify() == {"events": AuditEvent.objects.count(), "ok": True}


@pytest.mark.django_db
def test_a_chain_head_moves_only_forward_onto_the_newest_event(org):
    """Whoever may update the heads (the runtime role must: every append moves one)
    cannot roll a chain back to an earlier event, point it at a hash that is not on the
    chain, or move it past the newest event; appends still move it, and verify holds."""
    co = org["company"]
    _record(co, 3)
    head = AuditChainHead.objects.get(chain=co.pk)
    earlier = AuditEvent.objects.get(chain=co.pk, seq=head.last_seq - 1)
    for change in (
        {"last_seq": earlier.seq, "last_hash": earlier.hash},
        {"last_hash": "f" * 64},
        {"last_seq": head.last_seq + 1},
    ):
        with pytest.raises(DatabaseError, match="moves only forward"), transaction.atomic():
            AuditChainHead.objects.filter(chain=co.pk).update(**change)
    assert AuditChainHead.objects.get(chain=co.pk).last_hash == head.last_hash
    _record(co, 2)
    assert AuditChainHead.objects.get(chain=co.pk).last_seq == head.last_seq + 2
    assert verify()["ok"] is True


@pytest.mark.django_db(transaction=True)
def test_record_outside_a_transaction_is_refused(org):
    """Recording outside the change's transaction is refused."""
    with pytest.raises(RuntimeError, match="inside the change's transaction"):
        record(company=org["company"], actor=None, action="x", object_type="t", object_id=1)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET reason = 'edited'",
        "DELETE FROM audit_auditevent",
    ],
)
def test_database_refuses_update_and_delete(org, sql):
    """Database triggers refuse UPDATE and DELETE on audit events."""
    _record(org["company"])
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cur,
    ):
        cur.execute(sql)
    assert AuditEvent.objects.filter(reason="edited").count() == 0


@pytest.mark.django_db
def test_orm_update_is_refused_too(org):
    """An ORM update of an audit event is refused by the database as well."""
    _record(org["company"])
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.all().update(action="nothing happened")


@pytest.mark.django_db
def test_tampering_is_detected_by_verify(org, capsys):
    """An edited event (trigger dropped) makes `audit verify` report the first bad event."""
    co = org["company"]
    _record(co, 3)
    victim = AuditEvent.objects.filter(chain=co.pk).order_by("seq")[2]
    triggers.drop(connection)
    with connection.cursor() as cur:
        cur.execute("UPDATE audit_auditevent SET reason = %s WHERE id = %s", ["forged", victim.pk])
    triggers.install(connection)
    with pytest.raises(SystemExit) as exit_:
        call_command("audit", "verify", "--json")
    assert exit_.value.code == 1
    out = json.loads(capsys.readouterr().out)
    assert out["ok"] is False
    assert out["first_bad_event"] == victim.pk


@pytest.mark.django_db
def test_deleted_event_is_detected(org):
    """A deleted event breaks the chain and `audit verify` says where."""
    co = org["company"]
    _record(co, 3)
    victim = AuditEvent.objects.filter(chain=co.pk).order_by("seq")[1]
    triggers.drop(connection)
    with connection.cursor() as cur:
        cur.execute("DELETE FROM audit_auditevent WHERE id = %s", [victim.pk])
    triggers.install(connection)
    result = verify()
    assert result["ok"] is False
    assert result["reason"].startswith("sequence gap")


@pytest.mark.django_db
def test_verify_command_ok(org, capsys):
    """`audit verify --json` prints ok with the event count on an intact trail."""
    call_command("audit", "verify", "--json")
    out = json.loads(capsys.readouterr().out)
    assert out["ok"] is True and out["events"] > 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_threads_give_one_contiguous_chain(org):
    """Twenty threads recording at once on PostgreSQL give one gap-free, valid chain."""
    co = org["company"]
    start = AuditChainHead.objects.get(chain=co.pk).last_seq
    barrier = threading.Barrier(20)
    errors = []

    def work(i):
        try:
            barrier.wait()
            for j in range(5):
                _record(co, 1, after={"thread": i, "n": j})
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    seqs = list(
        AuditEvent.objects.filter(chain=co.pk).order_by("seq").values_list("seq", flat=True)
    )
    assert seqs == list(range(1, start + 100 + 1))
    assert verify()["ok"] is True


@pytest.mark.django_db
def test_a_bulk_append_verifies(org):
    """Sixty events in one append (the bulk path, rows streamed by COPY on PostgreSQL)
    hash exactly as `verify` recomputes them, nested values and times included."""
    from decimal import Decimal

    from engine.audit.services import Entry, record_many

    entries = [
        Entry("t", i, "bulk", before={"n": Decimal("1.50"), "s": {3, 1}}, after=[i, None])
        for i in range(60)
    ]
    with transaction.atomic():
        record_many(company=org["company"], actor=None, role="system", entries=entries)
    assert verify()["ok"] is True
