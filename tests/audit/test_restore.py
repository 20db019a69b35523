"""Issue 23, backup and restore: a database restored from an older backup ends its
chains before the checkpoints signed since, which `audit verify --checkpoints` rightly
calls truncated. `audit restored --from-checkpoint FILE --reason TEXT` holds the
restored chain to a checkpoint from before the backup, records the restore in the trail
and signs a restore point; then verification passes for the restored history, signing
goes on from the restore point, and tampering is still caught (exit 1)."""

import datetime as dt
import json
import logging
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from engine.audit import triggers
from engine.audit.models import AuditChainHead, AuditEvent
from engine.audit.restore import signed_heads
from engine.audit.services import record
from engine.audit.signing import sign_all

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


def _record(company, n, what="test"):
    with transaction.atomic():
        for i in range(n):
            record(company=company, actor=None, action=what, object_type="t", object_id=i)


def _sql(statement, *params):
    """As the tables' owner restoring a dump would: the append-only triggers are off."""
    triggers.drop(connection)
    with connection.cursor() as cur:
        cur.execute(statement, list(params))
    triggers.install(connection)


def _head(co) -> int:
    return AuditChainHead.objects.get(chain=co.pk).last_seq


def _run(capsys, *args) -> tuple[int, dict | str]:
    """The command's exit code and its JSON (or its stderr line)."""
    try:
        call_command("audit", *args)
        code = 0
    except SystemExit as exc:
        code = exc.code
    out = capsys.readouterr()
    try:
        return code, json.loads(out.out)
    except ValueError:
        return code, out.err.strip()


def _verify(capsys, where) -> tuple[int, dict]:
    return _run(capsys, "verify", "--checkpoints", str(where), "--json")


@pytest.fixture
def restored_db(org, set_clock, capsys):
    """The story up to the restore: events, checkpoint A, two events more and the
    nightly backup taken, four events more and checkpoint B, then the database put
    back to the backup (events after it gone, the head at the backup's last event)."""
    co = org["company"]
    where = Path(settings.JIXIAO_CHECKPOINT_DIR)
    set_clock(T0)
    _record(co, 5)
    sign_all()
    a = _head(co)
    set_clock(T0 + dt.timedelta(hours=1))
    _record(co, 2)
    backup = _head(co)  # the nightly backup holds events 1..backup
    kept = AuditEvent.objects.get(chain=co.pk, seq=backup)
    set_clock(T0 + dt.timedelta(hours=2))
    _record(co, 4)
    sign_all()
    b = _head(co)
    assert sorted(p.name for p in where.glob("chain-*")) == [
        f"chain-{co.pk}-seq-{a}.json",
        f"chain-{co.pk}-seq-{b}.json",
    ]
    assert _verify(capsys, where)[0] == 0
    # The disk fails; the backup is restored: what came after it is not in it.
    set_clock(T0 + dt.timedelta(hours=3))
    _sql("DELETE FROM audit_auditevent WHERE chain = %s AND seq > %s", co.pk, backup)
    _sql(
        "UPDATE audit_auditchainhead SET last_seq = %s, last_hash = %s WHERE chain = %s",
        backup,
        kept.hash,
        co.pk,
    )
    connection.audit_heads = None  # the processes start again on the restored database
    return co, where, a, backup, b


