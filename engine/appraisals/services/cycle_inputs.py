"""HR's inputs for a whole cycle at once: the targets each role needs and the system
metrics each appraisal needs. Everything is checked before anything is written; the
writes are set-based (one update per batch, one audit append) so a 10,000-row import
costs a few queries, not one per row. Giving the same values again changes nothing."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from engine.audit.services import record_for
from engine.errors import Conflict, InvalidInput
from engine.org.selectors import require_hr
from engine.scoring.needs import system_metrics, target_indicators
from engine.scoring.numbers import to_decimal

from ..entries import entries_save_many, entry_check
from ..gaps import cycle_roles
from ..models import Appraisal, Cycle, KpiTarget
from ..pinned_templates import template_for
from ..targets import check_plausible, check_targets, resolve_targets

BATCH = 1000


def _same_number(a: Any, b: Any) -> bool:
    try:
        return to_decimal(a) == to_decimal(b)
    except (ValueError, TypeError):
        return str(a) == str(b)


def cycle_targets_set(*, actor, cycle: Cycle, targets: Mapping) -> int:
    """Set targets of the cycle (pack → role → indicator → number) and carry them into
    its appraisals that can still change; a KPI contract still wins. Returns how many
    appraisals changed."""
    require_hr(actor, cycle.company_id)
    check_targets(targets)
    roles = cycle_roles(cycle)
    for pack, by_role in targets.items():
        for role, inds in by_role.items():
            t = roles.get((pack, role))
            if t is None:
                raise InvalidInput(
                    "nobody in this cycle holds that role",
                    field=f"targets.{pack}.{role}",
                    rule="unknown",
                )
            allowed = {i.code for i in target_indicators(t)}
            for code, value in inds.items():
                if code not in allowed:
                    raise InvalidInput(
                        f"{role} has no indicator {code!r} that takes a target",
                        field=f"targets.{pack}.{role}.{code}",
                        rule="unknown",
                    )
                check_plausible(t, code, value, f"targets.{pack}.{role}.{code}", target=True)
    with transaction.atomic():
        c = Cycle.objects.select_for_update().get(pk=cycle.pk)
        merged = {p: {r: dict(i) for r, i in rs.items()} for p, rs in c.targets.items()}
        for pack, by_role in targets.items():
            for role, inds in by_role.items():
                slot = merged.setdefault(pack, {}).setdefault(role, {})
                # The page posts every target with the metrics: one shown as "0.4" and
                # stored as "0.40" is the same target, not a change to audit.
                slot.update(
                    {
                        k: str(v)
                        for k, v in inds.items()
                        if k not in slot or not _same_number(slot[k], v)
                    }
                )
        if merged == c.targets:
            return 0
        before, c.targets = c.targets, merged
        c.save(update_fields=["targets"])
        kpi: dict[int, dict[str, str]] = {}
        for emp, ind, value in KpiTarget.objects.filter(employee__appraisals__cycle=c).values_list(
            "employee_id", "indicator", "target"
        ):
            kpi.setdefault(emp, {})[ind] = str(value)
        changed = []
        for a in (
            Appraisal.objects.select_for_update()
            .filter(cycle=c, state=Appraisal.State.IN_PROGRESS)
            .only("pk", "pack", "role", "activation_id", "template_hash", "targets", "employee_id")
        ):
            fresh = resolve_targets(template_for(a), merged, kpi.get(a.employee_id, {}))
            if fresh != a.targets:
                a.targets = fresh
                changed.append(a)
        Appraisal.objects.bulk_update(changed, ["targets"], batch_size=BATCH)
        record_for(c, actor=actor, role="hr", action="targets", before=before, after=merged)
    return len(changed)


def _clean_metrics(a: Appraisal, values: Mapping, where: str) -> dict[str, str]:
    if a.state != Appraisal.State.IN_PROGRESS:
        raise Conflict(
            "the appraisal can no longer change", field=f"{where}.state", rule="in_progress"
        )
    t = template_for(a)
    allowed = {i.code: i for i in system_metrics(t)}
    clean = {}
    for code, raw in values.items():
        ind = allowed.get(code)
        if ind is None:
            raise InvalidInput(
                f"{code!r} is not a system metric of {a.role}",
                field=f"{where}.{code}",
                rule="source",
            )
        entry_check(t, f"values.{code}", raw, f"{where}.{code}")
        check_plausible(t, code, raw, f"{where}.{code}", target=False)
        # A structured (custom) value stays an object; numbers are kept as typed text.
        clean[code] = raw if isinstance(raw, dict) else str(raw)
    return clean


def cycle_metrics_set(*, actor, cycle: Cycle, rows: Mapping[int, Mapping]) -> int:
    """Load system metrics for many appraisals of a cycle: appraisal id → indicator →
    value. All rows are checked first; any bad row and nothing is written. Returns how
    many appraisals changed (0 when the same values are given again)."""
    require_hr(actor, cycle.company_id)
    if not isinstance(rows, Mapping):
        raise InvalidInput("must be appraisal → indicator → value", field="rows", rule="type")
    with transaction.atomic():
        apps = {
            a.pk: a
            for a in Appraisal.objects.select_for_update()
            .filter(cycle=cycle, pk__in=list(rows))
            .only(
                "pk",
                "pack",
                "role",
                "activation_id",
                "template_hash",
                "values",
                "state",
                "company_id",
            )
        }
        writes = []
        for pk, values in rows.items():
            a = apps.get(pk)
            where = f"rows.{pk}"
            if a is None:
                raise InvalidInput("no such appraisal in this cycle", field=where, rule="exists")
            if not isinstance(values, Mapping):
                raise InvalidInput("must be indicator → value", field=where, rule="type")
            clean = _clean_metrics(a, values, where)
            loaded = a.values.get("system", {})
            new = {k: v for k, v in clean.items() if not _same_number(loaded.get(k), v)}
            writes.append((a, {"values": {"system": new}}))
        changed = entries_save_many(
            actor=actor,
            company=cycle.company_id,
            by="hr",
            action="inputs",
            writes=writes,
        )
    return changed
