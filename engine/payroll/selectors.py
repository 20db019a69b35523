"""What a payroll export of a cycle would hold, read before HR exports it: the page
shows it as the summary the deliberate action confirms."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from engine.appraisals.models import Appraisal, Cycle

from .models import PayrollExport
from .rows import pay_rows


@dataclass
class Preview:
    rows: int
    performance_pay: Decimal
    commission_paid: Decimal
    noted: list[list[Any]] = field(default_factory=list)  # rows whose notes say what is missing
    not_final: list[Appraisal] = field(default_factory=list)
    exports: list[PayrollExport] = field(default_factory=list)


def payroll_preview(cycle: Cycle, *, english: bool) -> Preview:
    rows = pay_rows(cycle, english)
    return Preview(
        rows=len(rows),
        performance_pay=sum((r[8] for r in rows if r[8] is not None), Decimal(0)),
        commission_paid=sum((r[10] for r in rows if r[10] is not None), Decimal(0)),
        noted=[r for r in rows if r[-1]],
        not_final=list(
            Appraisal.objects.filter(cycle=cycle)
            .exclude(state__in=[Appraisal.State.FINAL, "withdrawn", "exempt"])
            .select_related("employee")
            .order_by("employee__number")
        ),
        exports=list(
            PayrollExport.objects.filter(cycle=cycle).select_related("by__employee").order_by("-at")
        ),
    )
