"""Signing a chain's head — only after holding the chain to its last signed checkpoint
(docs/operations.md, "What the trail proves").

Whoever owns the database can rewrite an event and recompute every later hash; the
chain then verifies on its own. Signing that head would make the rewrite part of the
signed record, so before a checkpoint is signed the chain is held to the newest one in
the checkpoint directory: the event it names must still carry its hash, and every
event after it must follow from it and hash to what it says. When that fails nothing
is signed: the refusal is logged at CRITICAL (`engine.audit.signing`), kept as a
`refused-chain-<id>-after-<seq>.json` file beside the checkpoints, and `alert` is sent
(engine.notifications tells the company's HR and auditors).

Checkpoints are signed every hour (beat), after the commit of every publication and
payroll export (`sign_after_commit`: one per chain and commit, however many events),
and into every export (`for_export`: in the file, not the directory)."""

from __future__ import annotations

import json
import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.dispatch import Signal

from engine import clock
from engine.heartbeats.models import Heartbeat
from engine.heartbeats.services import heartbeat_record

from .canonical import GENESIS
from .checkpoints import (
    NoKey,
    hold,
    key_id,
    public_key,
    restore_of,
    signed,
    superseded_by,
    valid_signature,
)
from .models import AuditChainHead
from .verify import walk

log = logging.getLogger(__name__)

# Sent (robustly) when a chain is refused a signature (kind "refused") or signing after
# a commit failed for another reason (kind "failed"): chain, kind, detail, key — the
# key is the same for every repeat of one incident, so people are told once.
alert = Signal()

# A second checkpoint of the same event number gets a suffix (`chain-3-seq-8.2.json`):
# after a restore, the chain's new event 8 is not the lost one a file already names.
CHECKPOINT = re.compile(r"^chain-(\d+)-seq-(\d+)(?:\.\d+)?\.json$")
RESTORE = re.compile(r"^restore-chain-(\d+)-seq-(\d+)\.json$")  # engine/audit/restore.py
REFUSAL = re.compile(r"^refused-chain-(\d+)-after-(\d+)\.json$")


def directory() -> Path:
    return Path(settings.JIXIAO_CHECKPOINT_DIR)


def _files(
    where: Path, pattern: re.Pattern, chain: int | None = None
) -> list[tuple[int, int, str]]:
    """(chain, seq, name) of the files in `where` whose name matches (of one chain when
    given: a year of signings is thousands of files, most of other chains); none when
    the directory does not exist yet."""
    try:
        with os.scandir(where) as entries:
            names = [e.name for e in entries]
    except OSError:
        return []
    if chain is not None:
        mark = f"-{chain}-"
        names = [n for n in names if mark in n]
    found = (pattern.match(n) for n in names)
    return [
        (int(m[1]), int(m[2]), m[0]) for m in found if m and (chain is None or int(m[1]) == chain)
    ]


def restore_points(where: Path, chain: int | None = None) -> list[dict]:
    """The points of the restore files in `where` whose signature verifies."""
    key = public_key()
    pattern = f"restore-chain-{chain}-seq-*.json" if chain is not None else "restore-chain-*.json"
    out = []
    for path in sorted(where.glob(pattern)) if where.is_dir() else []:
        try:
            cp = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        if isinstance(cp, dict) and valid_signature(cp, key) and restore_of(cp.get("point")):
            out.append(cp["point"])
    return out


def lost_beyond(chain: int, head: int, where: Path) -> list[int]:
    """Sequence numbers of the chain's signed checkpoints in `where` beyond the head."""
    key = public_key()
    seqs = set()
    for _c, seq, name in _files(where, CHECKPOINT, chain) + _files(where, RESTORE, chain):
        if seq <= head:
            continue
        try:
            cp = json.loads((where / name).read_text())
        except (OSError, ValueError):
            continue
        if valid_signature(cp, key):
            seqs.add(seq)
    return sorted(seqs)


def newest(chain: int, where: Path) -> tuple[dict | None, list[str]]:
    """The point of the chain's newest checkpoint in `where` whose signature verifies,
    and a problem for each newer file that does not (a forged or damaged checkpoint
    is never a base to sign from). A checkpoint of another key (one rotated out) is
    passed over: signing starts from the newest of the current key, or from the first
    event (docs/operations.md, "Rotating the signing key"). A restore point counts as a
    checkpoint, and a checkpoint it superseded (lost with the restore) is passed over."""
    key = public_key()
    current = key_id(key)
    restores = restore_points(where, chain)
    bad = []
    files = _files(where, CHECKPOINT, chain) + _files(where, RESTORE, chain)
    for seq, name in sorted(((s, n) for c, s, n in files), reverse=True):
        try:
            cp = json.loads((where / name).read_text())
            point = cp["point"]
            if point.get("key") != current or superseded_by(point, restores):
                continue
            ok = valid_signature(cp, key) and (int(point["chain"]), int(point["seq"])) == (
                chain,
                seq,
            )
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            ok = False
        if ok:
            return point, bad
        bad.append(f"checkpoint file {name} does not verify")
    return None, bad


