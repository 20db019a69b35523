"""Re-computes every chain from its first event: the auditor's proof that nothing
was edited, deleted or inserted out of order. `walk` re-computes one stretch of a
chain; the signer (engine/audit/signing.py) uses it from its last signed checkpoint."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .canonical import GENESIS, chain_hash
from .models import AuditChainHead, AuditEvent


@dataclass
class Problem:
    event_id: int
    chain: int
    seq: int
    reason: str


@dataclass
class Walked:
    count: int
    last_seq: int
    last_hash: str
    problem: Problem | None


def walk(
    chain: int,
    *,
    after: int = 0,
    prev: str = GENESIS,
    upto: int | None = None,
    expect: dict[int, str] | None = None,
) -> Walked:
    """Re-compute the events after `after` (whose hash is `prev`) up to `upto`: each must
    follow the one before (sequence, previous hash) and hash to what it says; an event
    named in `expect` must carry that hash (a signed checkpoint's)."""
    expect = expect or {}
    expected_seq, count = after + 1, 0
    qs = AuditEvent.objects.filter(chain=chain, seq__gt=after)
    if upto is not None:
        qs = qs.filter(seq__lte=upto)
    for ev in qs.order_by("seq").iterator(chunk_size=2000):
        count += 1
        if ev.seq != expected_seq:
            reason = f"sequence gap: expected {expected_seq}"
            return Walked(count, expected_seq - 1, prev, Problem(ev.pk, chain, ev.seq, reason))
        if ev.prev_hash != prev:
            reason = "previous hash does not match"
            return Walked(count, expected_seq - 1, prev, Problem(ev.pk, chain, ev.seq, reason))
        if chain_hash(prev, ev.payload()) != ev.hash:
            reason = "content does not match its hash"
            return Walked(count, expected_seq - 1, prev, Problem(ev.pk, chain, ev.seq, reason))
        if ev.seq in expect and expect[ev.seq] != ev.hash:
            reason = "hash differs from the signed checkpoint's"
            return Walked(count, expected_seq - 1, prev, Problem(ev.pk, chain, ev.seq, reason))
        prev, expected_seq = ev.hash, expected_seq + 1
    return Walked(count, expected_seq - 1, prev, None)


def _check_chain(chain: int) -> tuple[int, Problem | None]:
    done = walk(chain)
    if done.problem is not None:
        return done.count, done.problem
    head = AuditChainHead.objects.filter(chain=chain).first()
    if head is not None and (head.last_seq != done.last_seq or head.last_hash != done.last_hash):
        return done.count, Problem(
            -1, chain, done.last_seq + 1, "chain is shorter than its head says"
        )
    return done.count, None


def verify(chains: list[int] | None = None) -> dict[str, Any]:
    if chains is None:
        chains = sorted(
            set(AuditEvent.objects.values_list("chain", flat=True).distinct())
            | set(AuditChainHead.objects.values_list("chain", flat=True))
        )
    total, problems = 0, []
    for chain in chains:
        n, problem = _check_chain(chain)
        total += n
        if problem:
            problems.append(problem)
    result: dict[str, Any] = {"events": AuditEvent.objects.count(), "ok": not problems}
    if problems:
        first = min(problems, key=lambda p: (p.event_id < 0, p.event_id))
        result.update(
            first_bad_event=first.event_id if first.event_id >= 0 else None,
            chain=first.chain,
            seq=first.seq,
            reason=first.reason,
            checked=total,
        )
    return result
