"""The annual composite: an annual appraisal's inputs computed from the person's
periodic results of the year, by the pack's rule (`jixiao_annual_rules`).

When (docs/policies.md, "The annual composite"): when a year's cycle opens (and a late
joiner is added), when HR asks ("Compute from the year" on the cycle, after a
periodic result became final late), and whenever a periodic result of that year is
published — the first time or again as a correction — while the annual appraisal is
still in progress (once that publication commits). A published annual result is never changed by it: a correction
after that is HR's to handle (an appeal on the annual result).

Which results: the person's published or final results of the year in the same pack,
each at its latest published version (after appeals and corrections), of the first
kind the rule names that has any (months, else quarters). The inputs are written
through `engine.appraisals.entries` (the one writer) and audited, with the period,
total, grade, appraisal and result version of each.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db import transaction

from engine.errors import Conflict, InvalidInput
from engine.org.selectors import require_hr
from engine.plugins import registry
from engine.scoring import RoleTemplate
from engine.scoring.annual import AnnualRule

from ..entries import entries_write_annual, entries_write_annual_many
from ..models import Appraisal, Cycle
from ..pinned_templates import template_for
from .locks import lock_appraisal

DONE = (Appraisal.State.PUBLISHED, Appraisal.State.FINAL)


def _rows(company_id: int, year: str, employee_ids, kinds) -> dict[tuple[int, str], list]:
    """(employee, kind) → their published or final periodic results of the year."""
    out: dict[tuple[int, str], list] = defaultdict(list)
    rows = (
        Appraisal.objects.filter(
            company_id=company_id,
            employee_id__in=list(employee_ids),
            cycle__kind__in=list(kinds),
            cycle__period__startswith=f"{year}-",
            state__in=DONE,
        )
        .exclude(cycle__status=Cycle.Status.CANCELLED)
        .order_by("cycle__start", "pk")
        .values_list(
            "pk",
            "employee_id",
            "pack",
            "cycle__kind",
            "cycle__period",
            "total",
            "grade",
            "result",
            "result_version",
        )
    )
    for pk, emp, pack, kind, period, total, grade, result, version in rows:
        out[(emp, kind)].append((pk, pack, period, total, grade, result or {}, version))
    return out


def year_inputs(a: Appraisal, rule: AnnualRule, rows: dict) -> dict[str, Any]:
    """The `annual` input of appraisal `a` (a year's) from the rows `_rows` found."""
    year = a.cycle.period[:4]
    kind, found = rule.of[0], []
    for k in rule.of:
        mine = [r for r in rows.get((a.employee_id, k), []) if r[1] == a.pack]
        if mine:
            kind, found = k, mine
            break
    periods = []
    for pk, _pack, period, total, grade, result, version in found:
        item: dict[str, Any] = {
            "period": period,
            "total": str(total),
            "grade": grade,
            "ref": {"appraisal": pk, "version": version},
        }
        if rule.sections:
            scores = {s["code"]: s["score"] for s in result.get("sections", [])}
            item["sections"] = {s: scores[s] for s in rule.sections if s in scores}
        periods.append(item)
    return {"year": year, "kind": kind, "rule": rule.to_dict(), "periods": periods}


def _rule(a: Appraisal) -> AnnualRule | None:
    return registry.annual_rule(a.pack, a.role)


def annual_on_opening(*, actor, cycle: Cycle, appraisals: list[Appraisal]) -> int:
    """In the opening's transaction: the year's inputs of every new appraisal whose
    role has a rule, in one query and one write. Returns how many were written."""
    if cycle.kind != Cycle.Kind.YEAR or not appraisals:
        return 0
    ruled = [(a, r) for a in appraisals if (r := _rule(a)) is not None]
    if not ruled:
        return 0
    kinds = {k for _, r in ruled for k in r.of}
    rows = _rows(cycle.company_id, cycle.period, {a.employee_id for a, _ in ruled}, kinds)
    templates: dict[tuple[str, str], RoleTemplate] = {}
    writes = []
    for a, rule in ruled:
        a.cycle = cycle
        t = templates.setdefault((a.pack, a.role), template_for(a))
        writes.append((t, a, year_inputs(a, rule, rows)))
    return entries_write_annual_many(
        actor=actor, company=cycle.company_id, action="annual_compute", writes=writes
    )


def _compute_locked(a: Appraisal, actor, reason: str) -> bool:
    rule = _rule(a)
    if rule is None or a.state != Appraisal.State.IN_PROGRESS:
        return False
    rows = _rows(a.company_id, a.cycle.period, {a.employee_id}, rule.of)
    return entries_write_annual(
        actor=actor,
        t=template_for(a),
        appraisal=a,
        annual=year_inputs(a, rule, rows),
        action="annual_compute",
        reason=reason,
    )


def cycle_compute_year(*, actor, cycle: Cycle) -> dict[str, int]:
    """HR's "Compute from the year": every annual appraisal of the cycle still in
    progress takes the year's results as they are now. Returns {"changed", "in_progress"}."""
    require_hr(actor, cycle.company_id)
    if cycle.kind != Cycle.Kind.YEAR:
        raise InvalidInput(
            "only a year's cycle is computed from the year", field="cycle", rule="kind"
        )
    if cycle.status != Cycle.Status.OPEN:
        raise Conflict("the cycle is not open", field="cycle", rule="open")
    ids = list(
        Appraisal.objects.filter(cycle=cycle, state=Appraisal.State.IN_PROGRESS)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    changed = 0
    for pk in ids:
        with transaction.atomic():
            a = lock_appraisal(pk)
            changed += _compute_locked(a, actor, "")
    return {"changed": changed, "in_progress": len(ids)}


def annual_follow_periodic(*, actor, periodic: Appraisal) -> None:
    """When a periodic result's publication commits: the same person's annual
    appraisal of that year, still in progress, takes the new result (a month published
    late, or corrected before the annual one is published). After the commit, in its
    own transaction: the annual appraisal is locked before its audit event, never after
    the publication's (docs/architecture.md, "Lock order"); a failure is logged and
    leaves the publication as it is (HR computes from the year again)."""
    if periodic.cycle.kind == Cycle.Kind.YEAR:
        return
    key = (periodic.company_id, periodic.employee_id, periodic.pack, periodic.cycle.period[:4])
    transaction.on_commit(lambda: annual_follow(actor, *key), robust=True)


def annual_follow(actor, company_id: int, employee_id: int, pack: str, year: str) -> int:
    """The person's annual appraisals of `year` in progress take their year's results
    as they are now. Returns how many changed."""
    ids = Appraisal.objects.filter(
        company_id=company_id,
        employee_id=employee_id,
        pack=pack,
        cycle__kind=Cycle.Kind.YEAR,
        cycle__period=year,
        state=Appraisal.State.IN_PROGRESS,
    ).values_list("pk", flat=True)
    changed = 0
    for pk in sorted(ids):
        with transaction.atomic():
            changed += _compute_locked(lock_appraisal(pk), actor, "")
    return changed
