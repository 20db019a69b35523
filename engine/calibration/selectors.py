"""The distribution HR sees per department, from provisional or published grades."""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.appraisals.models import Appraisal, Cycle
from engine.appraisals.pinned_templates import template_for
from engine.org.models import Company, Department
from engine.scoring.needs import needs_team

from .distribution import Member, Plan, plan, pools


@dataclass
class DepartmentPlan:
    department_id: int
    pack: str
    grades: tuple[str, ...]
    plan: Plan
    unscored: int
    roles: tuple[str, ...] = ()  # the roles sharing this grade scheme, to tell cards apart
    template: object = None
    role_templates: dict = field(default_factory=dict)
    # the departments calibrated together (policies.md §4.1), those with people in the
    # scheme, the pool's top first; one department when it is large enough or pooling
    # is off
    departments: tuple[int, ...] = ()
    # the appraisals not scored yet (the confirmation waits for them), by id
    unscored_ids: tuple[int, ...] = ()
    # department → the roles it has in this scheme (a department with two schemes
    # names each by its own roles, not by the whole pool's)
    roles_by_department: dict = field(default_factory=dict)
    # scored only at the final approval (a lead waiting for the team's results, a result
    # whose approver enters the scores): in the headcount, neither scored nor waited for
    waiting: int = 0

    @property
    def pooled(self) -> bool:
        return len(self.departments) > 1

    def template_of(self, role: str):
        return self.role_templates.get(role, self.template)


def department_plans(cycle: Cycle, *, department_id: int | None = None) -> list[DepartmentPlan]:
    """One plan per department and grade scheme (a scheme is a pack's set of grades:
    support agents' S/A/B/C are calibrated apart from the company's a–e). A department
    too small for a capped grade is pooled with its parent (policies.md §4.1) unless
    the company switched pooling off; `department_id` picks the cards it belongs to."""
    qs = Appraisal.objects.filter(cycle=cycle).exclude(
        state__in=[Appraisal.State.WITHDRAWN, Appraisal.State.EXEMPT]
    )
    by_dept: dict[tuple[int, tuple[str, ...]], dict] = {}
    for a in qs.only(
        "pk",
        "department_id",
        "activation_id",
        "role",
        "template_hash",
        "total",
        "grade",
        "calibrated_grade",
        "pack",
        "state",
        "current_step",
    ).order_by("pk"):
        t = template_for(a)
        key = (a.department_id, tuple(g.code for g in t.grades))
        g = by_dept.setdefault(
            key,
            {
                "members": [],
                "t": t,
                "pack": a.pack,
                "unscored": 0,
                "unscored_ids": [],
                "waiting": 0,
                "fixed": set(),
                "roles": {},
            },
        )
        g["roles"].setdefault(a.role, t)
        if a.total is None:
            # Fitted under the caps when published, later: a lead waiting for the team's
            # results, and a result whose final approver enters scores (the GM rating
            # sales behaviour as the manager) — neither can be scored before approval.
            later = needs_team(t) or (t.chain and a.current_step == t.chain[-1].code)
            g["waiting" if later else "unscored"] += 1
            if not later:
                g["unscored_ids"].append(a.pk)
            continue
        g["members"].append(Member(a.pk, a.total, a.calibrated_grade or a.grade))
        if a.state != Appraisal.State.IN_PROGRESS:
            g["fixed"].add(a.pk)  # published or final: counted, never proposed to change
    groups = _pooled(cycle.company_id, by_dept)
    plans = [
        DepartmentPlan(
            depts[0],
            g["pack"],
            codes,
            plan(
                g["members"],
                g["t"].grades,
                headcount=len(g["members"]) + g["unscored"] + g["waiting"],
                fixed=frozenset(g["fixed"]),
            ),
            g["unscored"],
            tuple(sorted(g["roles"])),
            g["t"],
            g["roles"],
            depts,
            tuple(sorted(g["unscored_ids"])),
            g.get("roles_by_department") or {depts[0]: tuple(sorted(g["roles"]))},
            g["waiting"],
        )
        for (depts, codes), g in sorted(groups.items())
    ]
    if department_id is not None:
        plans = [p for p in plans if department_id in p.departments]
    return plans


