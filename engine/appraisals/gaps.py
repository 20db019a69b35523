"""Completeness: every target and system metric a cycle still lacks, and who must
supply it, so HR hears of a gap before opening and on the cycle's board, never from
the GM's refused approval. A fixed number of queries for the whole cycle."""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.scoring import RoleTemplate
from engine.scoring.needs import needs_cycle_target, required_metrics
from engine.scoring.units import UnitError, implausible

from .completeness import composed
from .models import Appraisal, Cycle
from .pinned_templates import template_for

OPEN_STATES = ("in_progress",)


@dataclass(frozen=True)
class TargetGap:
    pack: str
    role: str
    indicator: str
    appraisals: int  # how many appraisals lack it (a KPI contract fills it per person)


@dataclass(frozen=True)
class MetricGap:
    appraisal_id: int
    employee: str
    department: str
    pack: str
    role: str
    indicator: str


@dataclass(frozen=True)
class Implausible:
    """A stored target or metric its unit forbids today (a rate target of 500%, from
    before units were checked): listed by person and indicator so HR corrects it."""

    appraisal_id: int
    employee: str
    department: str
    pack: str
    role: str
    indicator: str
    kind: str  # "target" or "metric"
    value: str
    why: UnitError  # its English text and params; the pages translate it


@dataclass(frozen=True)
class Gaps:
    targets: list[TargetGap]
    metrics: list[MetricGap]
    implausible: list[Implausible] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.targets or self.metrics or self.implausible)


_FIELDS = (
    "pk",
    "cycle_id",
    "pack",
    "role",
    "activation_id",
    "template_hash",
    "targets",
    "values",
    "employee__name",
    "department__name",
)


def _open_appraisals():
    return (
        Appraisal.objects.filter(state__in=OPEN_STATES)
        .select_related("employee", "department")
        .only(*_FIELDS)
        .order_by("department__name", "employee__name")
    )


def cycle_gaps(cycle: Cycle) -> Gaps:
    """Targets and metrics still missing on the cycle's appraisals that can still change."""
    return _gaps_of(list(_open_appraisals().filter(cycle=cycle)))


def open_cycles_gaps(company_ids) -> dict[int, Gaps]:
    """cycle id → what `cycle_gaps` says, for every open cycle of the companies given,
    in one query (HR's home page); cycles that lack nothing are left out."""
    apps = list(
        _open_appraisals().filter(company_id__in=company_ids, cycle__status=Cycle.Status.OPEN)
    )
    by_cycle: dict[int, list[Appraisal]] = {}
    for a in apps:
        by_cycle.setdefault(a.cycle_id, []).append(a)
    out = {cid: _gaps_of(rows) for cid, rows in by_cycle.items()}
    return {cid: g for cid, g in out.items() if g}


def _gaps_of(apps: list[Appraisal]) -> Gaps:
    missing_targets: dict[tuple[str, str, str], int] = {}
    metrics: list[MetricGap] = []
    odd: list[Implausible] = []
    for a in apps:
        t = template_for(a)
        odd.extend(_implausible(a, t))
        skip = composed(t, a.values)  # an annual composite's items need no target or metric
        for ind in t.indicators:
            if ind.code in skip:
                continue
            if needs_cycle_target(t, ind) and ind.code not in a.targets:
                key = (a.pack, a.role, ind.code)
                missing_targets[key] = missing_targets.get(key, 0) + 1
        loaded = a.values.get("system", {})
        metrics.extend(
            MetricGap(a.pk, a.employee.name, str(a.department), a.pack, a.role, ind.code)
            for ind in required_metrics(t)
            if ind.code not in loaded and ind.code not in skip
        )
    targets = [TargetGap(p, r, c, n) for (p, r, c), n in sorted(missing_targets.items())]
    return Gaps(targets, metrics, odd)


def _implausible(a: Appraisal, t: RoleTemplate) -> list[Implausible]:
    found = []
    loaded = a.values.get("system", {})
    for kind, stored, is_target in (("target", a.targets, True), ("metric", loaded, False)):
        for code, value in stored.items():
            ind = t.indicator(code)
            why = implausible(ind, value, target=is_target) if ind is not None else None
            if why is not None:
                found.append(
                    Implausible(
                        a.pk,
                        a.employee.name,
                        a.department.name,
                        a.pack,
                        a.role,
                        code,
                        kind,
                        str(value),
                        why,
                    )
                )
    return found


def cycle_roles(cycle: Cycle) -> dict[tuple[str, str], RoleTemplate]:
    """(pack, role) → the pinned template, for every role the cycle's appraisals hold."""
    out: dict[tuple[str, str], RoleTemplate] = {}
    pinned = (
        Appraisal.objects.filter(cycle=cycle)
        .values_list("pack", "role", "activation_id", "template_hash")
        .distinct()
        .order_by("pack", "role")
    )
    for pack, role, activation_id, fingerprint in pinned:
        probe = Appraisal(role=role, activation_id=activation_id, template_hash=fingerprint)
        out.setdefault((pack, role), template_for(probe))
    return out


def targets_to_set(company_id: int) -> list[tuple[RoleTemplate, list]]:
    """Before opening: for each active role, the indicators whose target the pack leaves
    to the cycle (HR sets them on the cycle's targets page once it is open)."""
    from .models import PackActivation

    out = []
    for act in PackActivation.objects.filter(company_id=company_id, active=True).order_by("pack"):
        for data in act.templates.values():
            t = RoleTemplate.from_dict(data)
            needed = [i for i in t.indicators if needs_cycle_target(t, i)]
            if needed:
                out.append((t, needed))
    return out
