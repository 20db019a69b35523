"""Putting rule packs to work for a company: activation pins the installed version's
templates, position mapping says which role a position is appraised as, and HR can
grant one more person read access to an appraisal."""

from __future__ import annotations

from django.db import transaction
from guardian.shortcuts import assign_perm

from engine import clock
from engine.audit.services import record_for
from engine.errors import InvalidInput
from engine.org.models import Company, Position
from engine.org.selectors import companies_of, require_hr
from engine.plugins import registry

from ..models import Appraisal, PackActivation, PositionMapping


def pack_activate(*, actor, company: Company, pack: str) -> PackActivation:
    """Store the installed version's templates for the company and make it active."""
    require_hr(actor, company.pk)
    try:
        rp = registry.get_pack(pack)
    except registry.PackUnavailable as exc:
        raise InvalidInput(exc.message, field="pack", rule="installed") from exc
    entry = next(e for e in registry.discover() if e.name == pack)
    with transaction.atomic():
        PackActivation.objects.select_for_update().filter(company=company, pack=pack).exists()
        existing = PackActivation.objects.filter(
            company=company, pack=pack, version=rp.version
        ).first()
        PackActivation.objects.filter(company=company, pack=pack, active=True).exclude(
            pk=getattr(existing, "pk", None)
        ).update(active=False)
        if existing is not None:
            if not existing.active:
                existing.active = True
                existing.save(update_fields=["active"])
            act = existing
        else:
            act = PackActivation.objects.create(
                company=company,
                pack=pack,
                version=rp.version,
                distribution=entry.distribution or "",
                templates={t.role: t.to_dict() for t in rp.roles},
                hashes={t.role: t.fingerprint() for t in rp.roles},
                activated_by=actor if getattr(actor, "pk", None) else None,
                activated_at=clock.now(),
            )
        record_for(
            act,
            actor=actor,
            role="hr",
            action="pack_activate",
            after={"pack": pack, "version": rp.version, "hashes": act.hashes},
        )
    return act


def position_map(
    *, actor, company: Company, position: Position, pack: str, role: str
) -> PositionMapping:
    require_hr(actor, company.pk)
    if position.company_id != company.pk:
        raise InvalidInput(
            "the position belongs to another company", field="position", rule="company"
        )
    act = PackActivation.objects.filter(company=company, pack=pack, active=True).first()
    if act is None:
        raise InvalidInput(
            f"pack {pack!r} is not active for this company", field="pack", rule="active"
        )
    if role not in act.templates:
        raise InvalidInput(f"pack {pack!r} has no role {role!r}", field="role", rule="exists")
    with transaction.atomic():
        m = PositionMapping.objects.select_for_update().filter(position=position).first()
        before = None if m is None else {"pack": m.pack, "role": m.role}
        m = m or PositionMapping(company=company, position=position)
        m.pack, m.role = pack, role
        m.save()
        record_for(
            m,
            actor=actor,
            role="hr",
            action="position_map",
            before=before,
            after={"position": position.code, "pack": pack, "role": role},
        )
    return m


def appraisal_grant_view(*, actor, appraisal: Appraisal, user, reason: str) -> None:
    """HR lets one more person read an appraisal (a deputy, an investigator)."""
    require_hr(actor, appraisal.company_id)
    if not reason or not reason.strip():
        raise InvalidInput("granting access needs a reason", field="reason", rule="required")
    if appraisal.company_id not in companies_of(user):
        raise InvalidInput(
            "the person does not belong to this company", field="user", rule="company"
        )
    with transaction.atomic():
        assign_perm("appraisals.view_appraisal", user, appraisal)
        record_for(
            appraisal,
            actor=actor,
            role="hr",
            action="grant_view",
            reason=reason,
            after={"user": user.pk},
        )