@dataclass
class Examined:
    chain: int
    seq: int  # the head: what would be signed
    hash: str
    base: dict | None  # the newest signed checkpoint it was held to
    problems: list[str]


def examine(chain: int, *, where: Path | None = None, full: bool = False) -> Examined:
    """Hold the chain to its newest signed checkpoint: that event still carries the
    signed hash, and every event after it, up to the head, follows and hashes to what it
    says. `full` re-computes the events the checkpoint covers as well (from the first)."""
    base, problems = newest(chain, where or directory())
    head = AuditChainHead.objects.filter(chain=chain).values_list("last_seq", "last_hash").first()
    seq, last = head if head else (0, GENESIS)
    after, prev, expect = 0, GENESIS, {}
    if base is not None and int(base["seq"]) > 0:
        signed_seq = int(base["seq"])
        problems += [f.problem for f in hold(base, "")]
        if seq < signed_seq:
            problems.append(
                f"chain {chain}'s head is at event {seq}, before the checkpoint's {signed_seq}"
            )
        if full:
            expect = {signed_seq: base["hash"]}
        else:
            after, prev = signed_seq, base["hash"]
    if not problems:
        done = walk(chain, after=after, prev=prev, upto=seq, expect=expect)
        if done.problem is not None:
            problems.append(f"chain {chain}, event {done.problem.seq}: {done.problem.reason}")
        elif (done.last_seq, done.last_hash) != (seq, last):
            problems.append(
                f"chain {chain}'s head (event {seq}) does not match its last event "
                f"({done.last_seq})"
            )
    return Examined(chain, seq, last, base, problems)


@dataclass
class Signing:
    chain: int
    checkpoint: dict[str, Any] | None = None
    path: Path | None = None  # the file written; None when the head was signed already
    refused: list[str] = field(default_factory=list)


def sign(
    chain: int, *, where: Path | None = None, full: bool = False, keep: bool = True
) -> Signing:
    """Examine the chain and sign its head, or refuse. `keep` writes the checkpoint to
    `where` (never overwriting a file); an export keeps its own in the file instead.
    Raises NoKey when no signing key is configured."""
    where = where or directory()
    found = examine(chain, where=where, full=full)
    if found.problems:
        _refuse(found, where)
        return Signing(chain, refused=found.problems)
    if found.seq == 0 or (keep and found.base and int(found.base["seq"]) == found.seq):
        return Signing(chain)  # nothing new to sign
    cp = signed(
        {"chain": chain, "seq": found.seq, "hash": found.hash, "at": clock.now().isoformat()}
    )
    if not keep:
        return Signing(chain, cp)
    where.mkdir(parents=True, exist_ok=True)
    for n in range(1, 100):
        path = where / f"chain-{chain}-seq-{found.seq}{'' if n == 1 else f'.{n}'}.json"
        try:
            with open(path, "x", encoding="utf-8") as out:
                out.write(json.dumps(cp, sort_keys=True, indent=1))
        except FileExistsError:
            if _names_hash(path, found.hash):  # another process signed this head just now
                return Signing(chain, cp)
            continue  # a checkpoint lost with a restore: this event is another one
        return Signing(chain, cp, path)
    raise OSError(f"chain {chain}: too many checkpoints of event {found.seq} in {where}")


def _names_hash(path: Path, expected: str) -> bool:
    try:
        return json.loads(path.read_text())["point"]["hash"] == expected
    except (OSError, ValueError, KeyError, TypeError):
        return False


def sign_all(where: Path | None = None, *, full: bool = True) -> list[Signing]:
    """Every chain (beat's hourly run, `audit checkpoint`); by default the events the
    last checkpoints cover are re-computed too. Raises NoKey without a key."""
    started = clock.now()
    chains = AuditChainHead.objects.order_by("chain").values_list("chain", flat=True)
    done = [sign(chain, where=where, full=full) for chain in chains]
    # /health/ and /metrics read the age of the last run (a run that signs nothing new
    # writes no file, so the files alone cannot say whether the hourly job runs).
    heartbeat_record(job=Heartbeat.Job.CHECKPOINTS, at=started)
    return done


