"""Signed checkpoints of each company's audit chain (docs/operations.md, "What the
trail proves"). The hash chain shows that events were not edited one by one, but whoever
can write the database can also delete the last events and roll the head back, drop a
whole chain, or rewrite an event and recompute every later hash. A checkpoint is the
chain's head (sequence number and hash) signed with an Ed25519 key that is not in the
database, kept where the database cannot reach it — files in a directory, every payroll
export, every trail export. `verify_against` holds the current chain to every such
checkpoint: a chain shorter than one of them, missing, or with another hash at the
checkpoint's position is reported by name."""

from __future__ import annotations

import base64
import binascii
import csv
import datetime as dt
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings

from .models import AuditEvent

MARK = "jixiao-checkpoint:"  # how a checkpoint is found inside an export


class NoKey(Exception):
    """No signing key is configured (JIXIAO_CHECKPOINT_KEY)."""


def _private() -> Ed25519PrivateKey:
    raw = getattr(settings, "JIXIAO_CHECKPOINT_KEY", "") or ""
    if not raw:
        raise NoKey("set JIXIAO_CHECKPOINT_KEY (base64 of a 32-byte Ed25519 seed)")
    try:
        seed = base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise NoKey("JIXIAO_CHECKPOINT_KEY is not base64") from exc
    if len(seed) != 32:
        raise NoKey("JIXIAO_CHECKPOINT_KEY must be 32 bytes")
    return Ed25519PrivateKey.from_private_bytes(seed)


def public_key() -> Ed25519PublicKey:
    """The verifying key: JIXIAO_CHECKPOINT_PUBLIC_KEY when set (an auditor's machine
    need not hold the signing key), else derived from the signing key."""
    raw = getattr(settings, "JIXIAO_CHECKPOINT_PUBLIC_KEY", "") or ""
    if raw:
        return Ed25519PublicKey.from_public_bytes(base64.b64decode(raw))
    return _private().public_key()


def signing_key_problem() -> str | None:
    """What is wrong with the signing key (unset, not base64, not 32 bytes), or None
    when checkpoints can be signed: `manage.py production --check` refuses without."""
    try:
        _private()
    except NoKey as exc:
        return str(exc)
    return None


def key_id(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return base64.b64encode(raw).decode()[:16]


def _body(point: dict[str, Any]) -> bytes:
    return json.dumps(point, sort_keys=True, separators=(",", ":")).encode()


def signed(point: dict[str, Any]) -> dict[str, Any]:
    """A point (chain, seq, hash, at) signed with the key; raises NoKey without one.
    Only engine/audit/signing.py calls it, after holding the chain to its last
    checkpoint, and engine/audit/restore.py, after holding a restored chain to the
    checkpoint it is restored from: nothing signs a chain unchecked."""
    key = _private()
    point = {**point, "key": key_id(key.public_key())}
    return {"point": point, "signature": base64.b64encode(key.sign(_body(point))).decode()}


def as_text(cp: dict[str, Any]) -> str:
    """One line that survives a spreadsheet: the mark and compact JSON."""
    return MARK + json.dumps(cp, sort_keys=True, separators=(",", ":"))


def _from_text(text: str) -> list[dict]:
    out = []
    for piece in text.split(MARK)[1:]:
        try:
            obj, _end = json.JSONDecoder().raw_decode(piece)
        except ValueError:
            continue
        if isinstance(obj, dict):
            out.append(obj)
    return out


def found_in(path: Path) -> list[dict]:
    """The checkpoints in a file: a checkpoint file, or an export that carries one
    (payroll or trail XLSX, CSV or JSON)."""
    data = path.read_bytes()
    if path.suffix == ".xlsx":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                text = " ".join(
                    z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml")
                )
        except zipfile.BadZipFile:
            return []
        return _from_text(text.replace("&quot;", '"').replace("&amp;", "&"))
    text = data.decode("utf-8-sig", "replace")
    if path.suffix == ".csv":
        text = " ".join(cell for row in csv.reader(io.StringIO(text)) for cell in row)
    if MARK in text:
        return _from_text(text)
    try:
        obj = json.loads(text)
    except ValueError:
        return []
    if isinstance(obj, dict) and "point" in obj:
        return [obj]
    if isinstance(obj, dict) and isinstance(obj.get("checkpoints"), list):
        return [c for c in obj["checkpoints"] if isinstance(c, dict)]
    return []


@dataclass
class Finding:
    source: str
    chain: int | None
    seq: int | None
    problem: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "chain": self.chain,
            "seq": self.seq,
            "problem": self.problem,
        }


