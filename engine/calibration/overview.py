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
from engine.appraisals.completeness import Missing, missing_inputs, own_inputs
from engine.appraisals.models import Appraisal, AppraisalStep, Cycle
from engine.appraisals.pinned_templates import template_for
from engine.org.models import Department
from engine.org.selectors import tree_order

from .models import Calibration
from .selectors import DepartmentPlan, department_plans

APPROVER = "gm"  # the step the overview gathers: the general manager's approval


@dataclass
class Waiting:
    appraisal: Appraisal
    step: AppraisalStep
    missing: list[Missing] = field(default_factory=list)
    then: str = ""  # the step after this one ("" when approving publishes)
    own: list = field(default_factory=list)  # indicators the approver scores themselves
    # why the GM's step is not ready: "inputs" (others'), "calibration", "own" ("" ready)
    blocked: str = ""


@dataclass
class PoolWait:
    """One grade scheme's part of a department's calibration: the departments whose
    people share its caps (the pool, policies.md §4.1), its headcount — the appraisals
    in that pool, never another scheme's — and those not scored yet. `templates` are
    the asked department's roles in the scheme, to tell two schemes apart."""

    departments: list[Department]
    headcount: int
    unscored: list[Appraisal]
    templates: list = field(default_factory=list)

    @property
    def pooled(self) -> bool:
        return len(self.departments) > 1


@dataclass
class CalibrationWait:
    """What a department's calibration waits for: per grade scheme, the departments
    calibrated together and their headcount (`pools`); the appraisals not scored yet
    (HR confirms a department for all its schemes at once, and not before everyone is
    scored); and whether grades still break a cap. With everyone scored, HR is the
    one to act."""

    departments: list[Department]
    unscored: list[Appraisal]
    over_caps: bool
    confirmed: bool = False
    pools: list[PoolWait] = field(default_factory=list)

    @property
    def pooled(self) -> bool:
        return len(self.departments) > 1

    @property
    def headcount(self) -> int:
        """The one pool's headcount; with several schemes each says its own."""
        return self.pools[0].headcount if len(self.pools) == 1 else 0


def _wait(
    plans: list[DepartmentPlan], by_id: dict, confirmed: set[int], department_id: int
) -> CalibrationWait:
    names = {
        d.pk: d for d in Department.objects.filter(pk__in={d for p in plans for d in p.departments})
    }
    missing = sorted({i for p in plans for i in p.unscored_ids})
    known = {i: by_id[i] for i in missing if i in by_id}
    if len(known) < len(missing):
        for a in Appraisal.objects.filter(pk__in=set(missing) - set(known)).select_related(
            "employee"
        ):
            known[a.pk] = a

    def people(ids) -> list[Appraisal]:
        return sorted((known[i] for i in ids if i in known), key=lambda a: (a.employee.name, a.pk))

    def depts(ids) -> list[Department]:
        return sorted((names[d] for d in ids if d in names), key=lambda d: d.name)

    pools = [
        PoolWait(
            depts(p.departments),
            p.plan.headcount,
            people(p.unscored_ids),
            [p.template_of(r) for r in p.roles_by_department.get(department_id, p.roles)],
        )
        for p in plans
    ]
    every = depts({d for p in plans for d in p.departments})
    return CalibrationWait(
        departments=every,
        unscored=people(missing),
        over_caps=any(p.plan.drops or p.plan.ties or not p.plan.within_caps for p in plans),
        confirmed=bool(every) and {d.pk for d in every} <= confirmed,
        pools=pools,
    )


def calibration_wait(cycle: Cycle, department_id: int) -> CalibrationWait:
    """What the calibration of one department waits for (the inbox and the appraisal
    page say it in words; the GM's overview has it per department)."""
    plans = department_plans(cycle, department_id=department_id)
    confirmed = set(Calibration.objects.filter(cycle=cycle).values_list("department_id", flat=True))
    return _wait(plans, {}, confirmed, department_id)


def pool_waits(cycle: Cycle, plans: list[DepartmentPlan]) -> list[CalibrationWait]:
    """What each of these calibrations (pooled ones, policies.md §4.1) waits for, one
    by one: the GM's overview says it once per pool, not under each department."""
    confirmed = set(Calibration.objects.filter(cycle=cycle).values_list("department_id", flat=True))
    return [_wait([p], {}, confirmed, 0) for p in plans]


