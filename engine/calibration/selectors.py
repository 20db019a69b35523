"""The distribution HR sees per department, from provisional or published grades."""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.appraisals.models import Appraisal, Cycle
from engine.appraisals.pinned_templates import template_for
from engine.scoring.needs import needs_team

from .distribution import Member, Plan, plan


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

    def template_of(self, role: str):
        return self.role_templates.get(role, self.template)


def department_plans(cycle: Cycle, *, department_id: int | None = None) -> list[DepartmentPlan]:
    """One plan per department and grade scheme (a scheme is a pack's set of grades:
    support agents' S/A/B/C are calibrated apart from the company's a–e)."""
    qs = Appraisal.objects.filter(cycle=cycle).exclude(state__in=["withdrawn", "exempt"])
    if department_id is not None:
        qs = qs.filter(department_id=department_id)
    groups: dict[tuple[int, tuple[str, ...]], dict] = {}
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
    ):
        t = template_for(a)
        key = (a.department_id, tuple(g.code for g in t.grades))
        g = groups.setdefault(
            key,
            {
                "members": [],
                "t": t,
                "pack": a.pack,
                "unscored": 0,
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
            continue
        g["members"].append(Member(a.pk, a.total, a.calibrated_grade or a.grade))
        if a.state != Appraisal.State.IN_PROGRESS:
            g["fixed"].add(a.pk)  # published or final: counted, never proposed to change
    return [
        DepartmentPlan(
            dept,
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
        )
        for (dept, codes), g in sorted(groups.items())
    ]
