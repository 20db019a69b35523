"""A company's own version of a pack role: HR changes weights, targets and grade bands
in the page; the changed template is checked by the same rules as any pack's and
activated as a new company version of the pack (earlier cycles keep the version they
pinned). `role_differences` says what differs from the installed pack."""

from __future__ import annotations

import copy
import itertools
from collections.abc import Mapping
from typing import Any

from django.db import transaction

from engine import clock
from engine.audit.services import record_for
from engine.errors import InvalidInput
from engine.org.models import Company
from engine.org.selectors import require_hr
from engine.plugins import registry
from engine.scoring import RoleTemplate, TemplateError
from engine.scoring.numbers import DecimalComma, to_decimal
from engine.scoring.validate import template_problems

from ..models import PackActivation


def _number(value: Any, where: str) -> str:
    try:
        return format(to_decimal(value).normalize(), "f")
    except DecimalComma as exc:
        raise InvalidInput(
            f"use a decimal point, e.g. {exc.hint}", field=where, rule="decimal_point"
        ) from exc
    except ValueError as exc:
        raise InvalidInput("enter a number", field=where, rule="type") from exc


def _apply(data: dict, weights: Mapping, targets: Mapping, grades: Mapping) -> dict:
    data = copy.deepcopy(data)
    by_code = {i["code"]: i for i in data["indicators"]}
    for code, value in weights.items():
        if code not in by_code:
            raise InvalidInput("no such indicator", field=f"weights.{code}", rule="unknown")
        by_code[code]["weight"] = _number(value, f"weights.{code}")
    for code, value in targets.items():
        if code not in by_code:
            raise InvalidInput("no such indicator", field=f"targets.{code}", rule="unknown")
        params = by_code[code].setdefault("params", {})
        if value in (None, ""):
            params.pop("target", None)
        else:
            params["target"] = _number(value, f"targets.{code}")
    bands = {g["code"]: g for g in data["grades"]}
    for code, change in grades.items():
        if code not in bands:
            raise InvalidInput("no such grade", field=f"grades.{code}", rule="unknown")
        for key in ("lower", "max_share", "coefficient"):
            if key in change:
                raw = change[key]
                bands[code][key] = (
                    None
                    if raw in (None, "") and key != "lower"
                    else _number(raw, f"grades.{code}.{key}")
                )
    # bands stay contiguous: each grade ends where the next one up starts
    ordered = sorted(data["grades"], key=lambda g: to_decimal(g["lower"]))
    for lower, upper in itertools.pairwise(ordered):
        lower["upper"] = upper["lower"]
    return data


def pack_role_customise(
    *,
    actor,
    company: Company,
    pack: str,
    role: str,
    weights: Mapping | None = None,
    targets: Mapping | None = None,
    grades: Mapping | None = None,
    reason: str = "",
) -> PackActivation:
    """Activate a company version of `pack` with `role` changed; refused, naming the
    problem, when the changed template breaks a pack rule (weights not adding up,
    bands with gaps). Nothing changes when nothing differs."""
    require_hr(actor, company.pk)
    if not isinstance(reason, str) or not reason.strip():
        raise InvalidInput("a change of the rules needs a reason", field="reason", rule="required")
    with transaction.atomic():
        act = (
            PackActivation.objects.select_for_update()
            .filter(company=company, pack=pack, active=True)
            .first()
        )
        if act is None or role not in act.templates:
            raise InvalidInput("the role is not active here", field="role", rule="active")
        data = _apply(act.templates[role], weights or {}, targets or {}, grades or {})
        try:
            t = RoleTemplate.from_dict(data)
        except (TemplateError, TypeError, ValueError) as exc:
            raise InvalidInput(str(exc), field="template", rule="template") from exc
        problems = template_problems(t)
        if problems:
            raise InvalidInput("; ".join(problems), field="template", rule="template")
        if t.fingerprint() == act.hashes.get(role):
            return act
        base = act.version.split("+", 1)[0]
        n = PackActivation.objects.filter(
            company=company, pack=pack, version__startswith=f"{base}+"
        ).count()
        act.active = False  # one active version per pack and company
        act.save(update_fields=["active"])
        new = PackActivation.objects.create(
            company=company,
            pack=pack,
            version=f"{base}+{company.code}.{n + 1}",
            distribution="company",
            templates={**act.templates, role: t.to_dict()},
            hashes={**act.hashes, role: t.fingerprint()},
            activated_by=actor,
            activated_at=clock.now(),
        )
        record_for(
            new,
            actor=actor,
            role="hr",
            action="pack_customise",
            reason=reason.strip(),
            before={"version": act.version, "role": role},
            after={
                "version": new.version,
                "role": role,
                "changes": role_differences(RoleTemplate.from_dict(act.templates[role]), t),
            },
        )
    return new


def _same(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is b
    return to_decimal(a) == to_decimal(b)


def role_differences(before: RoleTemplate, after: RoleTemplate) -> list[dict]:
    """What differs: [{"what": "weight"|"target"|"lower"|"max_share"|"coefficient",
    "code": indicator or grade, "before": …, "after": …}]."""
    out = []
    old = {i.code: i for i in before.indicators}
    for i in after.indicators:
        o = old.get(i.code)
        if o is None:
            continue
        if o.weight != i.weight:
            out.append(
                {"what": "weight", "code": i.code, "before": str(o.weight), "after": str(i.weight)}
            )
        if not _same(o.params.get("target"), i.params.get("target")):
            out.append(
                {
                    "what": "target",
                    "code": i.code,
                    "before": o.params.get("target"),
                    "after": i.params.get("target"),
                }
            )
    old_g = {g.code: g for g in before.grades}
    for g in after.grades:
        o = old_g.get(g.code)
        if o is None:
            continue
        for key in ("lower", "max_share", "coefficient"):
            a, b = getattr(o, key), getattr(g, key)
            if not _same(a, b):
                out.append(
                    {
                        "what": key,
                        "code": g.code,
                        "before": None if a is None else str(a),
                        "after": None if b is None else str(b),
                    }
                )
    return out


def installed_role(pack: str, role: str) -> RoleTemplate | None:
    """The role as the installed pack ships it (to compare a company version with)."""
    try:
        return registry.get_template(pack, role)
    except (registry.PackUnavailable, KeyError):
        return None
