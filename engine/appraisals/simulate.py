"""A reproducible month (interfaces.md `simulate`): a demo organisation over every role
family, a monthly cycle driven through every chain by the clock, with a seeded mix of
on-time and late steps, one return, daily deadline sweeps, then a summary.

Everything random comes from one `random.Random(seed)`, and actions run in time order
from a priority queue, so the same seed on a fresh database gives the same summary.
"""

from __future__ import annotations

import datetime as dt
import heapq
import random
import zoneinfo
from collections import Counter
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from engine import clock
from engine.audit.verify import verify
from engine.deadlines.sweep import sweep
from engine.org import services as org
from engine.org.demo import POSITIONS, _name
from engine.org.models import Company, CompanyRole
from engine.scoring import RoleTemplate

from . import services
from .entries import raters_of
from .models import Appraisal, AppraisalStep, Cycle, LatePenalty, StepSubmission
from .setup import company_on_builtin_packs
from .templates import template_for

PERIOD = "2026-10"
OPEN_AT = dt.datetime(2026, 10, 28, 9, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
LATE_SHARE = 0.15
# family → (department code, head position, other positions), share of the employees
FAMILIES = [
    ("cs", "cs_supervisor", ["ecommerce_agent", "support_agent", "call_agent"], 0.30),
    (
        "finance",
        "finance_head",
        ["accountant", "cashier", "warehouse_keeper", "statistician"],
        0.15,
    ),
    ("sales", "sales_lead", ["sales_rep", "sales_assistant"], 0.20),
    ("rnd", "researcher", ["researcher", "technician", "designer"], 0.20),
    ("workshop", "staff", ["staff"], 0.15),
]


def _company_code(n: int, seed: int) -> str:
    return f"sim{n}s{seed}"


def build_company(n: int, seed: int) -> Company:
    """GM, two HR officers, a board member and an auditor, then n − 3 employees over
    the families (each department with a head)."""
    if n < 13:
        raise ValueError("simulate needs at least 13 employees (a head per family, GM, HR)")
    code = _company_code(n, seed)
    co = org.company_create(actor=None, code=code, name=f"模拟公司 Simulated {n}/{seed}")
    pos = {
        c: org.position_create(
            actor=None, company=co, code=c, name_zh=zh, name_en=en, role="system"
        )
        for c, zh, en in POSITIONS
    }
    top = org.department_create(
        actor=None, role="system", company=co, code="gm_office", name="总经理办公室"
    )
    counter = iter(range(1, 10**6))

    def hire(position, dept, supervisor, username=None):
        i = next(counter)
        user = org.user_create(username=username or f"{code}_{i:04d}", password=None)
        return org.employee_create(
            actor=None,
            role="system",
            company=co,
            user=user,
            number=f"S{i:05d}",
            name=_name(i + seed),
            department=dept,
            position=pos[position],
            supervisor=supervisor,
            hire_date=dt.date(2025, 1, 1),
        )

    gm = hire("general_manager", top, None, f"{code}_gm")
    org.department_update(actor=None, role="system", department=top, head=gm)
    org.company_role_grant(actor=None, company=co, user=gm.user, role="gm")
    hr_dept = org.department_create(
        actor=None, role="system", company=co, code="hr", name="行政人事部", parent=top
    )
    hr1 = hire("hr_officer", hr_dept, gm, f"{code}_hr")
    hr2 = hire("hr_officer", hr_dept, hr1)
    org.department_update(actor=None, role="system", department=hr_dept, head=hr1)
    for e in (hr1, hr2):
        org.company_role_grant(actor=None, company=co, user=e.user, role="hr")
    for username, role in ((f"{code}_board", "board"), (f"{code}_auditor", "auditor")):
        org.company_role_grant(
            actor=None,
            company=co,
            user=org.user_create(username=username, password=None),
            role=role,
        )
    rest = n - 3
    sizes = [max(2, round(rest * share)) for *_, share in FAMILIES]
    sizes[-1] = rest - sum(sizes[:-1])
    for (dept_code, head_pos, others, _), size in zip(FAMILIES, sizes, strict=True):
        dept = org.department_create(
            actor=None, role="system", company=co, code=dept_code, name=dept_code, parent=top
        )
        head = hire(head_pos, dept, gm)
        org.department_update(actor=None, role="system", department=dept, head=head)
        for i in range(size - 1):
            hire(others[i % len(others)], dept, head)
    return co


# --- values a person would enter ---------------------------------------------------


def _value(ind, target, rng: random.Random) -> Any:
    p, w = ind.params, ind.weight
    if ind.rule == "rating":
        return rng.choice([lv.code for lv in ind.levels()][:3])
    if ind.rule == "scale":
        return rng.randint(3, int(p.get("n", 5)))
    if ind.rule == "manual":
        return str((w * Decimal(rng.randint(60, 100)) / 100).quantize(Decimal("0.5")))
    if ind.rule == "custom":
        key = "violations" if p.get("needs_team") else "quit"
        return {key: rng.choice([0, 0, 0, 1])}
    t = Decimal(str(target))
    factor = Decimal(rng.randint(75, 115)) / 100
    if (ind.rule == "step" and p.get("direction") == "max") or ind.rule == "inverse_ratio":
        factor = Decimal(2) - factor
    value = t * factor
    if p.get("integer"):
        value = value.to_integral_value()
    if "max_value" in p:
        value = min(value, Decimal(str(p["max_value"])))
    if "min_value" in p:
        value = max(value, Decimal(str(p["min_value"])))
    return str(value.quantize(Decimal("0.001")))


def _required(t: RoleTemplate):
    for i in t.indicators:
        sec = t.section(i.section)
        if not (i.optional or (sec and sec.optional)) and i.rule != "deduction":
            yield i


def _cycle_targets(rng: random.Random) -> dict:
    """Targets for indicators whose pack leaves them to the cycle."""
    from engine.plugins.registry import discover

    out: dict = {}
    for entry in discover():
        if not (entry.valid and entry.distribution == "jixiao"):
            continue
        for t in entry.pack.roles:
            for i in t.indicators:
                if (
                    i.rule in {"ratio", "inverse_ratio", "reverse_ratio"}
                    and i.params.get("target") is None
                ):
                    out.setdefault(t.pack, {}).setdefault(t.role, {})[i.code] = (
                        10 if i.params.get("integer") else rng.choice([100, 200, 500])
                    )
    return out


def _form(a: Appraisal, step: AppraisalStep, rng: random.Random) -> dict:
    t = template_for(a)
    mine = raters_of(step.code, [s.code for s in t.chain]) - {"system"}
    values = {}
    for i in _required(t):
        rater = next((r for r in i.sources if r in mine), None)
        if rater is not None and i.code not in a.values.get(rater, {}):
            values[i.code] = _value(i, a.targets.get(i.code), rng)
    form: dict[str, Any] = {"values": values}
    dedu = [i for i in t.indicators if i.rule == "deduction" and set(i.sources) & mine]
    if dedu:
        form["deductions"] = {
            i.code: [{"points": rng.choice([1, 2, 3]), "reason": "模拟扣分 simulated finding"}]
            for i in dedu
            if rng.random() < 0.5
        }
    if step.code == "hr" and t.events and rng.random() < 0.3:
        form["events"] = {rng.choice([e.code for e in t.events[:7]]): 1}
    return form


def _system_values(a: Appraisal, rng: random.Random) -> dict:
    t = template_for(a)
    return {
        i.code: _value(i, a.targets.get(i.code), rng)
        for i in _required(t)
        if "system" in i.sources and i.sources[0] == "system"
    }


# --- driving the month ---------------------------------------------------------------


def _actor(step: AppraisalStep, employee_user_id: int, role_users: dict[str, list]):
    if step.assignee_id:
        return step.assignee
    return next(u for u in role_users[step.holder_role] if u.pk != employee_user_id)


def _when(step: AppraisalStep, late: bool, now: dt.datetime, rng: random.Random) -> dt.datetime:
    zone = step.due_at.tzinfo
    day = step.due_date + dt.timedelta(days=1 if late else -rng.randint(0, 1))
    moment = dt.datetime.combine(
        day, dt.time(9 + rng.randint(0, 8), rng.randint(0, 59)), tzinfo=zone
    )
    return max(moment, now + dt.timedelta(minutes=1))


def run(*, employees: int = 40, seed: int = 1, progress=None) -> dict[str, Any]:
    code = _company_code(employees, seed)
    company = Company.objects.filter(code=code).first()
    if company is None or not Cycle.objects.filter(company=company, period=PERIOD).exists():
        _drive(employees, seed, progress)
        company = Company.objects.get(code=code)
    return summary(Cycle.objects.get(company=company, period=PERIOD))


def _drive(employees: int, seed: int, progress) -> None:
    rng = random.Random(seed)
    previous = clock._global["fixed"]
    clock.set_now(OPEN_AT)
    try:
        with transaction.atomic():
            company = build_company(employees, seed)
            hr = get_user_model().objects.get(username=f"{company.code}_hr")
            company_on_builtin_packs(actor=hr, company=company)
            cycle = services.cycle_open(
                actor=hr,
                company=company,
                kind="month",
                period=PERIOD,
                targets=_cycle_targets(rng),
                calibration_required=True,
            )
        role_users: dict[str, list] = {}
        for cr in (
            CompanyRole.objects.filter(company=company)
            .select_related("user")
            .order_by("user__username")
        ):
            role_users.setdefault(cr.role, []).append(cr.user)
        appraisals = list(
            Appraisal.objects.filter(cycle=cycle).select_related("employee").order_by("pk")
        )
        with transaction.atomic():
            for a in appraisals:
                system = _system_values(a, rng)
                services.appraisal_set_inputs(
                    actor=hr,
                    appraisal=a,
                    system_values=system,
                    context={"base_performance_pay": "3000.00"},
                )
        returner = appraisals[rng.randrange(len(appraisals))].pk
        returned: set[int] = set()
        queue: list[tuple[dt.datetime, int]] = []
        now = OPEN_AT
        for i, a in enumerate(appraisals):
            first = a.steps.get(seq=0)
            late = i == 0 or rng.random() < LATE_SHARE  # at least one late self-review
            heapq.heappush(queue, (_when(first, late, now, rng), a.pk))
        state = {"day": now.date(), "now": now}
        deferred: list[tuple[dt.datetime, int]] = []

        def tick(when: dt.datetime) -> None:
            while state["day"] < when.date():  # the sweep runs every day before work
                state["day"] += dt.timedelta(days=1)
                clock.set_now(dt.datetime.combine(state["day"], dt.time(7), tzinfo=when.tzinfo))
                sweep()
            clock.set_now(when)
            state["now"] = when

        def run_queue(defer_last: bool) -> None:
            while queue:
                when, pk = heapq.heappop(queue)
                step = (
                    AppraisalStep.objects.filter(appraisal_id=pk, state="open")
                    .order_by("seq")
                    .first()
                )
                if step is None:
                    continue
                last = not AppraisalStep.objects.filter(appraisal_id=pk, seq=step.seq + 1).exists()
                if defer_last and last:  # the GM waits for HR's calibration
                    deferred.append((when, pk))
                    continue
                tick(max(when, state["now"]))
                a = Appraisal.objects.select_related("employee").get(pk=pk)
                actor = _actor(step, a.employee.user_id, role_users)
                if pk == returner and step.seq > 0 and pk not in returned:
                    services.step_return(
                        actor=actor,
                        appraisal_id=pk,
                        step_id=step.pk,
                        comment="请补充说明 Please explain the figures",
                    )
                    returned.add(pk)
                else:
                    services.step_submit(
                        actor=actor, appraisal_id=pk, step_id=step.pk, data=_form(a, step, rng)
                    )
                nxt = (
                    AppraisalStep.objects.filter(appraisal_id=pk, state="open")
                    .order_by("seq")
                    .first()
                )
                if nxt is not None:
                    heapq.heappush(
                        queue, (_when(nxt, rng.random() < LATE_SHARE, state["now"], rng), pk)
                    )
                if progress:
                    progress(pk)

        run_queue(defer_last=True)
        tick(state["now"] + dt.timedelta(hours=1))
        _calibrate(cycle, hr)
        for item in deferred:
            heapq.heappush(queue, (max(item[0], state["now"]), item[1]))
        run_queue(defer_last=False)
        _appeals(cycle, rng, role_users, tick, state)
        tick(state["now"] + dt.timedelta(days=10))
        sweep()  # every window has closed: the rest become final
    finally:
        clock.set_now(previous)


def _calibrate(cycle: Cycle, hr) -> None:
    """HR applies the engine's proposals in every department and decides the ties at
    a boundary by dropping them too (the cautious choice), then confirms."""
    from engine.calibration import services as calibration
    from engine.calibration.selectors import department_plans
    from engine.org.models import Department

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


def _appeals(cycle: Cycle, rng: random.Random, role_users: dict[str, list], tick, state) -> None:
    """Two employees appeal the day after publication: one is upheld (an item
    corrected), one rejected."""
    from engine.appeals import services as appeals

    published = list(
        Appraisal.objects.filter(cycle=cycle, state="published")
        .select_related("employee__user")
        .order_by("pk")
    )
    manual = [a for a in published if a.pack == "general"]
    if not manual or len(published) < 2:
        return
    upheld = manual[rng.randrange(len(manual))]
    rejected = next(
        a for a in published[rng.randrange(len(published)) :] + published if a.pk != upheld.pk
    )
    tick(state["now"] + dt.timedelta(days=1))
    for a, uphold in ((upheld, True), (rejected, False)):
        item = next(i for i in template_for(a).indicators)
        appeal = appeals.appeal_file(
            actor=a.employee.user,
            appraisal_id=a.pk,
            items=[item.code],
            reason="评分依据不足 the score ignores my records",
        )
        for step in list(appeal.steps.order_by("seq")):
            step.refresh_from_db()
            actor = step.assignee or next(
                u for u in role_users[step.holder_role] if u.pk != a.employee.user_id
            )
            tick(state["now"] + dt.timedelta(minutes=30))
            if step.code == "mediation":
                appeals.appeal_mediate(
                    actor=actor, appeal_id=appeal.pk, resolved=False, note="未能调解 not settled"
                )
            elif step.code == "hr_intake":
                appeals.appeal_intake(
                    actor=actor, appeal_id=appeal.pk, accepted=True, reason="有客观事实 facts given"
                )
            elif step.code == "investigation":
                appeals.appeal_investigate(
                    actor=actor, appeal_id=appeal.pk, findings="核实记录 records checked"
                )
            elif uphold:
                appeals.appeal_decide(
                    actor=actor,
                    appeal_id=appeal.pk,
                    upheld=True,
                    reason="记录属实 records hold",
                    corrections=[
                        {
                            "field": f"values.{item.code}",
                            "value": str(item.weight),
                            "reason": "按记录更正 corrected from the records",
                        }
                    ],
                )
            else:
                appeals.appeal_decide(
                    actor=actor, appeal_id=appeal.pk, upheld=False, reason="评分有据 score stands"
                )


def summary(cycle: Cycle) -> dict[str, Any]:
    apps = Appraisal.objects.filter(cycle=cycle)
    returns = StepSubmission.objects.filter(step__appraisal__cycle=cycle, kind="return").count()
    return {
        "cycle": cycle.period,
        "company": cycle.company.code,
        "appraisals": apps.count(),
        "by_state": dict(sorted(Counter(apps.values_list("state", flat=True)).items())),
        "by_grade": dict(
            sorted(Counter(g for g in apps.values_list("grade", flat=True) if g).items())
        ),
        "late_penalties": LatePenalty.objects.filter(cycle=cycle).count(),
        "returns": returns,
        "appeals": _appeal_summary(cycle),
        "calibration": _calibration_summary(cycle),
        "audit": verify(),
    }


def _appeal_summary(cycle: Cycle) -> dict[str, int]:
    from engine.appeals.models import Appeal

    outcomes = Counter(
        Appeal.objects.filter(appraisal__cycle=cycle).values_list("outcome", flat=True)
    )
    return {
        "filed": sum(outcomes.values()),
        "upheld": outcomes.get("upheld", 0),
        "rejected": outcomes.get("rejected", 0),
        "not_accepted": outcomes.get("not_accepted", 0),
    }


def _calibration_summary(cycle: Cycle) -> dict[str, Any]:
    from engine.audit.models import AuditEvent
    from engine.calibration.selectors import department_plans

    plans = department_plans(cycle)
    ids = [str(pk) for pk in Appraisal.objects.filter(cycle=cycle).values_list("pk", flat=True)]
    return {
        "overrides": AuditEvent.objects.filter(
            action="calibration", object_type="appraisals.appraisal", object_id__in=ids
        ).count(),
        "within_caps": all(p.plan.within_caps and not p.plan.drops for p in plans),
    }