def test_the_whole_story(restored_db, set_clock, capsys, caplog):
    """Checkpoint, more events, the backup restored: verify says truncated and signing
    refuses; `audit restored` records and signs; verify passes; work and signing go on;
    a tampered row exits 1."""
    co, where, a, backup, b = restored_db

    # 1. After the restore the chain verifies alone, but not against checkpoint B.
    code, out = _verify(capsys, where)
    assert code == 1
    (problem,) = out["checkpoint_problems"]
    assert problem["seq"] == b and "truncated" in problem["problem"]
    assert f"ends at event {backup}" in problem["problem"]
    # ... and the hourly signing refuses it (CRITICAL, a refusal kept).
    with caplog.at_level(logging.CRITICAL, logger="engine.audit.signing"):
        (refused,) = [s for s in sign_all() if s.refused]
    assert refused.chain == co.pk and "CRITICAL" in caplog.text
    assert list(where.glob(f"refused-chain-{co.pk}-after-{b}.json"))

    # 2. The restore is recorded from checkpoint A, which the backup still holds.
    set_clock(T0 + dt.timedelta(hours=4))
    reason = "disk failure; nightly backup of Dec 1 restored"
    code, done = _run(
        capsys,
        "restored",
        "--from-checkpoint",
        str(where / f"chain-{co.pk}-seq-{a}.json"),
        "--reason",
        reason,
        "--json",
    )
    assert code == 0, done
    assert done["chain"] == co.pk and done["restored_head"] == backup
    assert done["from_checkpoint"] == a and done["lost_checkpoints"] == [b]
    assert done["event"] == backup + 1
    event = AuditEvent.objects.get(chain=co.pk, seq=backup + 1)
    assert event.action == "trail_restored" and event.reason == reason
    assert event.after["restored_head"] == backup and event.after["lost_up_to"] == b
    point = json.loads(Path(done["restore_point"]).read_text())["point"]
    assert point["seq"] == backup + 1 and point["hash"] == event.hash
    assert point["restored"]["from"]["seq"] == a

    # 3. Verification passes for the restored history: B superseded by the restore point,
    # A and the restore point hold, the refusal is closed; plain `verify` too.
    code, out = _verify(capsys, where)
    assert code == 0, out
    assert [s["seq"] for s in out["checkpoints_superseded"]] == [b]
    assert out["signing"]["refusals"] == [] and out["signing"]["problems"] == []
    assert _run(capsys, "verify", "--json")[0] == 0

    # 4. Work goes on: the chain reaches event b again (another event than the lost one);
    # its checkpoint is written beside the lost file, not refused or skipped.
    set_clock(T0 + dt.timedelta(hours=5))
    _record(co, b - _head(co))
    assert _head(co) == b
    (signing,) = [s for s in sign_all() if s.chain == co.pk]
    assert not signing.refused and signing.path.name == f"chain-{co.pk}-seq-{b}.2.json"
    assert signed_heads(where)[co.pk] == b
    assert _verify(capsys, where)[0] == 0

    # 5. A tampered row is still caught: exit 1 naming the event.
    _sql("UPDATE audit_auditevent SET reason = 'forged' WHERE chain = %s AND seq = 2", co.pk)
    code, out = _verify(capsys, where)
    assert code == 1 and out["seq"] == 2
    assert out["reason"] == "content does not match its hash"


def test_tampering_with_the_restored_history_before_recording_is_refused(restored_db, capsys):
    """`audit restored` is not a way to bless a rewrite: an event the anchor checkpoint
    covers, edited before the restore is recorded, makes it exit 1 and record nothing."""
    co, where, a, backup, _b = restored_db
    _sql("UPDATE audit_auditevent SET reason = 'forged' WHERE chain = %s AND seq = 3", co.pk)
    code, said = _run(
        capsys,
        "restored",
        "--from-checkpoint",
        str(where / f"chain-{co.pk}-seq-{a}.json"),
        "--reason",
        "restore",
    )
    assert code == 1 and "does not verify" in said
    assert _head(co) == backup and not list(where.glob("restore-*"))


def test_a_checkpoint_the_backup_does_not_hold_is_refused(restored_db, capsys):
    """Named the lost checkpoint B (the backup ends before it): exit 1, nothing recorded."""
    co, where, _a, backup, b = restored_db
    code, said = _run(
        capsys,
        "restored",
        "--from-checkpoint",
        str(where / f"chain-{co.pk}-seq-{b}.json"),
        "--reason",
        "restore",
    )
    assert code == 1 and "truncated" in said
    assert _head(co) == backup


