"""Special bonus points (特别加分事项, seed 004 篇7/10/11): a reviewer who sees the
appraisal proposes points with what was done, a witness (证明人) and the evidence
attached; HR approves or rejects each one with a reason. Approved points count as the
pack's `special_bonus` event; a published result is published again."""

from __future__ import annotations

import uuid

from django.core.files.base import ContentFile
from django.db import transaction

from engine import clock
from engine.audit.services import record_for
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.org.selectors import require_hr

from ..attachments import check_attachment
from ..entries import entries_count_up
from ..models import Appraisal, SpecialBonus
from ..pinned_templates import template_for
from ..visibility import can_view
from .locks import lock_appraisal
from .publication import republish

EVENT = "special_bonus"


def special_bonus_propose(
    *,
    actor,
    appraisal_id: int,
    points: int,
    description: str,
    witness: str,
    evidence: tuple[str, bytes] | None,
) -> SpecialBonus:
    with transaction.atomic():
        a = lock_appraisal(appraisal_id)
        if not can_view(actor, a) or a.employee.user_id == actor.pk:
            raise Forbidden(
                "only a reviewer may propose bonus points", field="actor", rule="reviewer"
            )
        if template_for(a).event(EVENT) is None:
            raise InvalidInput(f"{a.pack} has no special bonus", field="appraisal", rule="unknown")
        if isinstance(points, bool) or not isinstance(points, int) or not 0 < points <= 20:
            raise InvalidInput("a whole number from 1 to 20", field="points", rule="range")
        for field, text in (("description", description), ("witness", witness)):
            if not isinstance(text, str) or not text.strip():
                raise InvalidInput("is needed", field=field, rule="required")
        if not evidence:
            raise InvalidInput("attach the evidence", field="evidence", rule="required")
        name, content = evidence
        ext, _ctype = check_attachment(0, name, content)
        bonus = SpecialBonus(
            appraisal=a,
            company_id=a.company_id,
            points=points,
            description=description.strip(),
            witness=witness.strip()[:100],
            evidence_name=name[:200],
            proposed_by=actor,
            proposed_at=clock.now(),
        )
        bonus.evidence.save(f"{uuid.uuid4().hex}.{ext}", ContentFile(content), save=False)
        bonus.save()
        record_for(
            a,
            actor=actor,
            action="special_bonus_propose",
            reason=bonus.description,
            after={"bonus": bonus.pk, "points": points, "witness": bonus.witness, "evidence": name},
        )
    return bonus


def special_bonus_decide(*, actor, bonus_id: int, approve: bool, reason: str) -> SpecialBonus:
    with transaction.atomic():
        bonus = SpecialBonus.objects.select_for_update().filter(pk=bonus_id).first()
        if bonus is None:
            raise NotFound("no such bonus", field="bonus", rule="exists")
        require_hr(actor, bonus.company_id)
        if bonus.state != SpecialBonus.State.PROPOSED:
            raise Conflict("this bonus has been decided", field="bonus", rule="once")
        if not isinstance(reason, str) or not reason.strip():
            raise InvalidInput("a decision needs its reason", field="reason", rule="required")
        a = lock_appraisal(bonus.appraisal_id)
        if a.employee.user_id == actor.pk:
            raise Forbidden("nobody approves their own bonus", field="actor", rule="own")
        bonus.state = SpecialBonus.State.APPROVED if approve else SpecialBonus.State.REJECTED
        bonus.decided_by, bonus.decided_at, bonus.decision_reason = (
            actor,
            clock.now(),
            reason.strip(),
        )
        bonus.save(update_fields=["state", "decided_by", "decided_at", "decision_reason"])
        if approve:
            entries_count_up(
                actor=actor,
                appraisal=a,
                event=EVENT,
                n=bonus.points,
                by="hr",
                action="special_bonus_decide",
                reason=reason.strip(),
                after={"bonus": bonus.pk, "approved": True},
            )
        else:
            record_for(
                a,
                actor=actor,
                role="hr",
                action="special_bonus_decide",
                reason=reason.strip(),
                after={"bonus": bonus.pk, "approved": False},
            )
        if approve and a.state in (Appraisal.State.PUBLISHED, Appraisal.State.FINAL):
            republish(
                a,
                actor,
                f"special bonus +{bonus.points}: {reason.strip()}",
                cause={"kind": "bonus", "points": bonus.points, "note": reason.strip()},
                role="hr",
            )
    return bonus
