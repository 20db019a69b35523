"""What a payroll export of a cycle would hold, read before HR exports it: the page
shows it as the summary the deliberate action confirms."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from engine.appraisals.models import Appraisal, Cycle
from engine.appraisals.pinned_templates import template_for

from .models import PayrollExport
from .rows import local_name, pay_gap, pay_rows


@dataclass
class NoPay:
    """Final rows without performance pay for one reason: `kind` is "no_base" (no base
    pay or salary entered), "no_coefficient" (grades of `pack`/`role` carry none) or
    "not_computed"; `names` are the positions or grades concerned, in words."""

    kind: str
    count: int
    pack: str = ""
    role: str = ""
    role_name: str = ""
    names: list[str] = field(default_factory=list)


def no_pay(cycle: Cycle, *, english: bool) -> list[NoPay]:
    """The final rows of the cycle that would have no performance pay, grouped by what
    is missing (per role for a missing coefficient), so HR can fix it before exporting."""
    groups: dict[tuple[str, str, str], NoPay] = {}
    final = Appraisal.objects.filter(cycle=cycle, state=Appraisal.State.FINAL).select_related(
        "employee__position"
    )
    for a in final.order_by("employee__number"):
        kind = pay_gap(a)
        if not kind:
            continue
        pack, role = (a.pack, a.role) if kind == "no_coefficient" else ("", "")
        g = groups.get((kind, pack, role))
        if g is None:
            g = groups[(kind, pack, role)] = NoPay(kind, 0, pack, role)
        g.count += 1
        if kind == "no_coefficient":
            t = template_for(a)
            g.role_name = local_name(t, english)
            code = a.calibrated_grade or a.grade
            grade = next((x for x in t.grades if x.code == code), None)
            word = local_name(grade, english) if grade else code
        elif kind == "no_base":
            word = local_name(a.employee.position, english)
        else:
            word = ""
        if word and word not in g.names:
            g.names.append(word)
    return list(groups.values())


@dataclass
class Preview:
    rows: int
    performance_pay: Decimal
    commission_paid: Decimal
    noted: list[list[Any]] = field(default_factory=list)  # rows whose notes say what is missing
    no_pay: list[NoPay] = field(default_factory=list)  # rows without performance pay, by why
    not_final: list[Appraisal] = field(default_factory=list)
    exports: list[PayrollExport] = field(default_factory=list)


def payroll_preview(cycle: Cycle, *, english: bool) -> Preview:
    rows = pay_rows(cycle, english)
    return Preview(
        rows=len(rows),
        performance_pay=sum((r[8] for r in rows if r[8] is not None), Decimal(0)),
        commission_paid=sum((r[10] for r in rows if r[10] is not None), Decimal(0)),
        noted=[r for r in rows if r[-1]],
        no_pay=no_pay(cycle, english=english),
        not_final=list(
            Appraisal.objects.filter(cycle=cycle)
            .exclude(
                state__in=[Appraisal.State.FINAL, Appraisal.State.WITHDRAWN, Appraisal.State.EXEMPT]
            )
            .select_related("employee")
            .order_by("employee__number")
        ),
        exports=list(
            PayrollExport.objects.filter(cycle=cycle).select_related("by__employee").order_by("-at")
        ),
    )
