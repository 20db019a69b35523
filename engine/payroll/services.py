"""Payroll export (docs/operations.md): final results of a cycle as CSV or XLSX, with the
corrections published since the previous export. Audited; the audit chain's head hash
goes into the file so an auditor can later detect a rewritten chain."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from openpyxl import Workbook

from engine import clock
from engine.appraisals.models import Appraisal, Cycle, ResultVersion
from engine.audit.models import AuditChainHead
from engine.audit.services import record_for
from engine.errors import InvalidInput
from engine.org.selectors import require_hr
from engine.outcomes.selectors import outcome_lines

from .models import PayrollExport

COLUMNS = [
    "employee_no",
    "employee",
    "department",
    "pack",
    "role",
    "total",
    "grade",
    "coefficient",
    "base_performance_pay",
    "performance_pay",
    "commission",
    "commission_paid",
    "risk_reserve",
    "allowance_cut",
    "result_version",
]
CORRECTION_COLUMNS = ["employee_no", "employee", "version", "total", "grade", "reason", "at"]
OUTCOME_COLUMNS = ["employee_no", "employee", "rule", "outcome", "amount", "flag", "inputs"]
TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass
class Export:
    filename: str
    content: bytes
    content_type: str
    rows: int
    corrections: int


def _rows(cycle: Cycle) -> list[list[Any]]:
    out = []
    final = (
        Appraisal.objects.filter(cycle=cycle, state=Appraisal.State.FINAL)
        .select_related("employee", "department")
        .order_by("employee__number")
    )
    for a in final:
        o = (a.result or {}).get("outcomes", {})
        coefficient = o.get("pay_coefficient") or o.get("grade_coefficient") or ""
        out.append(
            [
                a.employee.number,
                a.employee.name,
                a.department.name,
                a.pack,
                a.role,
                str(a.total),
                a.grade,
                coefficient,
                o.get("base_performance_pay", ""),
                o.get("performance_pay", ""),
                o.get("commission", ""),
                o.get("commission_paid", ""),
                o.get("risk_reserve", ""),
                o.get("allowance_cut", ""),
                a.result_version,
            ]
        )
    return out


def _corrections(cycle: Cycle, since) -> list[list[Any]]:
    if since is None:
        return []
    versions = (
        ResultVersion.objects.filter(appraisal__cycle=cycle, number__gt=1, at__gt=since)
        .select_related("appraisal__employee")
        .order_by("at", "pk")
    )
    return [
        [
            v.appraisal.employee.number,
            v.appraisal.employee.name,
            v.number,
            str(v.total),
            v.grade,
            v.reason,
            v.at.isoformat(),
        ]
        for v in versions
    ]


def _outcomes(cycle: Cycle) -> list[list[Any]]:
    """The population rules' lines: awards, pay-table amounts, flags for HR."""
    return [
        [
            o.appraisal.employee.number,
            o.appraisal.employee.name,
            o.rule,
            o.code,
            "" if o.amount is None else o.amount,
            o.flag,
            json.dumps(o.inputs, ensure_ascii=False, sort_keys=True),
        ]
        for o in outcome_lines(cycle_id=cycle.pk)
    ]


def payroll_export(*, actor, cycle: Cycle, fmt: str) -> Export:
    require_hr(actor, cycle.company_id)
    if fmt not in TYPES:
        raise InvalidInput(f"format is one of {sorted(TYPES)}", field="format", rule="choices")
    with transaction.atomic():
        previous = PayrollExport.objects.filter(cycle=cycle).order_by("-at").first()
        rows = _rows(cycle)
        corrections = _corrections(cycle, previous.at if previous else None)
        outcomes = _outcomes(cycle)
        head = (
            AuditChainHead.objects.filter(chain=cycle.company_id)
            .values_list("last_hash", flat=True)
            .first()
        )
        now = clock.now()
        stamp = [
            f"jixiao payroll export {cycle.company.code} {cycle.period}",
            now.isoformat(),
            f"audit head {head or '-'}",
        ]
        if fmt == "csv":
            buf = io.StringIO()
            w = csv.writer(buf)
            w.writerow(COLUMNS)
            w.writerows(rows)
            w.writerow([])
            w.writerow(["corrections since the previous export"])
            w.writerow(CORRECTION_COLUMNS)
            w.writerows(corrections)
            w.writerow([])
            w.writerow(["outcomes over the population"])
            w.writerow(OUTCOME_COLUMNS)
            w.writerows([[*r[:4], "" if r[4] == "" else str(r[4]), *r[5:]] for r in outcomes])
            w.writerow([])
            w.writerow(stamp)
            content = ("\ufeff" + buf.getvalue()).encode(
                "utf-8"
            )  # BOM: spreadsheet apps read UTF-8
        else:
            wb = Workbook()
            ws = wb.active
            ws.title = "payroll"
            ws.append(COLUMNS)
            for r in rows:
                ws.append(r)
            wc = wb.create_sheet("corrections")
            wc.append(CORRECTION_COLUMNS)
            for r in corrections:
                wc.append(r)
            wo = wb.create_sheet("outcomes")
            wo.append(OUTCOME_COLUMNS)
            for r in outcomes:
                wo.append(r)
            wb.create_sheet("about").append(stamp)
            buf = io.BytesIO()
            wb.save(buf)
            content = buf.getvalue()
        export = PayrollExport.objects.create(
            cycle=cycle,
            by=actor if getattr(actor, "pk", None) else None,
            at=now,
            fmt=fmt,
            rows=len(rows),
            corrections=len(corrections),
            audit_head=head or "",
        )
        record_for(
            cycle,
            actor=actor,
            role="hr",
            action="payroll_export",
            after={
                "export": export.pk,
                "format": fmt,
                "rows": len(rows),
                "corrections": len(corrections),
                "outcome_lines": len(outcomes),
                "audit_head": head,
            },
        )
    return Export(
        f"payroll-{cycle.company.code}-{cycle.period}.{fmt}",
        content,
        TYPES[fmt],
        len(rows),
        len(corrections),
    )
