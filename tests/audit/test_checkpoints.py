"""Signed checkpoints catch what the hash chain alone cannot: after each of the four
tampering cases the chain still verifies on its own, yet `audit verify --checkpoints`
exits 1 naming the chain and what happened — against a checkpoint file and against a
payroll export that carries one. A forged checkpoint is refused by its signature."""

import json

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from engine.audit import triggers
from engine.audit.canonical import GENESIS, chain_hash
from engine.audit.models import AuditChainHead, AuditEvent
from engine.audit.services import record
from engine.audit.signing import for_export
from engine.audit.verify import verify

pytestmark = pytest.mark.django_db


def _record(company, n):
    with transaction.atomic():
        for i in range(n):
            record(company=company, actor=None, action="test", object_type="t", object_id=i)


def _sql(statement, *params):
    triggers.drop(connection)
    with connection.cursor() as cur:
        cur.execute(statement, list(params))
    triggers.install(connection)


def _move_head(co, seq, hash_):
    """As the tables' owner would: the head's own trigger refuses a head moved back."""
    _sql(
        "UPDATE audit_auditchainhead SET last_seq = %s, last_hash = %s WHERE chain = %s",
        seq,
        hash_,
        co.pk,
    )


def _check(where, capsys) -> dict:
    with pytest.raises(SystemExit) as exit_:
        call_command("audit", "verify", "--checkpoints", str(where), "--json")
    assert exit_.value.code == 1
    return json.loads(capsys.readouterr().out)


@pytest.fixture
def checkpointed(org, tmp_path, capsys):
    """Five events on the company's chain, a checkpoint written, three events more."""
    co = org["company"]
    _record(co, 5)
    call_command("audit", "checkpoint", "--dir", str(tmp_path), "--json")
    written = json.loads(capsys.readouterr().out)["written"]
    assert any(f"chain-{co.pk}-seq-" in w for w in written)
    _record(co, 3)
    call_command("audit", "verify", "--checkpoints", str(tmp_path), "--json")
    assert json.loads(capsys.readouterr().out)["ok"] is True
    return co, tmp_path


def _last_seq(co):
    return AuditChainHead.objects.get(chain=co.pk).last_seq


def test_deleting_the_last_events_and_rolling_the_head_back(checkpointed, capsys):
    """Events 4–8 deleted and the head set to event 3: the chain verifies alone; against
    the checkpoint at 5 (plus the initial org events) it is truncated."""
    co, where = checkpointed
    keep = _last_seq(co) - 5
    last = AuditEvent.objects.get(chain=co.pk, seq=keep)
    _sql("DELETE FROM audit_auditevent WHERE chain = %s AND seq > %s", co.pk, keep)
    _move_head(co, keep, last.hash)
    assert verify()["ok"] is True
    out = _check(where, capsys)
    (problem,) = out["checkpoint_problems"]
    assert problem["chain"] == co.pk and "truncated" in problem["problem"]


def test_truncating_a_chain_to_nothing(checkpointed, capsys):
    """Every event of the chain deleted and its head reset: gone."""
    co, where = checkpointed
    _sql("DELETE FROM audit_auditevent WHERE chain = %s", co.pk)
    _move_head(co, 0, GENESIS)
    assert verify()["ok"] is True
    (problem,) = _check(where, capsys)["checkpoint_problems"]
    assert "is gone" in problem["problem"]


def test_deleting_a_chain_and_its_head(checkpointed, capsys):
    """The chain and its head row both deleted: verify alone sees nothing; the
    checkpoint names the missing chain."""
    co, where = checkpointed
    _sql("DELETE FROM audit_auditevent WHERE chain = %s", co.pk)
    AuditChainHead.objects.filter(chain=co.pk).delete()
    assert verify()["ok"] is True
    (problem,) = _check(where, capsys)["checkpoint_problems"]
    assert problem["chain"] == co.pk and "is gone" in problem["problem"]


def test_rewriting_an_event_and_recomputing_every_later_hash(checkpointed, capsys):
    """Event 2's reason forged and every hash from there recomputed (head too): the
    chain verifies alone; the checkpoint's hash at its position no longer matches."""
    co, where = checkpointed
    events = list(AuditEvent.objects.filter(chain=co.pk).order_by("seq"))
    prev = GENESIS
    triggers.drop(connection)
    for ev in events:
        if ev.seq == 2:
            ev.reason = "forged"
        ev.prev_hash, ev.hash = prev, chain_hash(prev, ev.payload())
        with connection.cursor() as cur:
            cur.execute(
                "UPDATE audit_auditevent SET reason = %s, prev_hash = %s, hash = %s WHERE id = %s",
                [ev.reason, ev.prev_hash, ev.hash, ev.pk],
            )
        prev = ev.hash
    triggers.install(connection)
    _move_head(co, _last_seq(co), prev)
    assert verify()["ok"] is True
    (problem,) = _check(where, capsys)["checkpoint_problems"]
    assert "rewritten" in problem["problem"]


def test_a_payroll_export_is_a_checkpoint_and_a_forgery_is_refused(
    workshop, set_clock, tmp_path, capsys
):
    """The payroll XLSX carries a signed checkpoint: the directory holding only that
    export catches a truncation; a checkpoint with an edited sequence number fails its
    signature."""
    from engine.payroll.services import payroll_export

    w = workshop
    export = payroll_export(actor=w.u["hr"], cycle=w.cycle, fmt="xlsx")
    (tmp_path / export.filename).write_bytes(export.content)
    call_command("audit", "verify", "--checkpoints", str(tmp_path), "--json")
    assert json.loads(capsys.readouterr().out)["checkpoints"] == 1
    co = w.company
    keep = 3
    last = AuditEvent.objects.get(chain=co.pk, seq=keep)
    _sql("DELETE FROM audit_auditevent WHERE chain = %s AND seq > %s", co.pk, keep)
    _move_head(co, keep, last.hash)
    (problem,) = _check(tmp_path, capsys)["checkpoint_problems"]
    assert problem["source"] == export.filename and "truncated" in problem["problem"]
    forged = tmp_path / "forged.json"
    cp = for_export(co.pk).checkpoint
    cp["point"]["seq"] = 2
    forged.write_text(json.dumps(cp))
    problems = _check(tmp_path, capsys)["checkpoint_problems"]
    assert any(p["source"] == "forged.json" and "signature" in p["problem"] for p in problems)