def test_an_appended_event_without_the_signed_restore_point_excuses_nothing(restored_db, capsys):
    """The runtime role may append events, so one saying "restored" is not enough:
    without the signed restore point the lost checkpoint still says truncated; a restore
    point whose signature was edited does not verify and supersedes nothing."""
    co, where, a, _backup, b = restored_db
    _record(co, 1, what="trail_restored")
    code, out = _verify(capsys, where)
    assert code == 1 and any(p["seq"] == b for p in out["checkpoint_problems"])

    call_command(
        "audit",
        "restored",
        "--from-checkpoint",
        str(where / f"chain-{co.pk}-seq-{a}.json"),
        "--reason",
        "restore",
    )
    capsys.readouterr()
    (path,) = where.glob("restore-*")
    forged = json.loads(path.read_text())
    forged["point"]["restored"]["head"] = 0
    path.write_text(json.dumps(forged))
    code, out = _verify(capsys, where)
    assert code == 1
    assert any(p["problem"] == "signature does not verify" for p in out["checkpoint_problems"])


@pytest.mark.parametrize(
    "args, said",
    [
        (["--from-checkpoint", "/nonexistent/x.json", "--reason", "r"], "cannot read"),
        (
            ["--from-checkpoint", "{where}/forged.json", "--reason", "r"],
            "no checkpoint that verifies",
        ),
        (["--from-checkpoint", "{where}/chain-{co}-seq-{a}.json", "--reason", "  "], "--reason"),
        (["--from-checkpoint", "{where}", "--reason", "r"], "cannot read"),
    ],
)
def test_unusable_input_is_exit_2_with_one_line(restored_db, args, said):
    """A missing file, an unsigned one, a directory or an empty reason: exit 2, one line,
    nothing recorded."""
    co, where, a, backup, _b = restored_db
    (where / "forged.json").write_text(
        json.dumps({"point": {"chain": co.pk, "seq": a, "hash": "0" * 64}, "signature": "AAAA"})
    )
    args = [x.format(where=where, co=co.pk, a=a) for x in args]
    with pytest.raises(CommandError) as err:
        call_command("audit", "restored", *args)
    assert err.value.returncode == 2 and said in str(err.value)
    assert "\n" not in str(err.value)
    assert _head(co) == backup


def test_the_restore_reads_in_words_on_the_auditors_pages():
    """No field code reaches a person: each field of the event has a label, in Chinese too."""
    from django.utils import translation

    from workflows.auditor.words import field_words
    from workflows.common.labels import action_label

    fields = ["restored_head", "from_checkpoint", "checkpoint_hash", "lost_checkpoints"]
    with translation.override("en"):
        assert action_label("trail_restored") == "Audit trail restored from a backup"
        assert field_words("restored_head", "trail_restored") == "Restored up to event"
    with translation.override("zh-hans"):
        assert action_label("trail_restored") == "审计轨迹已从备份恢复"
        for key in [*fields, "lost_up_to"]:
            words = field_words(key, "trail_restored")
            assert words.isascii() is False, key


def test_without_a_signing_key_nothing_is_recorded(restored_db, settings):
    """Only the verifying key on this machine: exit 2 before any event is appended (an
    event without its signed restore point would excuse nothing and confuse readers)."""
    co, where, a, backup, _b = restored_db
    settings.JIXIAO_CHECKPOINT_PUBLIC_KEY = "A" * 43 + "="
    settings.JIXIAO_CHECKPOINT_KEY = ""
    with pytest.raises(CommandError) as err:
        call_command(
            "audit",
            "restored",
            "--from-checkpoint",
            str(where / f"chain-{co.pk}-seq-{a}.json"),
            "--reason",
            "r",
        )
    assert err.value.returncode == 2 and "JIXIAO_CHECKPOINT_KEY" in str(err.value)
    assert _head(co) == backup
