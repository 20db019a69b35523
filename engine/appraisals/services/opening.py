"""Opening a cycle: one appraisal per participating employee with every step's holder
and due moment, written set-based (opening_rows.py: a 10,000-person month within a
few times a raw `INSERT … SELECT` of its rows), and a late joiner added to an open
cycle the same way."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from engine import clock
from engine.audit.services import record_for
from engine.deadlines.due import due_day, moments, period_bounds
from engine.errors import Conflict, InvalidInput
from engine.org.models import Company, CompanyRole, Department, Employee
from engine.org.selectors import calendar_for, require_hr
from engine.scoring import RoleTemplate

from .. import holders
from ..models import Appraisal, Cycle, KpiTarget, PackActivation, PositionMapping
from ..readiness import readiness
from ..targets import check_targets, check_targets_plausible
from .annual import annual_on_opening
from .opening_rows import write_opened


class _Opening:
    """Everything opening needs, loaded in a few queries for the whole company."""

    def __init__(self, company: Company):
        self.company = company
        self.calendar = calendar_for(company)
        emps = list(
            Employee.objects.filter(company=company).values(
                "pk",
                "user_id",
                "supervisor_id",
                "department_id",
                "position_id",
                "status",
                "hire_date",
                "name",
            )
        )
        self.rows = {e["pk"]: e for e in emps}
        depts = list(
            Department.objects.filter(company=company).values("pk", "parent_id", "head_id")
        )
        roles: dict[str, set[int]] = {}
        for role, user_id in CompanyRole.objects.filter(company=company).values_list(
            "role", "user_id"
        ):
            roles.setdefault(role, set()).add(user_id)
        self.org = holders.OrgMaps(
            people={
                e["pk"]: holders.Person(
                    e["pk"],
                    e["user_id"],
                    e["supervisor_id"],
                    e["department_id"],
                    e["status"] == Employee.Status.ACTIVE,
                )
                for e in emps
            },
            dept_parent={d["pk"]: d["parent_id"] for d in depts},
            dept_head={d["pk"]: d["head_id"] for d in depts},
            role_users=roles,
        )
        self.mappings = {m.position_id: m for m in PositionMapping.objects.filter(company=company)}
        self.activations = {
            a.pack: a for a in PackActivation.objects.filter(company=company, active=True)
        }
        self.kpi: dict[int, dict[str, str]] = {}
        for emp_id, ind, target in KpiTarget.objects.filter(employee__company=company).values_list(
            "employee_id", "indicator", "target"
        ):
            self.kpi.setdefault(emp_id, {})[ind] = str(target)
        self._templates: dict[tuple[str, str], RoleTemplate] = {}
        self._due: dict[tuple, Any] = {}

    def template(self, pack: str, role: str) -> RoleTemplate:
        key = (pack, role)
        if key not in self._templates:
            self._templates[key] = RoleTemplate.from_dict(self.activations[pack].templates[role])
        return self._templates[key]

    def moments(self, period_end: dt.date, step) -> Any:
        key = (period_end, step.due.months_after, step.due.day)
        if key not in self._due:
            day = due_day(period_end, step.due, self.calendar)
            self._due[key] = moments(day, self.calendar, self.company.time_zone)
        return self._due[key]

    def descendants(self, dept_ids: Iterable[int]) -> set[int]:
        found, frontier = set(dept_ids), set(dept_ids)
        while frontier:
            frontier = {d for d, p in self.org.dept_parent.items() if p in frontier} - found
            found |= frontier
        return found


def _insert(
    op: _Opening,
    cycle: Cycle,
    actor,
    emp_ids: list[int],
    chunk: int,
    progress: Callable[[int, int], None] | None,
) -> None:
    """The appraisals of `emp_ids` (ascending), `chunk` at a time, set-based
    (`opening_rows.write_opened`)."""
    now = clock.now()
    for start in range(0, len(emp_ids), chunk):
        part = emp_ids[start : start + chunk]
        write_opened(op, cycle, actor, part, now)
        if cycle.kind == Cycle.Kind.YEAR:
            # a year's cycle: the inputs the pack's rule computes from the year's results
            written = Appraisal.objects.filter(cycle=cycle, employee_id__in=part)
            annual_on_opening(actor=actor, cycle=cycle, appraisals=list(written.order_by("pk")))
        if progress:
            progress(start + len(part), len(emp_ids))


def _participants(op: _Opening, cycle: Cycle, only: Iterable[int] | None = None) -> list[int]:
    depts = op.descendants(cycle.department_ids) if cycle.department_ids else None
    positions = set(cycle.position_ids) if cycle.position_ids else None
    out = []
    for emp_id, row in op.rows.items():
        if only is not None and emp_id not in only:
            continue
        if row["status"] != Employee.Status.ACTIVE or row["hire_date"] > cycle.end:
            continue
        if depts is not None and row["department_id"] not in depts:
            continue
        if positions is not None and row["position_id"] not in positions:
            continue
        mapping = op.mappings.get(row["position_id"])
        if mapping is None or mapping.pack not in op.activations:
            continue
        out.append(emp_id)
    return sorted(out)


def cycle_open(
    *,
    actor,
    company: Company,
    kind: str,
    period: str,
    department_ids: list[int] | None = None,
    position_ids: list[int] | None = None,
    targets: dict | None = None,
    chunk: int = 10000,
    progress: Callable[[int, int], None] | None = None,
    calibration_required: bool = False,
    targets_later: bool = False,
) -> Cycle:
    """Open a cycle: one appraisal per participating employee, with every step's due
    moment, in bulk. Opening the same period twice is refused; so is a cycle whose
    chains some step of nobody would hold, or whose targets are not all known — unless
    HR says they will set the targets on the cycle's page (`targets_later`)."""
    require_hr(actor, company.pk)
    if kind not in Cycle.Kind.values:
        raise InvalidInput(f"kind must be one of {Cycle.Kind.values}", field="kind", rule="choices")
    try:
        start, end = period_bounds(kind, period)
    except ValueError as exc:
        raise InvalidInput(str(exc), field="period", rule="format") from exc
    check_targets(targets)
    op = _Opening(company)
    check_targets_plausible(
        targets,
        lambda pack, role: (
            op.template(pack, role)
            if pack in op.activations and role in op.activations[pack].templates
            else None
        ),
    )
    unknown = set(department_ids or []) - set(op.org.dept_parent)
    if unknown:
        raise InvalidInput(
            f"no such departments here: {sorted(unknown)}", field="department_ids", rule="company"
        )
    # The period taken says more than what it would lack: asked first (and again
    # under the lock below, for two openings at once).
    taken = Cycle.objects.filter(company=company, period=period)
    if taken.exclude(status=Cycle.Status.CANCELLED).exists():
        raise Conflict(_already_open(period), field="period", rule="unique")
    emp_ids = _check_ready(
        op, targets or {}, department_ids, position_ids, start, end, targets_later, kind
    )
    with transaction.atomic():
        live = Cycle.objects.select_for_update().filter(company=company, period=period)
        if live.exclude(status=Cycle.Status.CANCELLED).exists():
            raise Conflict(_already_open(period), field="period", rule="unique")
        try:
            with transaction.atomic():
                cycle = Cycle.objects.create(
                    company=company,
                    kind=kind,
                    period=period,
                    start=start,
                    end=end,
                    department_ids=sorted(department_ids or []),
                    position_ids=sorted(position_ids or []),
                    targets=targets or {},
                    calibration_required=calibration_required,
                    opened_by=actor if getattr(actor, "pk", None) else None,
                    opened_at=clock.now(),
                )
        except IntegrityError as exc:
            raise Conflict(_already_open(period), field="period", rule="unique") from exc
        record_for(
            cycle,
            actor=actor,
            role="hr",
            action="cycle_open",
            after={
                "kind": kind,
                "period": period,
                "departments": cycle.department_ids,
                "positions": cycle.position_ids,
                "targets": cycle.targets,
            },
        )
        _insert(op, cycle, actor, emp_ids, chunk, progress)
    return cycle