def for_export(chain: int) -> Signing:
    """The chain's head signed for an export file, after the same check (a refusal is
    alerted and leaves `checkpoint` None); empty without a key."""
    try:
        return sign(chain, keep=False)
    except NoKey:
        return Signing(chain)


class _SignAfterCommit:
    """One on-commit callback per chain and transaction; it never raises."""

    def __init__(self, chain: int) -> None:
        self.chain, self.done = chain, False

    def __call__(self) -> None:
        self.done = True
        try:
            sign(self.chain)
        except NoKey:
            return
        except Exception as exc:  # the user's change is committed: tell, never fail it
            log.exception("audit chain %s: signing after the commit failed", self.chain)
            key = f"failed:{self.chain}:{clock.now():%Y-%m-%d}"  # told once a day
            _send(self.chain, "failed", f"{type(exc).__name__}: {exc}", key)


def sign_after_commit(chain: int | None) -> None:
    """Sign the chain's head once the caller's transaction commits (a publication, a
    payroll export). Asked again in the same transaction, it adds nothing: a callback
    for this chain already waits, and a rollback that drops it drops the caller too."""
    chain = int(chain or 0)
    if any(
        isinstance(func, _SignAfterCommit) and func.chain == chain and not func.done
        for _sids, func, _robust in connection.run_on_commit
    ):
        return
    transaction.on_commit(_SignAfterCommit(chain))


def _refuse(found: Examined, where: Path) -> None:
    detail = "; ".join(found.problems)
    after = int(found.base["seq"]) if found.base else 0
    log.critical(
        "audit chain %s fails its check against the checkpoint at event %s; "
        "no checkpoint signed: %s",
        found.chain,
        after,
        detail,
    )
    record = {
        "refused": {
            "chain": found.chain,
            "after": after,
            "checkpoint": found.base,
            "head": {"seq": found.seq, "hash": found.hash},
            "at": clock.now().isoformat(),
            "problems": found.problems,
        }
    }
    try:  # one file per incident: refusals against the same checkpoint are one
        where.mkdir(parents=True, exist_ok=True)
        with open(where / f"refused-chain-{found.chain}-after-{after}.json", "x") as out:
            out.write(json.dumps(record, sort_keys=True, indent=1))
    except FileExistsError:
        pass
    except OSError:
        log.exception("audit chain %s: the refusal could not be kept in %s", found.chain, where)
    _send(found.chain, "refused", detail, f"refused:{found.chain}:{after}")


def _send(chain: int, kind: str, detail: str, key: str) -> None:
    for receiver, outcome in alert.send_robust(
        sender=Signing, chain=chain, kind=kind, detail=detail, key=key
    ):
        if isinstance(outcome, Exception):
            log.error("audit chain %s: alert %s failed: %s", chain, receiver, outcome)


def open_refusals(where: Path | None = None) -> dict[int, dict]:
    """Per chain, the refusal kept in the directory that no checkpoint signed since has
    closed (the newest signed checkpoint is still the one it was refused against)."""
    where = where or directory()
    out: dict[int, dict] = {}
    for chain, after, name in _files(where, REFUSAL):
        try:
            base, _bad = newest(chain, where)
        except NoKey:
            base = None
        if base is not None and int(base["seq"]) > after:
            continue
        try:
            record = json.loads((where / name).read_text())["refused"]
        except (OSError, ValueError, KeyError, TypeError):
            record = {"chain": chain, "after": after, "problems": [f"{name} is unreadable"]}
        if _restored_since(chain, record, where):
            continue  # the chain was restored from a backup since: a new start
        if chain not in out or after > out[chain].get("after", -1):
            out[chain] = {**record, "file": name}
    return out


def _restored_since(chain: int, refusal: dict, where: Path) -> bool:
    """A restore point of the chain made after the refusal closes it."""
    try:
        restores = restore_points(where, chain)
    except NoKey:
        return False
    return (
        superseded_by({"chain": chain, "seq": 2**62, "at": refusal.get("at")}, restores) is not None
    )


def held(where: Path | None = None) -> dict[str, Any]:
    """`audit verify`'s look at the checkpoint directory: each chain that has a signed
    checkpoint there held to the newest one (as a signing would), and the open refusals."""
    where = where or directory()
    chains = sorted({c for c, _s, _n in _files(where, CHECKPOINT) + _files(where, RESTORE)})
    problems = []
    for chain in chains:
        found = examine(chain, where=where)
        problems += [{"chain": chain, "problem": p} for p in found.problems]
    return {
        "checkpoint_dir": str(where),
        "chains": len(chains),
        "problems": problems,
        "refusals": sorted(open_refusals(where).values(), key=lambda r: r["chain"]),
    }