def restore_of(point: dict) -> dict | None:
    """The `restored` part of a restore point, or None for a plain checkpoint."""
    r = point.get("restored") if isinstance(point, dict) else None
    return r if isinstance(r, dict) else None


def _when(point: dict) -> dt.datetime | None:
    try:
        at = dt.datetime.fromisoformat(str(point["at"]))
    except (KeyError, TypeError, ValueError):
        return None
    return at if at.tzinfo is not None else None


def superseded_by(point: dict, restores: list[dict]) -> dict | None:
    """The restore point (a signed point with `restored`, engine/audit/restore.py) that superseded `point`: of the
    same chain, made after it was signed, with a restored head before its event."""
    try:
        chain, seq = int(point["chain"]), int(point["seq"])
    except (KeyError, TypeError, ValueError):
        return None
    signed_at = _when(point)
    for r in restores:
        restored = restore_of(r) or {}
        try:
            same = int(r["chain"]) == chain and seq > int(restored["head"])
        except (KeyError, TypeError, ValueError):
            continue
        made = _when(r)
        if same and signed_at is not None and made is not None and signed_at < made:
            return r
    return None


def valid_signature(cp: dict, key: Ed25519PublicKey) -> bool:
    try:
        point, sig = cp["point"], base64.b64decode(cp["signature"])
        key.verify(sig, _body(point))
        return True
    except (KeyError, TypeError, ValueError, binascii.Error, InvalidSignature):
        return False


def verify_against(directory: Path) -> dict[str, Any]:
    """Every checkpoint under `directory` (files and exports) against the chains now."""
    key = public_key()
    findings: list[Finding] = []
    found: list[tuple[str, dict]] = []
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        for cp in found_in(path):
            if not valid_signature(cp, key):
                findings.append(Finding(path.name, None, None, "signature does not verify"))
                continue
            found.append((path.name, cp["point"]))
    # Signed restore points (engine/audit/restore.py): the checkpoints of their chain
    # signed before them, beyond the restored head, were lost with a database restore.
    restores = [point for _source, point in found if restore_of(point)]
    superseded = []
    for source, point in found:
        by = superseded_by(point, restores)
        if by is not None:
            superseded.append(
                {"source": source, "chain": point["chain"], "seq": point["seq"], "by": by["seq"]}
            )
            continue
        findings += hold(point, source)
    return {
        "ok": not findings,
        "checkpoints": len(found) + sum(1 for f in findings if f.chain is None),
        "superseded": superseded,
        "problems": [f.as_dict() for f in findings],
    }


def hold(point: dict, source: str) -> list[Finding]:
    chain, seq, expected = int(point["chain"]), int(point["seq"]), point["hash"]
    if seq == 0:
        return []
    events = AuditEvent.objects.filter(chain=chain)
    last = events.order_by("-seq").values_list("seq", flat=True).first()
    if last is None:
        return [
            Finding(source, chain, seq, f"chain {chain} is gone: the checkpoint saw {seq} events")
        ]
    if last < seq:
        return [
            Finding(
                source,
                chain,
                seq,
                f"chain {chain} is truncated: it ends at event {last}, the checkpoint saw {seq}",
            )
        ]
    at = events.filter(seq=seq).values_list("hash", flat=True).first()
    if at is None:
        return [Finding(source, chain, seq, f"chain {chain} lost event {seq}")]
    if at != expected:
        return [
            Finding(
                source,
                chain,
                seq,
                f"chain {chain} was rewritten: event {seq} hashes to {at[:12]}…, "
                f"the checkpoint says {expected[:12]}…",
            )
        ]
    return []
