"""Targets: where an appraisal's target comes from (pack default < cycle < the
employee's KPI contract) and what a target given by HR must be."""

from __future__ import annotations

from typing import Any

from engine.errors import InvalidInput
from engine.scoring import RoleTemplate
from engine.scoring.numbers import to_decimal
from engine.scoring.units import implausible


def resolve_targets(t: RoleTemplate, cycle_targets: dict, kpi: dict[str, str]) -> dict[str, str]:
    """Pack default < cycle value < the employee's own KPI contract."""
    out = {
        i.code: str(i.params["target"]) for i in t.indicators if i.params.get("target") is not None
    }
    out.update({k: str(v) for k, v in cycle_targets.get(t.pack, {}).get(t.role, {}).items()})
    out.update({k: v for k, v in kpi.items() if t.indicator(k) is not None})
    return out


def check_targets(targets: Any) -> None:
    """pack → role → indicator → a number ≥ 0, or InvalidInput naming the place."""
    if targets is not None and not isinstance(targets, dict):
        raise InvalidInput("must be pack → role → indicator → target", field="targets", rule="type")
    for pack, roles in (targets or {}).items():
        if not isinstance(roles, dict):
            raise InvalidInput(
                "must be role → indicator → target", field=f"targets.{pack}", rule="type"
            )
        for role, inds in roles.items():
            if not isinstance(inds, dict):
                raise InvalidInput(
                    "must be indicator → target", field=f"targets.{pack}.{role}", rule="type"
                )
            for code, value in inds.items():
                try:
                    if to_decimal(value) < 0:
                        raise ValueError
                except (ValueError, TypeError) as exc:
                    raise InvalidInput(
                        "a target must be a number ≥ 0",
                        field=f"targets.{pack}.{role}.{code}",
                        rule="min",
                    ) from exc


def check_plausible(t: RoleTemplate, code: str, value: Any, where: str, *, target: bool) -> None:
    """A stored target or system metric the unit of its indicator forbids (a rate target
    of 5, i.e. 500%) is refused by every path, not only by the pages that read typing."""
    ind = t.indicator(code)
    why = implausible(ind, value, target=target) if ind is not None else None
    if why is not None:
        rule = "decimal_point" if why.rule == "decimal_point" else "plausible"
        raise InvalidInput(why.message, field=where, rule=rule)


def check_targets_plausible(targets: Any, template_of) -> None:
    """Every target given for a role the company has (`template_of(pack, role)` → the
    template, or None for one it has not activated: refused elsewhere)."""
    for pack, roles in (targets or {}).items():
        for role, inds in roles.items():
            t = template_of(pack, role)
            if t is None:
                continue
            for code, value in inds.items():
                check_plausible(t, code, value, f"targets.{pack}.{role}.{code}", target=True)
