"""After a database restore: a signed restore point (docs/operations.md, "Backup and
restore").

A backup restored is older than the checkpoints signed since it was taken: the chains
end before those checkpoints, and `audit verify --checkpoints` rightly says
"truncated" — exactly what deleting the newest events would look like. The trail is
append-only, so the restore is not hidden but recorded:

`audit restored --from-checkpoint FILE --reason TEXT` holds the restored chain to a
signed checkpoint it must still match (FILE, taken before the backup), appends a
`trail_restored` event that says from where and what was lost, and signs a *restore
point*: the new head (that event), the restored head, and the time. Kept beside the
checkpoints as `restore-chain-<id>-seq-<n>.json`, it tells verification and signing
that the checkpoints of that chain signed before it, beyond the restored head, were
lost with the restore (`superseded`), not cut off. Everything else is held as before:
the events up to the restored head must still match every checkpoint, the restore
event must stay where it was signed, and later checkpoints hold from it.

Only whoever holds the signing key can make a restore point: the runtime role can
append a `trail_restored` event, but without the signed file it excuses nothing."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from engine import clock

from .checkpoints import (
    NoKey,
    found_in,
    hold,
    public_key,
    signed,
    signing_key_problem,
    superseded_by,
    valid_signature,
)
from .models import AuditChainHead
from .services import INSTALLATION_CHAIN, record
from .signing import CHECKPOINT, RESTORE, _files, directory, lost_beyond, restore_points
from .verify import verify

RESTORED = "trail_restored"


class Unusable(Exception):
    """The named file or the reason cannot be used (exit 2)."""


class NotARestore(Exception):
    """The chain does not hold to the checkpoint it is said to be restored from (exit 1):
    that is a rewrite or damage, not a restore."""


@dataclass
class Restored:
    chain: int
    restored_head: int
    from_seq: int
    event_seq: int
    path: Path
    lost: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "chain": self.chain,
            "restored_head": self.restored_head,
            "from_checkpoint": self.from_seq,
            "event": self.event_seq,
            "lost_checkpoints": self.lost,
            "restore_point": str(self.path),
        }


def _anchor(source: Path) -> dict:
    """The one signed checkpoint in `source`."""
    try:
        found = found_in(source)
    except OSError as exc:
        raise Unusable(f"--from-checkpoint: cannot read {source}: {exc.strerror}") from exc
    key = public_key()
    good = [cp["point"] for cp in found if isinstance(cp, dict) and valid_signature(cp, key)]
    chains = {p.get("chain") for p in good}
    if not good:
        raise Unusable(f"--from-checkpoint: {source.name} holds no checkpoint that verifies")
    if len(chains) > 1:
        raise Unusable(f"--from-checkpoint: {source.name} holds checkpoints of several chains")
    return max(good, key=lambda p: int(p["seq"]))


def restore_record(*, source: Path, reason: str, where: Path) -> Restored:
    """Record and sign that the chain of the checkpoint in `source` was restored from a
    backup (see the module's docstring). Raises Unusable (the file, the reason, no
    key) or NotARestore (the chain does not verify, or not against `source`)."""
    reason = (reason or "").strip()
    if not reason:
        raise Unusable("--reason: say why the database was restored")
    key = signing_key_problem()
    if key is not None:
        raise Unusable(f"a restore point cannot be signed: {key}")
    try:  # before anything is recorded: the event and its signed file go together
        where.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise Unusable(f"--dir: cannot write {where}: {exc.strerror}") from exc
    if not os.access(where, os.W_OK):
        raise Unusable(f"--dir: cannot write {where}")
    point = _anchor(source)
    chain = int(point["chain"])
    checked = verify([chain])
    if not checked["ok"]:
        raise NotARestore(
            f"chain {chain} does not verify (event {checked.get('seq')}: "
            f"{checked.get('reason')}): not a restore"
        )
    problems = hold(point, source.name)
    if problems:
        raise NotARestore(f"{problems[0].problem}: not restored from {source.name}")
    head, head_hash = AuditChainHead.objects.filter(chain=chain).values_list(
        "last_seq", "last_hash"
    ).first() or (0, "")
    lost = lost_beyond(chain, head, where)
    with transaction.atomic():
        event = record(
            company=None if chain == INSTALLATION_CHAIN else chain,
            actor=None,
            action=RESTORED,
            object_type="org.company",
            object_id=chain,
            after={
                "restored_head": head,
                "from_checkpoint": int(point["seq"]),
                "checkpoint_hash": point["hash"],
                "lost_checkpoints": len(lost),
                "lost_up_to": lost[-1] if lost else None,
            },
            reason=reason,
        )
    cp = signed(
        {
            "chain": chain,
            "seq": event.seq,
            "hash": event.hash,
            "at": clock.now().isoformat(),
            "restored": {
                "head": head,
                "head_hash": head_hash,
                "from": {"seq": int(point["seq"]), "hash": point["hash"], "at": point.get("at")},
                "lost": lost,
            },
        }
    )
    where.mkdir(parents=True, exist_ok=True)
    path = where / f"restore-chain-{chain}-seq-{event.seq}.json"
    with open(path, "x", encoding="utf-8") as out:
        out.write(json.dumps(cp, sort_keys=True, indent=1))
    return Restored(chain, head, int(point["seq"]), event.seq, path, lost)


def signed_heads(where: Path | None = None) -> dict[int, int]:
    """Per chain, the highest event a checkpoint or restore point in `where` names,
    passing over checkpoints a restore superseded: one listing of the directory (only the
    chains with a restore point read files). Not checked against the chains: /health/'s
    cheap look at whether the signing keeps up."""
    where = where or directory()
    heads: dict[int, int] = {}
    by_chain: dict[int, list[tuple[int, str]]] = {}
    for chain, seq, name in _files(where, CHECKPOINT) + _files(where, RESTORE):
        by_chain.setdefault(chain, []).append((seq, name))
    restored = {c for c, _s, _n in _files(where, RESTORE)}
    for chain, files in by_chain.items():
        if chain not in restored:
            heads[chain] = max(seq for seq, _n in files)
            continue
        try:
            restores = restore_points(where, chain)
        except NoKey:
            restores = []
        for seq, name in sorted(files, reverse=True):
            try:
                point = json.loads((where / name).read_text())["point"]
            except (OSError, ValueError, KeyError, TypeError):
                continue
            if not superseded_by(point, restores):
                heads[chain] = seq
                break
    return heads
