"""Re-computes every chain from its first event: the auditor's proof that nothing
was edited, deleted or inserted out of order."""

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


def _check_chain(chain: int) -> tuple[int, Problem | None]:
    prev, expected_seq, count = GENESIS, 1, 0
    qs = AuditEvent.objects.filter(chain=chain).order_by("seq")
    for ev in qs.iterator(chunk_size=2000):
        count += 1
        if ev.seq != expected_seq:
            return count, Problem(ev.pk, chain, ev.seq, f"sequence gap: expected {expected_seq}")
        if ev.prev_hash != prev:
            return count, Problem(ev.pk, chain, ev.seq, "previous hash does not match")
        if chain_hash(prev, ev.payload()) != ev.hash:
            return count, Problem(ev.pk, chain, ev.seq, "content does not match its hash")
        prev, expected_seq = ev.hash, expected_seq + 1
    head = AuditChainHead.objects.filter(chain=chain).first()
    if head is not None and (head.last_seq != expected_seq - 1 or head.last_hash != prev):
        return count, Problem(-1, chain, expected_seq, "chain is shorter than its head says")
    return count, None


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
