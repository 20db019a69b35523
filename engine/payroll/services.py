"""Payroll export (docs/operations.md): final results of a cycle as CSV or XLSX, with the
corrections published since the previous export. Audited; the audit chain's head hash
goes into the file so an auditor can later detect a rewritten chain."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import translation
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from engine import clock
from engine.appraisals.models import Appraisal, Cycle, ResultVersion
from engine.appraisals.pinned_templates import template_for
from engine.audit.checkpoints import as_text, checkpoint
from engine.audit.models import AuditChainHead
from engine.audit.services import record_for
from engine.errors import InvalidInput
from engine.exports import csv_writer, xlsx_append
from engine.org.selectors import require_hr
from engine.outcomes.selectors import outcome_lines
from engine.scoring.numbers import to_decimal

from .models import PayrollExport

# key, Chinese label, English label; numbers are written as numbers
COLUMNS = [
    ("employee_no", "工号", "employee number"),
    ("employee", "姓名", "employee"),
    ("department", "部门", "department"),
    ("role", "岗位角色", "role"),
    ("total", "总分", "total"),
    ("grade", "等级", "grade"),
    ("coefficient", "绩效系数", "pay coefficient"),
    ("base_performance_pay", "绩效工资基数", "base performance pay"),
    ("performance_pay", "绩效工资", "performance pay"),
    ("commission", "提成", "commission"),
    ("commission_paid", "本月发放提成", "commission paid"),
    ("risk_reserve", "风险金", "risk reserve"),
    ("allowance_cut", "补贴扣减", "allowance cut"),
    ("result_version", "结果版本", "result version"),
]
CORRECTION_COLUMNS = [
    ("employee_no", "工号", "employee number"),
    ("employee", "姓名", "employee"),
    ("version", "版本", "version"),
    ("total", "总分", "total"),
    ("grade", "等级", "grade"),
    ("reason", "原因", "reason"),
    ("at", "时间", "at"),
]
OUTCOME_COLUMNS = [
    ("employee_no", "工号", "employee number"),
    ("employee", "姓名", "employee"),
    ("rule", "规则", "rule"),
    ("outcome", "结果", "outcome"),
    ("amount", "金额", "amount"),
    ("flag", "标记", "flag"),
    ("inputs", "依据", "inputs"),
]
MISSING_COLUMNS = [
    ("employee_no", "工号", "employee number"),
    ("employee", "姓名", "employee"),
    ("state", "状态", "state"),
]
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
    missing: int = 0  # appraisals of the cycle not final yet, so not in the file


def _number(value: Any) -> Decimal | str:
    try:
        return to_decimal(value) if value not in (None, "") else ""
    except ValueError:
        return str(value)


def _labels(columns, english: bool) -> list[str]:
    return [en if english else zh for _key, zh, en in columns]


def _names(a: Appraisal, english: bool) -> tuple[str, str]:
    """The role and the grade in words, from the pinned template."""
    t = template_for(a)
    code = a.calibrated_grade or a.grade
    g = next((g for g in t.grades if g.code == code), None)
    pick = (lambda o: o.name_en) if english else (lambda o: o.name_zh)
    return pick(t), (pick(g) if g else code)


def _rows(cycle: Cycle, english: bool) -> list[list[Any]]:
    out = []
    final = (
        Appraisal.objects.filter(cycle=cycle, state=Appraisal.State.FINAL)
        .select_related("employee", "department")
        .order_by("employee__number")
    )
    for a in final:
        o = (a.result or {}).get("outcomes", {})
        role, grade = _names(a, english)
        coefficient = o.get("pay_coefficient") or o.get("grade_coefficient")
        out.append(
            [
                a.employee.number,
                a.employee.name,
                a.department.name,
                role,
                _number(a.total),
                grade,
                _number(coefficient),
                *(
                    _number(o.get(k))
                    for k in (
                        "base_performance_pay",
                        "performance_pay",
                        "commission",
                        "commission_paid",
                        "risk_reserve",
                        "allowance_cut",
                    )
                ),
                a.result_version,
            ]
        )
    return out


def _missing(cycle: Cycle) -> list[list[Any]]:
    """Appraisals not final yet: not in this file, named so nobody is paid by mistake."""
    return [
        [a.employee.number, a.employee.name, a.get_state_display()]
        for a in Appraisal.objects.filter(cycle=cycle)
        .exclude(state__in=[Appraisal.State.FINAL, "withdrawn", "exempt"])
        .select_related("employee")
        .order_by("employee__number")
    ]


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
            v.total,
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


def payroll_export(*, actor, cycle: Cycle, fmt: str, language: str = "zh-hans") -> Export:
    """The cycle's final results for payroll, labelled in `language`; a file that
    leaves someone out says so on its first sheet."""
    require_hr(actor, cycle.company_id)
    english = language.startswith("en")
    if fmt not in TYPES:
        raise InvalidInput(f"format is one of {sorted(TYPES)}", field="format", rule="choices")
    with transaction.atomic():
        previous = PayrollExport.objects.filter(cycle=cycle).order_by("-at").first()
        rows = _rows(cycle, english)
        with translation.override(language):
            missing = _missing(cycle)
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
        signed = checkpoint(cycle.company_id)
        if signed is not None:  # the export itself can later prove the chain's state
            stamp.append(as_text(signed))
        warning = (
            (
                f"{len(missing)} appraisals are not final yet and are not in this file"
                if english
                else f"还有 {len(missing)} 份考核尚未定稿，未包含在本文件中"
            )
            if missing
            else ""
        )
        sections = [
            (
                _labels(CORRECTION_COLUMNS, english),
                corrections,
                "corrections since the previous export" if english else "上次导出以来的更正",
            ),
            (
                _labels(OUTCOME_COLUMNS, english),
                outcomes,
                "outcomes over the population" if english else "群体规则结果",
            ),
            (
                _labels(MISSING_COLUMNS, english),
                missing,
                "not in this file" if english else "未包含的考核",
            ),
        ]
        if fmt == "csv":
            buf = io.StringIO()
            w = csv_writer(buf)
            if warning:
                w.writerow([warning])
            w.writerow(_labels(COLUMNS, english))
            w.writerows(rows)
            for header, body, title in sections:
                w.writerow([])
                w.writerow([title])
                w.writerow(header)
                w.writerows(body)
            w.writerow([])
            w.writerow(stamp)
            content = ("\ufeff" + buf.getvalue()).encode("utf-8")  # BOM: spreadsheets read UTF-8
        else:
            content = _workbook(rows, sections, stamp, warning, english)
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
        len(missing),
    )


def _sheet(ws, header: list[str], body: list[list[Any]], top: str = "") -> None:
    """A bold header frozen in place (under a warning line when there is one), numbers
    with two places, columns wide enough to read."""
    if top:
        xlsx_append(ws, [top])
        ws.cell(row=1, column=1).font = Font(bold=True, color="B00020")
    xlsx_append(ws, header)
    head_row = ws.max_row
    for cell in ws[head_row]:
        cell.font = Font(bold=True)
    ws.freeze_panes = f"A{head_row + 1}"
    for r in body:
        xlsx_append(ws, r)
    for row in ws.iter_rows(min_row=head_row + 1):
        for cell in row:
            if isinstance(cell.value, Decimal):
                cell.number_format = (
                    "0.00" if cell.value == cell.value.quantize(Decimal("0.01")) else "0.0000"
                )
    for i, label in enumerate(header, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(10, len(str(label)) * 2 + 2)


def _workbook(rows, sections, stamp, warning: str, english: bool) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "payroll" if english else "绩效工资"
    _sheet(ws, _labels(COLUMNS, english), rows, warning)
    names = ("corrections", "outcomes", "missing") if english else ("更正", "群体规则", "未包含")
    for name, (header, body, _title) in zip(names, sections, strict=True):
        _sheet(wb.create_sheet(name), header, body)
    xlsx_append(wb.create_sheet("about" if english else "说明"), stamp)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
