"""Nothing signs a broken chain (engine/audit/signing.py): before a checkpoint is
signed the chain is held to the newest signed one, so a rewrite by the database owner
of events a checkpoint covered — every later hash recomputed with the project's own
hashing, triggers dropped as a superuser would — is refused when it comes to signing:
no checkpoint, a CRITICAL log line, a refusal kept beside the checkpoints, HR and the
auditors told, and `audit verify --json` and the verification page saying so."""

import json
import logging
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction

from engine.audit import triggers
from engine.audit.canonical import GENESIS, chain_hash
from engine.audit.models import AuditChainHead, AuditEvent
from engine.audit.services import record
from engine.audit.signing import examine, sign, sign_after_commit, sign_all
from engine.audit.tasks import write_checkpoints
from engine.audit.verify import verify
from engine.notifications.models import Notification
from engine.org import services as org_services
from engine.trail.selectors import verification_state

pytestmark = pytest.mark.django_db


def _record(company, n):
    with transaction.atomic():
        for i in range(n):
            record(company=company, actor=None, action="test", object_type="t", object_id=i)


def _files(pattern: str) -> list[str]:
    where = Path(settings.JIXIAO_CHECKPOINT_DIR)
    return sorted(p.name for p in where.glob(pattern)) if where.exists() else []


def _rewrite(co, seq: int, *, rehash: bool = True) -> None:
    """The owner's rewrite: triggers dropped, event `seq`'s reason forged by raw SQL and,
    with `rehash`, every hash from there recomputed by the project's own hashing and the
    head moved to the new last hash — a chain that verifies on its own."""
    events = list(AuditEvent.objects.filter(chain=co.pk).order_by("seq"))
    prev = GENESIS
    triggers.drop(connection)
    with connection.cursor() as cur:
        for ev in events:
            if ev.seq == seq:
                ev.reason = "forged"
                cur.execute(
                    "UPDATE audit_auditevent SET reason = %s WHERE id = %s", [ev.reason, ev.pk]
                )
            if rehash and ev.seq >= seq:
                ev.prev_hash, ev.hash = prev, chain_hash(prev, ev.payload())
                cur.execute(
                    "UPDATE audit_auditevent SET prev_hash = %s, hash = %s WHERE id = %s",
                    [ev.prev_hash, ev.hash, ev.pk],
                )
            prev = ev.hash
        if rehash:
            cur.execute(
                "UPDATE audit_auditchainhead SET last_hash = %s WHERE chain = %s", [prev, co.pk]
            )
    triggers.install(connection)


@pytest.fixture
def signed_once(org):
    """The company with an HR person and an auditor, five events more, a checkpoint
    signed by the hourly run, then three events more (not yet signed)."""
    co = org["company"]
    for name, role in (("hr1", "hr"), ("aud1", "auditor")):
        user = org_services.user_create(username=name, password="x")
        org_services.company_role_grant(actor=None, company=co, user=user, role=role)
    _record(co, 5)
    assert write_checkpoints() >= 1
    first = AuditChainHead.objects.get(chain=co.pk).last_seq
    assert _files(f"chain-{co.pk}-seq-*.json") == [f"chain-{co.pk}-seq-{first}.json"]
    _record(co, 3)
    return co, first


