"""The GM's month at a glance (docs/ux.md, "GM overview"): per department, what is
ready for the GM's approval, what waits on HR's calibration or on required inputs, which
earlier steps are late and who holds them, and the grade distribution against the caps.

A fixed number of queries whatever the size of the company: the cycle's appraisals, its
open steps and its confirmed calibrations are read once each; everything else is
computed here over them (templates come from the pinned-template cache).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from engine import clock
from engine.appraisals.completeness import Missing, missing_inputs
from engine.appraisals.models import Appraisal, AppraisalStep, Cycle
from engine.appraisals.pinned_templates import template_for
from engine.org.models import Department

from .models import Calibration
from .selectors import DepartmentPlan, department_plans

APPROVER = "gm"  # the step the overview gathers: the general manager's approval


@dataclass
class Waiting:
    appraisal: Appraisal
    step: AppraisalStep
    missing: list[Missing] = field(default_factory=list)
    then: str = ""  # the step after this one ("" when approving publishes)


@dataclass
class DepartmentMonth:
    department: Department
    headcount: int = 0
    done: int = 0  # published or final
    ready: list[Waiting] = field(default_factory=list)  # the GM may approve now
    calibration: list[Waiting] = field(default_factory=list)  # HR has not confirmed
    incomplete: list[Waiting] = field(default_factory=list)  # required inputs empty
    late: list[Waiting] = field(default_factory=list)  # earlier steps past their due moment
    earlier: dict[str, int] = field(default_factory=dict)  # step code → open, not late
    plans: list[DepartmentPlan] = field(default_factory=list)

    @property
    def within_caps(self) -> bool:
        return all(p.plan.within_caps for p in self.plans)


def needs_calibration(cycle: Cycle, t, department_id: int, confirmed: set[int]) -> bool:
    """The final approval waits for HR's confirmation of the department: calibration
    is required for the cycle, the pack's grades have caps, and it is not confirmed."""
    return (
        cycle.calibration_required
        and any(g.max_share is not None for g in t.grades)
        and department_id not in confirmed
    )


def gm_month(cycle: Cycle) -> list[DepartmentMonth]:
    """Every department of the cycle, those with something for the GM first."""
    now = clock.now()
    apps = list(
        Appraisal.objects.filter(cycle=cycle)
        .exclude(state__in=["withdrawn", "exempt"])
        .select_related("employee", "department")
        .order_by("employee__name", "pk")
    )
    by_id = {a.pk: a for a in apps}
    steps = (
        AppraisalStep.objects.filter(appraisal__cycle=cycle, state=AppraisalStep.State.OPEN)
        .select_related("assignee__employee")
        .order_by("due_at", "pk")
    )
    confirmed = set(Calibration.objects.filter(cycle=cycle).values_list("department_id", flat=True))
    months: dict[int, DepartmentMonth] = {}
    for a in apps:
        m = months.setdefault(a.department_id, DepartmentMonth(a.department))
        m.headcount += 1
        if a.state in (Appraisal.State.PUBLISHED, Appraisal.State.FINAL):
            m.done += 1
    for s in steps:
        a = by_id.get(s.appraisal_id)
        if a is None:
            continue
        s.appraisal = a
        m = months[a.department_id]
        t = template_for(a)
        if s.code == APPROVER and s.assignee_id is None:
            codes = [c.code for c in t.chain]
            last = bool(codes) and codes[-1] == s.code
            then = "" if last or s.code not in codes else codes[codes.index(s.code) + 1]
            w = Waiting(a, s, missing_inputs(t, a.values, s.code), then)
            if w.missing:
                m.incomplete.append(w)
            elif last and needs_calibration(cycle, t, a.department_id, confirmed):
                m.calibration.append(w)
            else:
                m.ready.append(w)
        elif now > s.due_at:
            m.late.append(Waiting(a, s))
        else:
            m.earlier[s.code] = m.earlier.get(s.code, 0) + 1
    for p in department_plans(cycle):
        if p.department_id in months:
            months[p.department_id].plans.append(p)
    return sorted(
        months.values(),
        key=lambda m: (
            not m.ready,
            not (m.calibration or m.incomplete or m.late),
            m.department.name,
        ),
    )


def ready_in(cycle: Cycle, department_id: int) -> list[Waiting]:
    """The department's items the GM may approve now (the summary before a bulk approval)."""
    for m in gm_month(cycle):
        if m.department.pk == department_id:
            return m.ready
    return []


def not_ready_in(cycle: Cycle, department_id: int) -> list[Waiting]:
    """The department's items at the GM's step that are not ready (required inputs
    empty, or waiting on HR's calibration): the bulk summary names them and why, and
    they are skipped."""
    for m in gm_month(cycle):
        if m.department.pk == department_id:
            return m.incomplete + m.calibration
    return []
