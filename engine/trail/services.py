"""The one write of the auditor's pages: verifying the trail leaves its own event, so
"last verified — when, by whom, with what result" is itself on the chain it speaks of
and cannot be claimed without leaving a trace."""

from __future__ import annotations

from django.db import transaction

from engine.audit.models import AuditChainHead
from engine.audit.services import record
from engine.audit.verify import verify
from engine.errors import Forbidden
from engine.org.selectors import company_roles

from .selectors import READERS, auditable_companies

VERIFIED = "trail_verify"


def trail_verify(*, actor) -> dict[int, dict]:
    """Re-compute every hash of each chain the actor audits; record the outcome on that
    chain (`trail_verify` with the head it checked). Returns chain → outcome."""
    companies = sorted(auditable_companies(actor))
    if not companies:
        raise Forbidden(
            "only auditors, HR and the GM verify the audit trail", field="user", rule="role:audit"
        )
    roles = company_roles(actor)
    out: dict[int, dict] = {}
    for chain in companies:
        result = verify([chain])
        head = AuditChainHead.objects.filter(chain=chain).first()
        outcome = {
            "ok": result["ok"],
            "events": head.last_seq if head else 0,
            "head_hash": head.last_hash if head else "",
        }
        if not result["ok"]:
            outcome.update(seq=result.get("seq"), problem=result.get("reason"))
        role = next(r for r in ("auditor", "hr", "gm") if r in roles.get(chain, set()) & READERS)
        with transaction.atomic():
            record(
                company=chain,
                actor=actor,
                role=role,
                action=VERIFIED,
                object_type="org.company",
                object_id=chain,
                after=outcome,
            )
        out[chain] = outcome
    return out
