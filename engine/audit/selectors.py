"""Reading audit events: the row shape exports and pages share. Which events a
reader may see, and how objects relate, is decided above this layer (engine.trail)."""

from __future__ import annotations

from .models import AuditEvent


def as_row(e: AuditEvent) -> dict:
    return {
        "id": e.pk,
        "company": e.company_id,
        "seq": e.seq,
        "at": e.at.isoformat(),
        "actor": e.actor_label,
        "role": e.role,
        "object_type": e.object_type,
        "object_id": e.object_id,
        "action": e.action,
        "before": e.before,
        "after": e.after,
        "reason": e.reason,
        "hash": e.hash,
    }
