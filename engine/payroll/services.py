"""Payroll export (docs/operations.md): final results of a cycle as CSV or XLSX, with the
corrections published since the previous export. Audited; the audit chain's head hash
goes into the file so an auditor can later detect a rewritten chain."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import translation

from engine import clock
from engine.appraisals.models import Appraisal, Cycle, ResultVersion
from engine.appraisals.pinned_templates import template_for
from engine.audit.checkpoints import as_text
from engine.audit.models import AuditChainHead
from engine.audit.services import record_for
from engine.audit.signing import for_export, sign_after_commit
from engine.errors import InvalidInput
from engine.org.selectors import require_hr

from .models import PayrollExport
from .rows import local_name, outcome_rows, pay_rows
from .sheets import MONEY, PERCENT, RATE, Sheet, csv_file, workbook
from .words import (
    ABOUT,
    ABOUT_COLUMNS,
    COLUMNS,
    CORRECTION_COLUMNS,
    MISSING_COLUMNS,
    OUTCOME_COLUMNS,
    SHEETS,
    STEPS,
    TITLES,
    WARNING,
    glossary,
    labels,
    pick,
)

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


def _missing(cycle: Cycle, english: bool) -> list[list[Any]]:
    """Appraisals not final yet: not in this file, named so nobody is paid by mistake."""
    return [
        [
            a.employee.number,
            a.employee.name,
            a.get_state_display(),
            pick(STEPS[a.current_step], english) if a.current_step in STEPS else "—",
        ]
        for a in Appraisal.objects.filter(cycle=cycle)
        .exclude(
            state__in=[Appraisal.State.FINAL, Appraisal.State.WITHDRAWN, Appraisal.State.EXEMPT]
        )
        .select_related("employee")
        .order_by("employee__number")
    ]


def _corrections(cycle: Cycle, since, english: bool, zone) -> list[list[Any]]:
    if since is None:
        return []
    versions = (
        ResultVersion.objects.filter(appraisal__cycle=cycle, number__gt=1, at__gt=since)
        .select_related("appraisal__employee")
        .order_by("at", "pk")
    )
    out = []
    for v in versions:
        grades = {g.code: g for g in template_for(v.appraisal).grades}
        g = grades.get(v.grade)
        out.append(
            [
                v.appraisal.employee.number,
                v.appraisal.employee.name,
                v.number,
                v.total,
                local_name(g, english) if g else v.grade,
                v.reason,
                v.at.astimezone(zone),
            ]
        )
    return out


def payroll_export(*, actor, cycle: Cycle, fmt: str, language: str = "zh-hans") -> Export:
    """The cycle's final results for payroll, labelled in `language`, times in the
    company's zone; a file that leaves someone out says so above its first header."""
    require_hr(actor, cycle.company_id)
    english = language.startswith("en")
    if fmt not in TYPES:
        raise InvalidInput(f"format is one of {sorted(TYPES)}", field="format", rule="choices")
    company = cycle.company
    zone = zoneinfo.ZoneInfo(company.time_zone)
    with transaction.atomic():
        previous = PayrollExport.objects.filter(cycle=cycle).order_by("-at").first()
        rows = pay_rows(cycle, english)
        with translation.override(language):
            missing = _missing(cycle, english)
        corrections = _corrections(cycle, previous.at if previous else None, english, zone)
        outcomes = outcome_rows(cycle, english)
        head = (
            AuditChainHead.objects.filter(chain=cycle.company_id)
            .values_list("last_hash", flat=True)
            .first()
        )
        now = clock.now()
        signing = for_export(cycle.company_id)
        about = [
            [pick(ABOUT["company"], english), company.name],
            [pick(ABOUT["cycle"], english), cycle.period],
            [pick(ABOUT["exported_at"], english), now.astimezone(zone)],
            [pick(ABOUT["zone"], english), company.time_zone],
            [pick(ABOUT["by"], english), _who(actor)],
            [pick(ABOUT["rows"], english), len(rows)],
            [pick(ABOUT["missing"], english), len(missing)],
            [pick(ABOUT["corrections"], english), len(corrections)],
            [pick(ABOUT["audit_head"], english), head or "—"],
        ]
        if signing.checkpoint is not None:  # the export can later prove the chain's state
            about.append([pick(ABOUT["checkpoint"], english), as_text(signing.checkpoint)])
        elif signing.refused:  # the chain fails its check: nothing is signed, HR is told
            about.append([pick(ABOUT["checkpoint"], english), pick(ABOUT["refused"], english)])
        about.append([pick(ABOUT["glossary"], english), ""])
        about.extend([term, help_text] for term, help_text in glossary(english))
        warning = pick(WARNING, english, n=len(missing)) if missing else ""
        sheets = _sheets(rows, corrections, outcomes, missing, about, warning, english, zone)
        content = workbook(sheets) if fmt == "xlsx" else csv_file(sheets)
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
        sign_after_commit(cycle.company_id)  # the export's own event, signed for at once
    return Export(
        f"payroll-{company.code}-{cycle.period}.{fmt}",
        content,
        TYPES[fmt],
        len(rows),
        len(corrections),
        len(missing),
    )


def _who(actor) -> str:
    employee = getattr(actor, "employee", None) if getattr(actor, "pk", None) else None
    return employee.name if employee else getattr(actor, "username", "") or "—"


def _sheets(rows, corrections, outcomes, missing, about, warning, english, zone) -> list[Sheet]:
    money = {i: MONEY for i in range(7, 12)}  # base, pay, commission, paid, reserve
    return [
        Sheet(
            pick(SHEETS["payroll"], english),
            "",
            labels(COLUMNS, english),
            rows,
            {4: "0.00", 6: RATE, **money, 12: PERCENT},
            warning,
        ),
        Sheet(
            pick(SHEETS["corrections"], english),
            pick(TITLES["corrections"], english),
            labels(CORRECTION_COLUMNS, english, zone=str(zone)),
            corrections,
            {3: "0.00"},
        ),
        Sheet(
            pick(SHEETS["outcomes"], english),
            pick(TITLES["outcomes"], english),
            labels(OUTCOME_COLUMNS, english),
            outcomes,
            {4: MONEY},
        ),
        Sheet(
            pick(SHEETS["missing"], english),
            pick(TITLES["missing"], english),
            labels(MISSING_COLUMNS, english),
            missing,
            {},
        ),
        Sheet(
            pick(SHEETS["about"], english),
            pick(SHEETS["about"], english),
            labels(ABOUT_COLUMNS, english),
            about,
            {},
        ),
    ]
