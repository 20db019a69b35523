"""HR's calibration as the demo and the simulator do it: apply the engine's proposals
in every department, decide ties at a boundary by dropping them too (the cautious
choice), then confirm."""

from __future__ import annotations

from engine.appraisals.models import Appraisal, Cycle
from engine.calibration import services as calibration
from engine.calibration.selectors import department_plans
from engine.org.models import Department


def calibrate_all(cycle: Cycle, hr) -> None:
    """HR applies the engine's proposals in every department and decides the ties at
    a boundary by dropping them too (the cautious choice), then confirms."""

    for dept in Department.objects.filter(
        pk__in={a.department_id for a in Appraisal.objects.filter(cycle=cycle)}
    ):
        for _ in range(5):
            plans = department_plans(cycle, department_id=dept.pk)
            moves = {a: to for p in plans for a, (_, to) in p.plan.drops.items()}
            for p in plans:
                order = [g for g in p.grades]
                for grade, tied in p.plan.ties.items():
                    lower = order[order.index(grade) + 1]
                    moves.update(dict.fromkeys(tied, lower))
            if not moves:
                break
            for appraisal_id, grade in sorted(moves.items()):
                calibration.calibration_override(
                    actor=hr,
                    appraisal=Appraisal.objects.get(pk=appraisal_id),
                    grade=grade,
                    reason="分布控制 over the department's cap (ties at the boundary decided by HR)",
                )
        calibration.calibration_confirm(actor=hr, cycle=cycle, department=dept)
