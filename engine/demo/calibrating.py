"""HR's calibration as the demo and the simulator do it: apply the engine's proposals
in every department, decide ties at a boundary by dropping them too (the cautious
choice), then confirm."""

from __future__ import annotations

from engine.appraisals.models import Appraisal, Cycle
from engine.calibration import services as calibration
from engine.calibration.models import Calibration
from engine.calibration.selectors import department_plans
from engine.org.models import Department


def calibrate_all(cycle: Cycle, hr) -> None:
    """HR applies the engine's proposals in every department and decides the ties at
    a boundary by dropping them too (the cautious choice), then confirms."""

    for dept in Department.objects.filter(
        pk__in={a.department_id for a in Appraisal.objects.filter(cycle=cycle)}
    ):
        reason = "分布控制：超出本部门该等级比例上限（边界同分由人事决定）"
        for _ in range(5):
            plans = department_plans(cycle, department_id=dept.pk)
            if not any(p.plan.drops or p.plan.ties for p in plans):
                break
            calibration.calibration_apply_proposals(
                actor=hr, cycle=cycle, department=dept, reason=reason
            )
            for grade in {g for p in plans for g in p.plan.ties}:
                calibration.calibration_drop_ties(
                    actor=hr, cycle=cycle, department=dept, grade=grade, reason=reason
                )
        if not Calibration.objects.filter(cycle=cycle, department=dept).exists():
            # a pooled card (policies.md §4.1) was confirmed with an earlier department
            calibration.calibration_confirm(actor=hr, cycle=cycle, department=dept)
