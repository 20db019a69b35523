"""One entry for every import, shared by the page and `manage.py import`: read the
file, check every row, write only when every row is good (and not a dry run), audit
the import itself. Also the templates, filled with what a cycle expects."""

from __future__ import annotations

import json

from django.db import transaction
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from engine.appraisals.gaps import cycle_roles
from engine.appraisals.models import Appraisal, Cycle
from engine.appraisals.pinned_templates import template_for
from engine.audit.services import record
from engine.errors import InvalidInput
from engine.org.models import Company, Employee
from engine.org.selectors import require_hr
from engine.scoring.needs import input_parts, input_words, system_metrics, target_indicators
from engine.scoring.units import as_typed

from . import sheets
from .cycle_data import import_metrics, import_targets
from .filetype import FileRefused, refuse_file
from .people import import_people
from .report import Report


def import_file(
    *,
    actor,
    company: Company,
    kind: str,
    data: bytes,
    filename: str = "",
    cycle: Cycle | None = None,
    dry_run: bool = False,
) -> Report:
    """Import `data` (XLSX or CSV) as `kind`; any bad row and nothing changes."""
    require_hr(actor, company.pk)
    refused = refuse_file(data, filename)
    if refused is not None:
        raise FileRefused(refused)
    rows = sheets.read_rows(data, kind, filename)
    if kind in ("targets", "metrics"):
        if cycle is None or cycle.company_id != company.pk:
            raise InvalidInput("choose a cycle of this company", field="cycle", rule="required")
        run = import_targets if kind == "targets" else import_metrics
        with transaction.atomic():
            report = run(actor=actor, cycle=cycle, rows=rows, dry_run=dry_run)
            _audit(actor, company, report, filename, cycle)
    else:
        with transaction.atomic():
            report = import_people(actor=actor, company=company, rows=rows, dry_run=dry_run)
            _audit(actor, company, report, filename, cycle)
    report.sheet = sheets.sheet_title(data, filename)
    return report


def _audit(actor, company, report: Report, filename: str, cycle) -> None:
    if not report.changed:
        return  # a dry run, a refused file or the same file again leaves no trace to audit
    record(
        company=company,
        actor=actor,
        role="hr",
        action=f"import:{report.kind}",
        object_type="appraisals.cycle" if cycle else "org.company",
        object_id=cycle.pk if cycle else company.pk,
        after={k: v for k, v in report.as_dict().items() if k != "errors"},
        reason=filename,
    )


def _zh() -> bool:
    return not (get_language() or "zh-hans").startswith("en")


def _words(obj, attr: str = "name") -> str:
    """A pack's name in the reader's language (English ones start with a capital)."""
    if _zh():
        return str(getattr(obj, f"{attr}_zh"))
    words = str(getattr(obj, f"{attr}_en") or getattr(obj, f"{attr}_zh"))
    return words[:1].upper() + words[1:]


def people_rows(company: Company) -> list[dict]:
    """The company's people as the people import reads them, so HR edits the file and
    imports it back; importing it unchanged changes nothing."""
    people = (
        Employee.objects.filter(company=company, status=Employee.Status.ACTIVE)
        .select_related("department__parent", "department__head", "position", "supervisor", "user")
        .order_by("department__code", "number")
    )
    return [
        {
            "department_code": e.department.code,
            "department_name": e.department.name,
            "parent_department_code": e.department.parent.code if e.department.parent else "",
            "position_code": e.position.code,
            "position_name": e.position.name_zh,
            "number": e.number,
            "name": e.name,
            "hire_date": e.hire_date.isoformat(),
            "supervisor_number": e.supervisor.number if e.supervisor else "",
            "heads_department": ("是" if _zh() else "yes") if e.department.head_id == e.pk else "",
            "trial_end_date": e.trial_end_date.isoformat() if e.trial_end_date else "",
            "email": e.user.email,
            "username": e.user.username,
        }
        for e in people
    ]


def template_rows(kind: str, cycle: Cycle | None, company: Company | None = None) -> list[dict]:
    """What HR fills in: the company's people, or a cycle's roles' targets or its open
    appraisals' metrics, one row each, with what is set now (blank: not set yet)."""
    if kind == "people":
        return people_rows(company) if company is not None else []
    if cycle is None:
        return []
    if kind == "targets":
        return [
            {
                "pack": pack,
                "role": role,
                "indicator": ind.code,
                "indicator_name": f"{_words(t)} · {_words(ind)}",
                "target": as_typed(
                    ind, cycle.targets.get(pack, {}).get(role, {}).get(ind.code, "")
                ),
            }
            for (pack, role), t in cycle_roles(cycle).items()
            for ind in target_indicators(t)
        ]
    out = []
    apps = (
        Appraisal.objects.filter(cycle=cycle, state=Appraisal.State.IN_PROGRESS)
        .select_related("employee")
        .order_by("employee__number")
    )
    for a in apps:
        loaded = a.values.get("system", {})
        for ind in system_metrics(template_for(a)):
            row = {"number": a.employee.number, "name": a.employee.name}
            parts = input_parts(ind, loaded.get(ind.code))
            if not parts:
                value = loaded.get(ind.code, "")
                out.append(
                    {
                        **row,
                        "indicator": ind.code,
                        "indicator_name": _words(ind),
                        # A structured value no sub-field names is written as JSON text.
                        "value": (
                            json.dumps(value)
                            if isinstance(value, dict | list)
                            else as_typed(ind, value)
                        ),
                    }
                )
                continue
            given = loaded.get(ind.code)
            out.extend(
                {
                    **row,
                    "indicator": f"{ind.code}.{part}",
                    "indicator_name": f"{_words(ind)} · {input_words(ind, part, english=not _zh())}",
                    "value": given.get(part, "") if isinstance(given, dict) else "",
                }
                for part in parts
            )
    return out


def import_template(kind: str, cycle: Cycle | None = None, company: Company | None = None) -> bytes:
    """The workbook HR downloads; imported unchanged it changes nothing."""
    if kind not in sheets.KINDS:
        raise InvalidInput(
            f"kind must be one of {sorted(sheets.KINDS)}", field="kind", rule="choices"
        )
    if company is None and cycle is not None:
        company = cycle.company
    rows = template_rows(kind, cycle, company)
    return sheets.template(kind, rows, "" if rows else empty_reason(kind, cycle))


def metrics_closed(cycle: Cycle) -> bool:
    """No appraisal of the cycle is still in progress: every metric is settled."""
    return not Appraisal.objects.filter(cycle=cycle, state=Appraisal.State.IN_PROGRESS).exists()


def empty_reason(kind: str, cycle: Cycle | None) -> str:
    """Why a template has no rows, said in its instructions (an empty file with no word
    reads as a fault)."""
    if kind == "metrics" and cycle is not None and metrics_closed(cycle):
        return _(
            "This template has no rows: no appraisal of this cycle is still in progress "
            "(all are published or final), so no system metric can change."
        )
    if kind != "people":
        return _("This template has no rows: this cycle has nothing to fill in.")
    return _("This template has no rows: the company has no people yet.")
