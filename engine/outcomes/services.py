"""Evaluating a final cycle's population rules. Runs once per cycle, in the
transaction that made its last result final; the lines and their audit events commit
with it. HR can run it again for a cycle (`outcomes_evaluate`): lines already written
stay, only missing ones are added."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db import transaction

from engine import clock
from engine.appraisals.models import Appraisal, Cycle
from engine.audit.services import Entry, record_many
from engine.org.selectors import require_hr
from engine.plugins import registry
from engine.scoring.population import Member, Past, Population, evaluate
from engine.scoring.result import published

from .models import PopulationOutcome

ENDED = ("withdrawn", "exempt")
HISTORY_CYCLES = 12  # runs of months and annual rules look this far back


def _members(appraisals) -> dict[str, list[Member]]:
    by_pack: dict[str, list[Member]] = defaultdict(list)
    for a in appraisals:
        by_pack[a.pack].append(
            Member(
                key=a.pk,
                employee=a.employee_id,
                role=a.role,
                total=a.total if a.total is not None else Decimal(0),
                grade=a.calibrated_grade or a.grade,
                context=a.context,
                outcomes=(a.result or {}).get("outcomes", {}),
                hired=a.employee.hire_date.isoformat(),
                supervisor=a.employee.supervisor_id,
            )
        )
    return by_pack


def _past(cycle: Cycle, pack: str) -> tuple[Past, ...]:
    earlier = list(
        Cycle.objects.filter(company_id=cycle.company_id, kind=cycle.kind, start__lt=cycle.start)
        .order_by("-start")
        .values_list("pk", "period")[:HISTORY_CYCLES]
    )
    rows: dict[int, dict] = {pk: {} for pk, _ in earlier}
    grades: dict[int, dict] = {pk: {} for pk, _ in earlier}
    roles: dict[int, dict] = {pk: {} for pk, _ in earlier}
    for cycle_id, emp, total, grade, calibrated, role in Appraisal.objects.filter(
        cycle_id__in=list(rows),
        pack=pack,
        state__in=[Appraisal.State.PUBLISHED, Appraisal.State.FINAL],
    ).values_list("cycle_id", "employee_id", "total", "grade", "calibrated_grade", "role"):
        rows[cycle_id][emp] = total
        grades[cycle_id][emp] = calibrated or grade
        roles[cycle_id][emp] = role
    return tuple(Past(period, rows[pk], grades[pk], roles[pk]) for pk, period in earlier)


def _evaluate(cycle: Cycle, actor) -> int:
    if PopulationOutcome.objects.filter(cycle=cycle).exists():
        return 0
    final = (
        Appraisal.objects.filter(cycle=cycle, state=Appraisal.State.FINAL)
        .select_related("employee")
        .order_by("pk")
    )
    now, written = clock.now(), []
    for pack, members in _members(final).items():
        try:
            rules = registry.population_rules(pack)
            version = registry.get_pack(pack).version
        except registry.PackUnavailable:
            continue  # an uninstalled pack's people keep their own outcomes
        population = Population(pack, cycle.kind, cycle.period, tuple(members), _past(cycle, pack))
        for line in evaluate(rules, population):
            written.append(
                PopulationOutcome(
                    company_id=cycle.company_id,
                    cycle=cycle,
                    appraisal_id=line.member,
                    pack=pack,
                    version=version,
                    rule=line.rule,
                    code=line.code,
                    amount=line.amount,
                    flag=line.flag,
                    inputs=published(line.inputs),
                    at=now,
                )
            )
    PopulationOutcome.objects.bulk_create(written)
    record_many(
        company=cycle.company_id,
        actor=actor,
        role="system" if actor is None else "hr",
        entries=[
            Entry(
                "appraisals.appraisal",
                o.appraisal_id,
                "population_outcome",
                after={
                    "rule": o.rule,
                    "code": o.code,
                    "amount": o.amount,
                    "flag": o.flag,
                    "inputs": o.inputs,
                    "version": o.version,
                },
            )
            for o in written
        ],
    )
    return len(written)


def evaluate_final_cycle(cycle_id: int) -> None:
    """Called by appraisals when the last result of a cycle became final."""
    _evaluate(Cycle.objects.get(pk=cycle_id), None)


def outcomes_evaluate(*, actor, cycle: Cycle) -> int:
    """HR runs the population rules of a final cycle (once; a second run adds nothing)."""
    require_hr(actor, cycle.company_id)
    with transaction.atomic():
        Cycle.objects.select_for_update().get(pk=cycle.pk)
        return _evaluate(cycle, actor)
