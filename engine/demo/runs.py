"""After the simulated month: the cycles that exercise the rules over a population and
over time. The sales department's fourth quarter ranks its people for the quarterly
awards; three more months of the workshop make a run: its head first three months
running, one member failing three months running. Every step is handed in on time
with fixed values (no randomness), so the month's own results stay as they were.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import Counter
from decimal import Decimal
from typing import Any

from engine import clock
from engine.appraisals import services
from engine.appraisals.models import Appraisal, AppraisalStep, Cycle
from engine.appraisals.pinned_templates import template_for
from engine.org.models import Company, CompanyRole, Department
from engine.outcomes.models import PopulationOutcome

from .simulated_company import SELF_SUMMARY

SH = zoneinfo.ZoneInfo("Asia/Shanghai")
SALES_TARGETS = {"orders": 10, "net_revenue": 100000, "collection": 1}
LEAD_TARGETS = {"team_net_revenue": 100000, "personal_net_profit": 10000, "collection": 1}
RUN = (("2026-11", 12), ("2026-12", 1), ("2027-01", 2))  # period, month its steps are due


def _at(year: int, month: int, day: int) -> dt.datetime:
    return dt.datetime(year, month, day, 10, tzinfo=SH)


def _drive(company: Company, hr, cycle: Cycle, entries) -> None:
    """Each step by its holder, on time, with `entries(appraisal, step)`; then final."""
    roles = {r.role: r.user for r in CompanyRole.objects.filter(company=company)}
    apps = list(Appraisal.objects.filter(cycle=cycle).select_related("employee").order_by("pk"))
    for seq in range(6):
        for a in apps:
            step = AppraisalStep.objects.filter(
                appraisal=a, seq=seq, state=AppraisalStep.State.OPEN
            ).first()
            if step is not None:
                holder = step.assignee or roles[step.holder_role]
                services.step_submit(
                    actor=holder,
                    appraisal_id=a.pk,
                    step_id=step.pk,
                    data=entries(a, step),
                    comment=SELF_SUMMARY if step.code == "self" else "",
                )
    for a in apps:
        services.appraisal_finalise(actor=hr, appraisal=a)


def _sales_quarter(company: Company, hr) -> None:
    dept = Department.objects.get(company=company, code="sales")
    clock.set_now(_at(2026, 12, 31))
    targets = {"sales_rep": SALES_TARGETS, "sales_assistant": SALES_TARGETS}
    cycle = services.cycle_open(
        targets_later=True,
        actor=hr,
        company=company,
        kind=Cycle.Kind.QUARTER,
        period="2026-Q4",
        department_ids=[dept.pk],
        targets={"sales": {**targets, "sales_lead": LEAD_TARGETS}},
    )
    apps = Appraisal.objects.filter(cycle=cycle).order_by("pk")
    for i, a in enumerate(apps):
        if a.role == "sales_lead":
            system = dict(LEAD_TARGETS)
        else:  # the first reached the whole revenue target, each next one a tenth less
            share = max(Decimal(0), 1 - Decimal(i) / 10)
            system = {"orders": 10, "net_revenue": str(100000 * share), "collection": 1}
        services.appraisal_set_inputs(actor=hr, appraisal=a, system_values=system)

    def entries(a: Appraisal, step: AppraisalStep) -> dict:
        if step.code != "supervisor":
            return {}
        scales = [i.code for i in template_for(a).indicators if i.rule == "scale"]
        return {"values": dict.fromkeys(scales, 4)}

    clock.set_now(_at(2027, 1, 2))
    _drive(company, hr, cycle, entries)


def _workshop_run(company: Company, hr) -> None:
    dept = Department.objects.get(company=company, code="workshop")
    people = list(
        Department.objects.get(pk=dept.pk).employees.order_by("pk").values_list("pk", flat=True)
    )
    head, failing = dept.head_id, next(p for p in people if p != dept.head_id)
    items = ("efficiency", "operation", "attitude", "knowledge")
    for period, due_month in RUN:
        year, month = int(period[:4]), int(period[5:])
        clock.set_now(_at(year, month, 27))
        cycle = services.cycle_open(
            targets_later=True,
            actor=hr,
            company=company,
            kind=Cycle.Kind.MONTH,
            period=period,
            department_ids=[dept.pk],
        )

        def entries(a: Appraisal, step: AppraisalStep) -> dict:
            if step.code != "supervisor":
                return {}
            points = 24 if a.employee_id == head else 10 if a.employee_id == failing else 18
            return {"values": dict.fromkeys(items, points)}  # 96 a · 40 e · 72 c

        due_year = year + (1 if due_month < month else 0)
        clock.set_now(_at(due_year, due_month, 1))
        _drive(company, hr, cycle, entries)


def run_population_cycles(company: Company, hr) -> None:
    _sales_quarter(company, hr)
    _workshop_run(company, hr)


def population_summary(company: Company) -> dict[str, Any]:
    """Outcome lines per cycle and outcome code, over every cycle of the company."""
    out: dict[str, dict[str, int]] = {}
    rows = PopulationOutcome.objects.filter(company=company).values_list("cycle__period", "code")
    for (period, code), n in sorted(Counter(rows).items()):
        out.setdefault(period, {})[code] = n
    return out
