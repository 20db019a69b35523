"""The simulator's company and the values its people enter: a demo organisation over
every role family (each department with a head), and seeded values for every form."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from engine.appraisals.entries import raters_of
from engine.appraisals.models import Appraisal, AppraisalStep
from engine.appraisals.pinned_templates import template_for
from engine.org import services as org
from engine.org.models import Company
from engine.plugins.registry import discover
from engine.scoring import RoleTemplate

from .people import POSITIONS, person_name

# What a simulated employee writes in a self-review (one is always needed).
SELF_SUMMARY = "按计划完成"

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


def company_code(n: int, seed: int) -> str:
    return f"sim{n}s{seed}"


def build_company(n: int, seed: int) -> Company:
    """GM, two HR officers, a board member and an auditor, then n − 3 employees over
    the families (each department with a head)."""
    if n < 13:
        raise ValueError("simulate needs at least 13 employees (a head per family, GM, HR)")
    code = company_code(n, seed)
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
            name=person_name(i + seed),
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


def value(ind, target, rng: random.Random) -> Any:
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
    fewer_is_better = ind.rule in {"step", "threshold"} and p.get("direction") == "max"
    if fewer_is_better or ind.rule == "inverse_ratio":
        factor = Decimal(2) - factor
    value = t * factor
    if p.get("integer"):
        value = value.to_integral_value()
    if "max_value" in p:
        value = min(value, Decimal(str(p["max_value"])))
    if "min_value" in p:
        value = max(value, Decimal(str(p["min_value"])))
    return str(value.quantize(Decimal("0.001")))


def required(t: RoleTemplate):
    for i in t.indicators:
        sec = t.section(i.section)
        if not (i.optional or (sec and sec.optional)) and i.rule != "deduction":
            yield i


def cycle_targets(rng: random.Random) -> dict:
    """Targets for indicators whose pack leaves them to the cycle."""
    out: dict = {}
    for entry in discover():
        if not (entry.valid and entry.distribution == "jixiao"):
            continue
        for t in entry.pack.roles:
            for i in t.indicators:
                if i.params.get("target") is not None:
                    continue
                if i.rule in {"ratio", "inverse_ratio", "reverse_ratio"}:
                    out.setdefault(t.pack, {}).setdefault(t.role, {})[i.code] = (
                        10 if i.params.get("integer") else rng.choice([100, 200, 500])
                    )
                elif i.rule in {"step", "threshold"}:  # a count's allowance, not random
                    out.setdefault(t.pack, {}).setdefault(t.role, {})[i.code] = 2
    return out


def form(a: Appraisal, step: AppraisalStep, rng: random.Random) -> dict:
    t = template_for(a)
    mine = raters_of(step.code, [s.code for s in t.chain]) - {"system"}
    values = {}
    for i in required(t):
        rater = next((r for r in i.sources if r in mine), None)
        if rater is not None and i.code not in a.values.get(rater, {}):
            values[i.code] = value(i, a.targets.get(i.code), rng)
    form: dict[str, Any] = {"values": values}
    dedu = [i for i in t.indicators if i.rule == "deduction" and set(i.sources) & mine]
    if dedu:
        form["deductions"] = {
            i.code: [{"points": rng.choice([1, 2, 3]), "reason": "检查发现问题"}]
            for i in dedu
            if rng.random() < 0.5
        }
    if step.code == "hr" and t.events and rng.random() < 0.3:
        form["events"] = {rng.choice([e.code for e in t.events[:7]]): 1}
    return form


def system_values(a: Appraisal, rng: random.Random) -> dict:
    t = template_for(a)
    return {
        i.code: value(i, a.targets.get(i.code), rng)
        for i in required(t)
        if "system" in i.sources and i.sources[0] == "system"
    }


# --- driving the month ---------------------------------------------------------------


def step_actor(step: AppraisalStep, employee_user_id: int, role_users: dict[str, list]):
    if step.assignee_id:
        return step.assignee
    return next(u for u in role_users[step.holder_role] if u.pk != employee_user_id)


def acting_moment(
    step: AppraisalStep, late: bool, now: dt.datetime, rng: random.Random
) -> dt.datetime:
    zone = step.due_at.tzinfo
    day = step.due_date + dt.timedelta(days=1 if late else -rng.randint(0, 1))
    moment = dt.datetime.combine(
        day, dt.time(9 + rng.randint(0, 8), rng.randint(0, 59)), tzinfo=zone
    )
    return max(moment, now + dt.timedelta(minutes=1))
