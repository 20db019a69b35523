"""Putting a company on the built-in packs: activate each and map positions whose
code names a role (the demo's positions do). Used by the simulator and the tests."""

from __future__ import annotations

from engine.org.models import Company, Position
from engine.plugins import registry

from . import services
from .models import PositionMapping

# Positions that are not a pack role are appraised as general staff.
FALLBACK = ("general", "staff")


def company_on_builtin_packs(*, actor, company: Company) -> dict[str, str]:
    roles: dict[str, str] = {}
    for entry in registry.discover():
        if entry.valid and entry.distribution == "jixiao":
            services.pack_activate(actor=actor, company=company, pack=entry.name)
            for role in entry.pack.role_codes():
                roles[role] = entry.name
    mapped = set(
        PositionMapping.objects.filter(company=company).values_list("position_id", flat=True)
    )
    for pos in Position.objects.filter(company=company).exclude(pk__in=mapped):
        pack, role = (roles[pos.code], pos.code) if pos.code in roles else FALLBACK
        services.position_map(actor=actor, company=company, position=pos, pack=pack, role=role)
    return roles