def _headcount(g: dict) -> int:
    return len(g["members"]) + g["unscored"] + g["waiting"]


def _pooled(company_id: int, by_dept: dict) -> dict[tuple[tuple[int, ...], tuple[str, ...]], dict]:
    """Merge the per-department groups of each scheme into their pools: the members,
    counts and roles add up; the pool's top department comes first in its key."""
    pooling = Company.objects.filter(pk=company_id).values_list("calibration_pooling", flat=True)
    parents = (
        dict(Department.objects.filter(company_id=company_id).values_list("pk", "parent_id"))
        if pooling.first()
        else {}
    )
    schemes: dict[tuple[str, ...], dict[int, dict]] = {}
    for (dept, codes), g in by_dept.items():
        schemes.setdefault(codes, {})[dept] = g
    out: dict[tuple[tuple[int, ...], tuple[str, ...]], dict] = {}
    for codes, groups in schemes.items():
        shares = [gr.max_share for gr in next(iter(groups.values()))["t"].grades]
        top_of = (
            pools(parents, {d: _headcount(g) for d, g in groups.items()}, shares) if parents else {}
        )
        members: dict[int, list[int]] = {}
        for d in groups:
            members.setdefault(top_of.get(d, d), []).append(d)
        for top, depts in members.items():
            # named after the departments with people in the scheme, the top first
            ordered = tuple(sorted(depts, key=lambda d: (d != top, d)))
            merged = {
                "members": [],
                "t": groups[depts[0]]["t"] if top not in groups else groups[top]["t"],
                "pack": groups[top]["pack"] if top in groups else groups[depts[0]]["pack"],
                "unscored": 0,
                "unscored_ids": [],
                "waiting": 0,
                "fixed": set(),
                "roles": {},
                "roles_by_department": {},
            }
            for d in depts:
                g = groups[d]
                merged["members"] += g["members"]
                merged["unscored"] += g["unscored"]
                merged["unscored_ids"] += g["unscored_ids"]
                merged["waiting"] += g["waiting"]
                merged["fixed"] |= g["fixed"]
                for role, t in g["roles"].items():
                    merged["roles"].setdefault(role, t)
                merged["roles_by_department"][d] = tuple(sorted(g["roles"]))
            out[(ordered, codes)] = merged
    return out


def calibration_reason(a: Appraisal) -> str:
    """HR's reason for the appraisal's latest calibration override ("" when none):
    the approver reads why the grade differs from the one its total gives."""
    from engine.audit.models import AuditEvent

    return (
        AuditEvent.objects.filter(
            object_type=Appraisal._meta.label_lower, object_id=str(a.pk), action="calibration"
        )
        .order_by("-at", "-pk")
        .values_list("reason", flat=True)
        .first()
        or ""
    )


def override_breaks_cap(a: Appraisal, grade: str) -> tuple[int, int] | None:
    """(people at `grade` once `a` is set to it, the grade's cap) when setting it would
    put the grade above its cap in a's card (the pool, as graded now, HR's overrides
    counted); None when it fits or the grade has no cap."""
    cycle = Cycle.objects.get(pk=a.cycle_id)
    for p in department_plans(cycle, department_id=a.department_id):
        if grade not in p.grades or a.role not in p.roles:
            continue
        line = next((ln for ln in p.plan.lines if ln.code == grade), None)
        if line is None or line.cap is None:
            return None
        mine = a.calibrated_grade or a.grade
        after = line.now + (0 if mine == grade else 1)
        return (after, line.cap) if after > line.cap else None
    return None


def tie_places(p, grade: str) -> int:
    """How many of the people tied at `grade` can keep it: the cap less those above
    the tie who hold it (after the proposals)."""
    line = next((ln for ln in p.plan.lines if ln.code == grade), None)
    if line is None or line.cap is None:
        return 0
    return max(0, line.cap - (line.count - len(p.plan.ties.get(grade, []))))
