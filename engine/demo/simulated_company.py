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
from engine.scoring.needs import target_indicators
from engine.scoring.units import unit_of

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
#
# A company you would believe: targets a manager would set, in each indicator's unit
# (a conversion target of 40%, never 500%), and results around them, so most people
# land in the middle grades and calibration trims only the few above a cap.

# Targets the packs leave to the cycle, by role; any other by its unit (BY_UNIT).
DEMO_TARGETS = {
    ("customer_service", "ecommerce_agent"): {
        "inquiry_conversion": "0.40",
        "payment_success": "0.90",
        "avg_order_value": "150",
    },
    ("rnd", "researcher"): {"cost_reduction": "0.05"},
    ("rnd", "designer"): {
        "design_cycle_ahead": "5",
        "review_satisfaction": "0.90",
        "plan_completion": "1",
        "producibility": "2",
        "cost_reduction": "0.05",
        "design_on_time": "0.90",
        "solution_adoption": "0.80",
        "retrofit_cost_control": "0.80",
        "service_satisfaction": "90",
        "archiving_on_time": "0.95",
    },
    ("sales", "sales_rep"): {"orders": "10", "net_revenue": "100000", "collection": "0.90"},
    ("sales", "sales_assistant"): {"orders": "10", "net_revenue": "50000", "collection": "0.90"},
    ("sales", "sales_lead"): {
        "team_net_revenue": "300000",
        "personal_net_profit": "30000",
        "collection": "0.90",
    },
}
BY_UNIT = {"rate": "0.90", "money": "10000", "count": "2", "days": "10", "seconds": "30"}
# How far below or above target a month's result lands (share of the target): centred
# under it, as most months are.
MEAN, SPREAD = 0.82, 0.12
# A step rule loses points per started step short: how many steps short a month is.
STEPS_SHORT = (0, 1, 1, 2, 2, 3, 4)
# Ratings and 1–n scales: the middle levels most often.
LEVEL_WEIGHTS = (10, 40, 38, 12)
SCALE_WEIGHTS = {5: 10, 4: 38, 3: 40, 2: 12}
DUTY_FINDINGS = (
    "报表延迟提交",
    "凭证录入差错",
    "盘点差异未及时说明",
    "单据归档不全",
    "未按流程审批付款",
)
INTEGRITY_FINDINGS = ("报销单据审核不严", "印鉴保管不规范")


def _factor(rng: random.Random) -> Decimal:
    f = min(max(rng.gauss(MEAN, SPREAD), 0.45), 1.15)
    return Decimal(str(round(f, 3)))


def value(ind, target, rng: random.Random) -> Any:
    p, w = ind.params, ind.weight
    if ind.rule == "rating":
        codes = [lv.code for lv in ind.levels()]
        weights = (LEVEL_WEIGHTS + (5,) * len(codes))[: len(codes)]
        return rng.choices(codes, weights=weights)[0]
    if ind.rule == "scale":
        n = int(p.get("n", 5))
        levels = list(range(1, n + 1))
        return rng.choices(levels, weights=[SCALE_WEIGHTS.get(x, 2) for x in levels])[0]
    if ind.rule == "manual":
        share = Decimal(rng.randint(58, 92)) / 100
        return str((w * share).quantize(Decimal("0.5")))
    if ind.rule == "custom":
        key = "violations" if p.get("needs_team") else "quit"
        return {key: rng.choice([0, 0, 0, 1])}
    t = Decimal(str(target))
    fewer_is_better = ind.rule in {"step", "threshold"} and p.get("direction") == "max"
    if ind.rule == "step":
        short = Decimal(rng.choice(STEPS_SHORT)) * Decimal(str(p["step"]))
        value = t + short if fewer_is_better else t - short
    elif ind.rule == "threshold":
        met = rng.random() < 0.8
        value = t if met else (t + 1 if fewer_is_better else t - 1)
    elif ind.rule == "inverse_ratio":
        value = t / _factor(rng)
    else:
        value = t * _factor(rng)
    if p.get("integer") or unit_of(ind) == "count":
        value = value.to_integral_value()
    if "max_value" in p:
        value = min(value, Decimal(str(p["max_value"])))
    value = max(value, Decimal(str(p.get("min_value", 0))))
    return str(value.quantize(Decimal("0.001")))


def required(t: RoleTemplate):
    for i in t.indicators:
        sec = t.section(i.section)
        if not (i.optional or (sec and sec.optional)) and i.rule != "deduction":
            yield i


def demo_target(t: RoleTemplate, ind) -> str | None:
    """The target a believable company sets for an indicator the pack leaves open."""
    chosen = DEMO_TARGETS.get((t.pack, t.role), {}).get(ind.code)
    if chosen is not None:
        return chosen
    unit = unit_of(ind)
    if unit == "score":
        return str(Decimal(str(ind.params["max_value"])) * Decimal("0.9"))
    return BY_UNIT.get(unit)


def cycle_targets(rng: random.Random | None = None) -> dict:
    """Targets for indicators whose pack leaves them to the cycle, in their units (the
    same every month: a company sets them once)."""
    out: dict = {}
    for entry in discover():
        if not (entry.valid and entry.distribution == "jixiao"):
            continue
        for t in entry.pack.roles:
            for i in target_indicators(t):
                if i.params.get("target") is not None:
                    continue
                target = demo_target(t, i)
                if target is not None:
                    out.setdefault(t.pack, {}).setdefault(t.role, {})[i.code] = target
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
        form["deductions"] = {i.code: _findings(i, rng) for i in dedu}
    if step.code == "supervisor" and not t.indicators and t.base is not None:
        form["events"] = month_events(t, rng)
    if step.code == "hr" and t.events and rng.random() < 0.3:
        form["events"] = {rng.choice([e.code for e in t.events[:7]]): 1}
    return form


def month_events(t: RoleTemplate, rng: random.Random) -> dict[str, int]:
    """A month of a base-plus-events role (the call agents: 100 ± events): most months
    bring a few small minuses and a praise or two, a serious one is rare. Without them
    every agent would total exactly 100, all tied at the top grade's cap, and the
    demo's calibration would drop them all together."""
    own = [e for e in t.events if e.points and abs(e.points) <= 3]
    rare = [e for e in t.events if e.points and abs(e.points) > 3]
    weights = [3 if e.points < 0 else 2 for e in own]
    events: dict[str, int] = {}
    for _ in range(rng.choice([1, 2, 2, 3, 3, 4])):
        e = rng.choices(own, weights)[0] if own else None
        if rare and rng.random() < 0.08:
            e = rng.choice(rare)
        if e is not None:
            events[e.code] = events.get(e.code, 0) + 1
    return events


def _findings(ind, rng: random.Random) -> list[dict]:
    """A month's deductions with the finding written down (扣分必须要有依据)."""
    if ind.weight >= 50:  # the duties: a few findings a month
        n, points, reasons = rng.choice([1, 2, 3, 3]), (3, 4, 5, 6, 8), DUTY_FINDINGS
    else:
        n, points, reasons = rng.choice([0, 1, 1]), (2, 3, 5), INTEGRITY_FINDINGS
    return [{"points": rng.choice(points), "reason": rng.choice(reasons)} for _ in range(n)]


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
