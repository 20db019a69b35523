"""The distribution HR sees per department, from provisional or published grades."""

from __future__ import annotations

from dataclasses import dataclass

from engine.appraisals.models import Appraisal, Cycle
from engine.appraisals.pinned_templates import template_for

from .distribution import Member, Plan, plan


@dataclass
class DepartmentPlan:
    department_id: int
    pack: str
    grades: tuple[str, ...]
    plan: Plan
    unscored: int


def department_plans(cycle: Cycle, *, department_id: int | None = None) -> list[DepartmentPlan]:
    """One plan per department and grade scheme (a scheme is a pack's set of grades:
    support agents' S/A/B/C are calibrated apart from the company's a–e)."""
    qs = Appraisal.objects.filter(cycle=cycle).exclude(state__in=["withdrawn", "exempt"])
    if department_id is not None:
        qs = qs.filter(department_id=department_id)
    groups: dict[tuple[int, tuple[str, ...]], tuple[list[Member], object, str, list[int]]] = {}
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
    ):
        t = template_for(a)
        key = (a.department_id, tuple(g.code for g in t.grades))
        members, _, _, unscored = groups.setdefault(key, ([], t, a.pack, []))
        if a.total is None:
            unscored.append(a.pk)
        else:
            members.append(Member(a.pk, a.total, a.calibrated_grade or a.grade))
    return [
        DepartmentPlan(dept, pack, codes, plan(members, t.grades), len(unscored))
        for (dept, codes), (members, t, pack, unscored) in sorted(groups.items())
    ]