@dataclass
class DepartmentMonth:
    department: Department
    headcount: int = 0
    done: int = 0  # published or final
    ready: list[Waiting] = field(default_factory=list)  # the GM may approve now
    calibration: list[Waiting] = field(default_factory=list)  # HR has not confirmed
    incomplete: list[Waiting] = field(default_factory=list)  # others' inputs empty
    own: list[Waiting] = field(default_factory=list)  # the GM's own scores to enter: one by one
    late: list[Waiting] = field(default_factory=list)  # earlier steps past their due moment
    # the GM's own appraisal at its last step: the board's to approve, never the GM's
    board: list[Waiting] = field(default_factory=list)
    earlier: dict[str, int] = field(default_factory=dict)  # step code → open, not late
    earlier_items: list[Waiting] = field(default_factory=list)  # those steps, one by one
    plans: list[DepartmentPlan] = field(default_factory=list)
    wait: CalibrationWait | None = None  # what HR's confirmation waits for

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


def _at_approver(m: DepartmentMonth, a: Appraisal, s: AppraisalStep, t, cycle, confirmed) -> None:
    """Files an item at the GM's step by what it waits for: others' inputs, HR's
    calibration, the GM's own scores, or nothing (ready)."""
    codes = [c.code for c in t.chain]
    last = bool(codes) and codes[-1] == s.code
    then = "" if last or s.code not in codes else codes[codes.index(s.code) + 1]
    w = Waiting(a, s, missing_inputs(t, a.values, s.code), then)
    # the GM's scores: those of their own, or those the last step owes anyway
    w.own = own_inputs(t, a.values, s.code) or [x.indicator for x in w.missing]
    if any(not x.own for x in w.missing):  # someone else must act first
        w.blocked = "inputs"
        m.incomplete.append(w)
    elif last and needs_calibration(cycle, t, a.department_id, confirmed):
        w.blocked = "calibration"
        m.calibration.append(w)
    elif w.own:  # never approved unseen (steps_approve refuses too)
        w.blocked = "own"
        m.own.append(w)
    else:
        m.ready.append(w)


def gm_month(cycle: Cycle) -> list[DepartmentMonth]:
    """Every department of the cycle, in the company's tree order."""
    now = clock.now()
    apps = list(
        Appraisal.objects.filter(cycle=cycle)
        .exclude(state__in=[Appraisal.State.WITHDRAWN, Appraisal.State.EXEMPT])
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
        if s.code == APPROVER and s.assignee_id is None and s.holder_role == "board":
            # the GM's own appraisal (holders.py): it waits for the board, not for the
            # GM, who never acts on it; said apart, late or not
            (m.late if now > s.due_at else m.board).append(Waiting(a, s))
        elif s.code == APPROVER and s.assignee_id is None:
            _at_approver(m, a, s, t, cycle, confirmed)
        elif now > s.due_at:
            m.late.append(Waiting(a, s))
        else:
            m.earlier[s.code] = m.earlier.get(s.code, 0) + 1
            m.earlier_items.append(Waiting(a, s))
    plans = department_plans(cycle)
    for p in plans:
        # a pooled card is shown on every department it covers (policies.md §4.1)
        for d in p.departments:
            if d in months:
                months[d].plans.append(p)
    for m in months.values():
        if m.calibration:
            m.wait = _wait(m.plans, by_id, confirmed, m.department.pk)
    # the departments in the company's tree order: a department keeps its place
    # whatever it waits for, so that approving one does not move the others
    order = tree_order(cycle.company_id)
    return sorted(
        months.values(), key=lambda m: (order.get(m.department.pk, len(order)), m.department.pk)
    )


def ready_in(cycle: Cycle, department_id: int) -> list[Waiting]:
    """The department's items the GM may approve now (the summary before a bulk approval)."""
    for m in gm_month(cycle):
        if m.department.pk == department_id:
            return m.ready
    return []


def not_ready_in(cycle: Cycle, department_id: int) -> list[Waiting]:
    """The department's items the bulk approval does not include: at the GM's step but
    not ready (inputs of others empty, waiting on HR's calibration, or scores of the
    GM's own to enter), and those still at an earlier step (late or not). The bulk
    summary names each and why."""
    month = department_month(cycle, department_id)
    if month is None:
        return []
    return (
        month.own
        + month.incomplete
        + month.calibration
        + month.late
        + month.board
        + month.earlier_items
    )


def department_month(cycle: Cycle, department_id: int) -> DepartmentMonth | None:
    """One department's month (the bulk summary's page)."""
    for m in gm_month(cycle):
        if m.department.pk == department_id:
            return m
    return None