@pytest.mark.parametrize("when", ["hourly", "after a commit"])
def test_a_rewrite_under_a_checkpoint_is_refused_at_signing(
    signed_once, when, caplog, capsys, client, django_capture_on_commit_callbacks
):
    """Event 2 — covered by the signed checkpoint — forged and every later hash
    recomputed: the chain verifies on its own, yet neither the hourly run nor the
    signing after a commit signs it. The refusal is logged at CRITICAL, kept as a file,
    HR and the auditor are told once, `audit verify --json` exits 1 naming it, and the
    verification page shows it."""
    co, first = signed_once
    _rewrite(co, 2)
    assert verify()["ok"] is True  # the chain alone cannot tell
    caplog.set_level(logging.INFO, logger="engine.audit.signing")
    if when == "hourly":
        assert write_checkpoints() == 0
    else:
        with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
            sign_after_commit(co.pk)
            sign_after_commit(co.pk)  # asked twice in one transaction: one signing
        assert type(callbacks[0]).__name__ == "_SignAfterCommit"
        assert sum(type(c).__name__ == "_SignAfterCommit" for c in callbacks) == 1
    assert _files(f"chain-{co.pk}-seq-*.json") == [f"chain-{co.pk}-seq-{first}.json"]
    (refusal,) = _files(f"refused-chain-{co.pk}-*.json")
    assert refusal == f"refused-chain-{co.pk}-after-{first}.json"
    critical = [r for r in caplog.records if r.levelno == logging.CRITICAL]
    assert critical and f"audit chain {co.pk}" in critical[0].getMessage()
    assert "no checkpoint signed" in critical[0].getMessage()
    told = Notification.objects.filter(kind="trail_refused", company=co)
    assert sorted(n.user.username for n in told) == ["aud1", "hr1"]
    assert f"chain {co.pk} was rewritten: event {first}" in told[0].params["detail"]

    sign(co.pk)  # refused again: the same incident, nobody told twice
    assert told.count() == 2 and len(_files(f"refused-chain-{co.pk}-*.json")) == 1

    with pytest.raises(SystemExit) as exit_:
        call_command("audit", "verify", "--json")
    assert exit_.value.code == 1
    out = json.loads(capsys.readouterr().out)
    assert out["ok"] is False and out["signing"]["chains"] == 1
    (problem,) = out["signing"]["problems"]
    assert problem["chain"] == co.pk and "rewritten" in problem["problem"]
    (open_,) = out["signing"]["refusals"]
    assert open_["chain"] == co.pk and open_["after"] == first

    auditor = told.get(user__username="aud1").user
    (state,) = verification_state(auditor)
    assert state["refused"]["after"] == first and state["checkpoint_holds"] is False
    client.force_login(auditor)
    page = client.get("/audit/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Signing refused" in page and f"checkpoint at event {first}" in page


def test_a_content_edit_under_a_checkpoint_is_refused_by_the_hourly_run(signed_once):
    """Event 2 edited without recomputing anything: the hourly run re-computes the
    events the checkpoint covers and refuses. The signing after a commit starts at the
    checkpoint and signs — the head it signs is the genuine one, so the edit stays
    visible to `audit verify` and can never be made consistent with either checkpoint."""
    co, first = signed_once
    _rewrite(co, 2, rehash=False)
    assert verify()["ok"] is False
    assert sign_all() and not _files(f"chain-{co.pk}-seq-{first + 3}.json")
    assert examine(co.pk, full=True).problems == [
        f"chain {co.pk}, event 2: content does not match its hash"
    ]
    assert sign(co.pk).path.name == f"chain-{co.pk}-seq-{first + 3}.json"


def test_a_rewrite_after_the_checkpoint_is_refused_unless_rehashed(signed_once):
    """An event after the last checkpoint edited in place is refused (its hash no longer
    matches). Edited and rehashed to the head, it is signed: the one rewrite nothing
    can detect (docs/operations.md, "What remains undetectable")."""
    co, first = signed_once
    _rewrite(co, first + 2, rehash=False)
    refused = sign(co.pk)
    assert refused.checkpoint is None
    assert refused.refused == [f"chain {co.pk}, event {first + 2}: content does not match its hash"]

    other = org_services.company_create(actor=None, code="other", name="Other")
    _record(other, 2)
    signed = sign(other.pk).checkpoint["point"]["seq"]
    _record(other, 2)
    _rewrite(other, signed + 1)  # after its checkpoint, every later hash recomputed
    assert sign(other.pk).path.name == f"chain-{other.pk}-seq-{signed + 2}.json"


def test_a_forged_checkpoint_file_stops_signing(signed_once):
    """A newer checkpoint file whose signature does not verify is no base to sign from:
    the chain is refused, naming the file."""
    co, first = signed_once
    where = Path(settings.JIXIAO_CHECKPOINT_DIR)
    cp = json.loads((where / f"chain-{co.pk}-seq-{first}.json").read_text())
    cp["point"]["seq"] = first + 3
    (where / f"chain-{co.pk}-seq-{first + 3}.json").write_text(json.dumps(cp))
    result = sign(co.pk)
    assert result.checkpoint is None
    assert result.refused == [f"checkpoint file chain-{co.pk}-seq-{first + 3}.json does not verify"]


def test_publication_and_payroll_export_sign_after_commit(
    workshop, set_clock, django_capture_on_commit_callbacks
):
    """The GM's approval publishes: once it commits, one checkpoint of the company's
    chain at its new head. A payroll export does the same, covering its own event."""
    from engine.payroll.services import payroll_export
    from tests.month import at, run_chain

    w = workshop
    chain = w.company.pk
    with django_capture_on_commit_callbacks(execute=True):
        run_chain(w, "staff02", set_clock, self_at=at(2026, 11, 1), sup_at=at(2026, 11, 4))
    head = AuditChainHead.objects.get(chain=chain).last_seq
    assert AuditEvent.objects.filter(chain=chain, action="publish").exists()
    assert _files(f"chain-{chain}-seq-*.json") == [f"chain-{chain}-seq-{head}.json"]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        export = payroll_export(actor=w.u["hr"], cycle=w.cycle, fmt="csv")
    assert sum(type(c).__name__ == "_SignAfterCommit" for c in callbacks) == 1
    head = AuditChainHead.objects.get(chain=chain).last_seq
    assert AuditEvent.objects.get(chain=chain, seq=head).action == "payroll_export"
    assert f"chain-{chain}-seq-{head}.json" in _files(f"chain-{chain}-seq-*.json")
    assert b"jixiao-checkpoint:" in export.content


def test_a_failed_signing_never_fails_the_publication(
    workshop, set_clock, django_capture_on_commit_callbacks, caplog, tmp_path
):
    """The checkpoint directory cannot be written (a file stands where it should be):
    the GM's approval still publishes; the failure is logged at ERROR and HR is told."""
    from tests.month import at, run_chain

    blocked = tmp_path / "not-a-directory"
    blocked.write_text("")
    settings.JIXIAO_CHECKPOINT_DIR = str(blocked)
    w = workshop
    caplog.set_level(logging.INFO, logger="engine.audit.signing")
    with django_capture_on_commit_callbacks(execute=True):
        a = run_chain(w, "staff02", set_clock, self_at=at(2026, 11, 1), sup_at=at(2026, 11, 4))
    assert a.state == "published"
    assert any(r.levelno == logging.ERROR for r in caplog.records)
    assert Notification.objects.filter(kind="trail_failed", user=w.u["hr"]).exists()


def test_a_payroll_export_of_a_refused_chain_says_it_is_not_signed(workshop, set_clock):
    """An export of a chain that fails its check carries no checkpoint; its "about"
    sheet says why, and the export still goes out."""
    from engine.payroll.services import payroll_export

    w = workshop
    assert sign(w.company.pk).path is not None
    _rewrite(w.company, 3)
    export = payroll_export(actor=w.u["hr"], cycle=w.cycle, fmt="csv", language="en")
    text = export.content.decode("utf-8-sig")
    assert "jixiao-checkpoint:" not in text
    assert "Not signed: the audit trail fails its check" in text


def test_a_rotated_key_starts_afresh_from_the_first_event(signed_once, settings):
    """After the signing key changes, the old key's checkpoints are passed over (not
    called forgeries): the chain is re-computed from its first event and signed."""
    co, first = signed_once
    settings.JIXIAO_CHECKPOINT_KEY = "cm90YXRlZC10ZXN0LWNoZWNrcG9pbnQta2V5LTMyYnk="
    result = sign(co.pk)
    assert result.refused == [] and result.path.name == f"chain-{co.pk}-seq-{first + 3}.json"
    _rewrite(co, 2)
    assert sign(co.pk).refused  # held to the new key's checkpoint from now on