def _already_open(period: str) -> str:
    """In the reader's language: the page that opens cycles shows it as it is."""
    return _("A cycle for %(period)s is open already: find it in the list of cycles.") % {
        "period": period
    }


def _check_ready(
    op, targets, department_ids, position_ids, start, end, targets_later, kind=""
) -> list[int]:
    """The participants, once opening them is known to be possible."""
    probe = Cycle(
        company=op.company,
        start=start,
        end=end,
        department_ids=sorted(department_ids or []),
        position_ids=sorted(position_ids or []),
        targets=targets,
    )
    emp_ids = _participants(op, probe)
    names = {e: op.rows[e]["name"] for e in emp_ids}
    ready = readiness(op, targets, emp_ids, names, kind)
    if ready.holders:
        raise Conflict(
            _("This cycle cannot open: %(what)s. Grant the company role first.")
            % {"what": ready.holders_text()},
            field="holders",
            rule="configured",
        )
    if ready.targets and not targets_later:
        raise InvalidInput(
            _(
                "Targets are missing for %(what)s. They are given on the cycle's targets "
                "page once it is open: tick the box below to open it now and set them there."
            )
            % {"what": ready.targets_text()},
            field="targets",
            rule="targets_known",
        )
    return emp_ids


def appraisal_add(*, actor, cycle: Cycle, employee: Employee) -> Appraisal:
    """A late joiner joins an open cycle."""
    require_hr(actor, cycle.company_id)
    if employee.company_id != cycle.company_id:
        raise InvalidInput(
            "the employee works for another company", field="employee", rule="company"
        )
    with transaction.atomic():
        Cycle.objects.select_for_update().get(pk=cycle.pk)
        if Appraisal.objects.filter(cycle=cycle, employee=employee).exists():
            raise Conflict("the employee is already in this cycle", field="employee", rule="unique")
        op = _Opening(cycle.company)
        ids = _participants(op, cycle, only={employee.pk})
        if not ids:
            raise InvalidInput(
                "the employee is not active, not mapped to a pack, or outside the cycle",
                field="employee",
                rule="eligible",
            )
        _insert(op, cycle, actor, ids, 1, None)
        return Appraisal.objects.get(cycle=cycle, employee=employee)
