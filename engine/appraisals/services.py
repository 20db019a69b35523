"""Writes of the appraisal engine. Every state change goes through here: lock the
row, re-check state and permission, validate, write, and record the audit event in
the same transaction (architecture.md)."""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from guardian.shortcuts import assign_perm

from engine import clock
from engine.access import policy
from engine.audit.services import Entry, record, record_for, record_many
from engine.deadlines.due import due_day, moments, period_bounds
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.notifications.services import Message, notify_many
from engine.org.models import Company, CompanyRole, Department, Employee, Position
from engine.org.selectors import calendar_for, companies_of
from engine.plugins import registry
from engine.scoring import RoleTemplate, ScoringInputError, score
from engine.scoring.numbers import to_decimal
from engine.scoring.rules import parse_value

from . import holders
from .entries import merge_entry, scoring_values, validate_entry
from .flow import AppraisalFlow, StepFlow
from .models import (
    Appraisal,
    AppraisalStep,
    Cycle,
    KpiTarget,
    LatePenalty,
    PackActivation,
    PositionMapping,
    ResultVersion,
    StepSubmission,
)
from .templates import template_for

SYSTEM = None  # actor for background work (the sweep, the simulator's bookkeeping)


def _require_hr(actor, company_id: int) -> None:
    if actor is None or getattr(actor, "is_superuser", False):
        return
    if not policy.is_hr(actor, company_id):
        raise Forbidden("only HR of this company may do this", field="actor", rule="role:hr")


# --- packs -----------------------------------------------------------------------


def pack_activate(*, actor, company: Company, pack: str) -> PackActivation:
    """Store the installed version's templates for the company and make it active."""
    _require_hr(actor, company.pk)
    try:
        rp = registry.get_pack(pack)
    except registry.PackUnavailable as exc:
        raise InvalidInput(exc.message, field="pack", rule="installed") from exc
    entry = next(e for e in registry.discover() if e.name == pack)
    with transaction.atomic():
        PackActivation.objects.select_for_update().filter(company=company, pack=pack).exists()
        existing = PackActivation.objects.filter(
            company=company, pack=pack, version=rp.version
        ).first()
        PackActivation.objects.filter(company=company, pack=pack, active=True).exclude(
            pk=getattr(existing, "pk", None)
        ).update(active=False)
        if existing is not None:
            if not existing.active:
                existing.active = True
                existing.save(update_fields=["active"])
            act = existing
        else:
            act = PackActivation.objects.create(
                company=company,
                pack=pack,
                version=rp.version,
                distribution=entry.distribution or "",
                templates={t.role: t.to_dict() for t in rp.roles},
                hashes={t.role: t.fingerprint() for t in rp.roles},
                activated_by=actor if getattr(actor, "pk", None) else None,
                activated_at=clock.now(),
            )
        record_for(
            act,
            actor=actor,
            role="hr",
            action="pack_activate",
            after={"pack": pack, "version": rp.version, "hashes": act.hashes},
        )
    return act


def position_map(
    *, actor, company: Company, position: Position, pack: str, role: str
) -> PositionMapping:
    _require_hr(actor, company.pk)
    if position.company_id != company.pk:
        raise InvalidInput(
            "the position belongs to another company", field="position", rule="company"
        )
    act = PackActivation.objects.filter(company=company, pack=pack, active=True).first()
    if act is None:
        raise InvalidInput(
            f"pack {pack!r} is not active for this company", field="pack", rule="active"
        )
    if role not in act.templates:
        raise InvalidInput(f"pack {pack!r} has no role {role!r}", field="role", rule="exists")
    with transaction.atomic():
        m = PositionMapping.objects.select_for_update().filter(position=position).first()
        before = None if m is None else {"pack": m.pack, "role": m.role}
        m = m or PositionMapping(company=company, position=position)
        m.pack, m.role = pack, role
        m.save()
        record_for(
            m,
            actor=actor,
            role="hr",
            action="position_map",
            before=before,
            after={"position": position.code, "pack": pack, "role": role},
        )
    return m


def appraisal_grant_view(*, actor, appraisal: Appraisal, user, reason: str) -> None:
    """HR lets one more person read an appraisal (a deputy, an investigator)."""
    _require_hr(actor, appraisal.company_id)
    if not reason or not reason.strip():
        raise InvalidInput("granting access needs a reason", field="reason", rule="required")
    if appraisal.company_id not in companies_of(user):
        raise InvalidInput(
            "the person does not belong to this company", field="user", rule="company"
        )
    with transaction.atomic():
        assign_perm("appraisals.view_appraisal", user, appraisal)
        record_for(
            appraisal,
            actor=actor,
            role="hr",
            action="grant_view",
            reason=reason,
            after={"user": user.pk},
        )


# --- cycles ----------------------------------------------------------------------


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
                    e["status"] == "active",
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


def _targets(t: RoleTemplate, cycle_targets: dict, kpi: dict[str, str]) -> dict[str, str]:
    """Pack default < cycle value < the employee's own KPI contract."""
    out = {
        i.code: str(i.params["target"]) for i in t.indicators if i.params.get("target") is not None
    }
    out.update({k: str(v) for k, v in cycle_targets.get(t.pack, {}).get(t.role, {}).items()})
    out.update({k: v for k, v in kpi.items() if t.indicator(k) is not None})
    return out


def _build(
    op: _Opening, cycle: Cycle, emp_ids: list[int], now
) -> tuple[list[Appraisal], list[list[AppraisalStep]]]:
    appraisals, step_lists = [], []
    for emp_id in emp_ids:
        row = op.rows[emp_id]
        mapping = op.mappings[row["position_id"]]
        act = op.activations[mapping.pack]
        t = op.template(mapping.pack, mapping.role)
        appraisals.append(
            Appraisal(
                cycle=cycle,
                company=op.company,
                employee_id=emp_id,
                department_id=row["department_id"],
                activation=act,
                pack=act.pack,
                version=act.version,
                role=mapping.role,
                template_hash=act.hashes[mapping.role],
                targets=_targets(t, cycle.targets, op.kpi.get(emp_id, {})),
                current_step=t.chain[0].code,
            )
        )
        person = op.org.people[emp_id]
        steps = []
        for seq, cs in enumerate(t.chain):
            m = op.moments(cycle.end, cs)
            h = holders.resolve(cs.code, person, op.org)
            steps.append(
                AppraisalStep(
                    company=op.company,
                    seq=seq,
                    code=cs.code,
                    assignee_id=h.assignee_id,
                    holder_role=h.role,
                    escalated_from=h.escalated_from,
                    state="open" if seq == 0 else "pending",
                    opened_at=now if seq == 0 else None,
                    due_date=m.due_date,
                    due_at=m.due_at,
                    remind_before_at=m.remind_before_at,
                    remind_due_at=m.remind_due_at,
                )
            )
        step_lists.append(steps)
    return appraisals, step_lists


def _insert(
    op: _Opening,
    cycle: Cycle,
    actor,
    emp_ids: list[int],
    chunk: int,
    progress: Callable[[int, int], None] | None,
) -> list[Appraisal]:
    now = clock.now()
    created: list[Appraisal] = []
    for start in range(0, len(emp_ids), chunk):
        part = emp_ids[start : start + chunk]
        appraisals, step_lists = _build(op, cycle, part, now)
        Appraisal.objects.bulk_create(appraisals, batch_size=chunk)
        steps = []
        for a, ss in zip(appraisals, step_lists, strict=True):
            for s in ss:
                s.appraisal_id = a.pk
                steps.append(s)
        AppraisalStep.objects.bulk_create(steps, batch_size=chunk)
        record_many(
            company=op.company,
            actor=actor,
            role="hr",
            entries=[
                Entry(
                    "appraisals.appraisal",
                    a.pk,
                    "open",
                    after={
                        "employee": a.employee_id,
                        "pack": a.pack,
                        "version": a.version,
                        "role": a.role,
                        "template_hash": a.template_hash,
                        "targets": a.targets,
                    },
                )
                for a in appraisals
            ],
        )
        first = [ss[0] for ss in step_lists]
        notify_many(_step_messages(first, "step_open", "请填写/Please complete", op.company.pk))
        created.extend(appraisals)
        if progress:
            progress(start + len(part), len(emp_ids))
    return created


def _participants(op: _Opening, cycle: Cycle, only: Iterable[int] | None = None) -> list[int]:
    depts = op.descendants(cycle.department_ids) if cycle.department_ids else None
    positions = set(cycle.position_ids) if cycle.position_ids else None
    out = []
    for emp_id, row in op.rows.items():
        if only is not None and emp_id not in only:
            continue
        if row["status"] != "active" or row["hire_date"] > cycle.end:
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
    chunk: int = 1000,
    progress: Callable[[int, int], None] | None = None,
    calibration_required: bool = False,
) -> Cycle:
    """Open a cycle: one appraisal per participating employee, with every step's due
    moment, in bulk. Opening the same period twice is refused."""
    _require_hr(actor, company.pk)
    if kind not in Cycle.Kind.values:
        raise InvalidInput(f"kind must be one of {Cycle.Kind.values}", field="kind", rule="choices")
    try:
        start, end = period_bounds(kind, period)
    except ValueError as exc:
        raise InvalidInput(str(exc), field="period", rule="format") from exc
    if targets is not None and not isinstance(targets, dict):
        raise InvalidInput("must be pack → role → indicator → target", field="targets", rule="type")
    for pack, roles in (targets or {}).items():
        for role, inds in (roles or {}).items():
            for code, value in (inds or {}).items():
                try:
                    if to_decimal(value) < 0:
                        raise ValueError
                except (ValueError, TypeError) as exc:
                    raise InvalidInput(
                        "a target must be a number ≥ 0",
                        field=f"targets.{pack}.{role}.{code}",
                        rule="min",
                    ) from exc
    op = _Opening(company)
    unknown = set(department_ids or []) - set(op.org.dept_parent)
    if unknown:
        raise InvalidInput(
            f"no such departments here: {sorted(unknown)}", field="department_ids", rule="company"
        )
    with transaction.atomic():
        if Cycle.objects.select_for_update().filter(company=company, period=period).exists():
            raise Conflict(f"a cycle for {period} is already open", field="period", rule="unique")
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
            raise Conflict(
                f"a cycle for {period} is already open", field="period", rule="unique"
            ) from exc
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
        _insert(op, cycle, actor, _participants(op, cycle), chunk, progress)
    return cycle


def appraisal_add(*, actor, cycle: Cycle, employee: Employee) -> Appraisal:
    """A late joiner joins an open cycle."""
    _require_hr(actor, cycle.company_id)
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
        return _insert(op, cycle, actor, ids, 1, None)[0]


def _lock(appraisal_id: int) -> Appraisal:
    try:
        return Appraisal.objects.select_for_update().select_related("employee").get(pk=appraisal_id)
    except Appraisal.DoesNotExist as exc:
        raise NotFound("no such appraisal", field="appraisal", rule="exists") from exc


def _end(appraisal: Appraisal, actor, transition: str, reason: str) -> Appraisal:
    _require_hr(actor, appraisal.company_id)
    if not reason or not reason.strip():
        raise InvalidInput("a reason is required", field="reason", rule="required")
    with transaction.atomic():
        a = _lock(appraisal.pk)
        before = a.state
        try:
            getattr(AppraisalFlow(a), transition)()
        except Exception as exc:
            raise Conflict(
                f"an appraisal that is {a.state} cannot be {transition}ed",
                field="state",
                rule="transition",
            ) from exc
        a.current_step, a.note = "", reason
        a.save(update_fields=["state", "current_step", "note"])
        a.steps.filter(state__in=["open", "pending"]).update(state="cancelled")
        record_for(
            a,
            actor=actor,
            role="hr",
            action=transition,
            before={"state": before},
            after={"state": a.state},
            reason=reason,
        )
    return a


def appraisal_withdraw(*, actor, appraisal: Appraisal, reason: str) -> Appraisal:
    """A leaver's appraisal is withdrawn, never deleted."""
    return _end(appraisal, actor, "withdraw", reason)


def appraisal_exempt(*, actor, appraisal: Appraisal, reason: str) -> Appraisal:
    return _end(appraisal, actor, "exempt", reason)


def appraisal_set_inputs(
    *, actor, appraisal: Appraisal, system_values: dict | None = None, context: dict | None = None
) -> Appraisal:
    """HR loads system metrics (sales, response times, …) and pay context."""
    _require_hr(actor, appraisal.company_id)
    with transaction.atomic():
        a = _lock(appraisal.pk)
        if a.state != Appraisal.State.IN_PROGRESS:
            raise Conflict(f"the appraisal is {a.state}", field="state", rule="in_progress")
        t = template_for(a)
        before = {"values": a.values.get("system", {}), "context": a.context}
        if system_values:
            if not isinstance(system_values, dict):
                raise InvalidInput("must be an object", field="values", rule="type")
            clean: dict[str, Any] = {"values": {"system": {}}, "deductions": {}, "events": {}}
            for code, raw in system_values.items():
                ind = t.indicator(code)
                if ind is None or "system" not in ind.sources:
                    raise InvalidInput(
                        f"{code!r} is not a system metric of {a.role}",
                        field=f"values.{code}",
                        rule="source",
                    )
                try:
                    parse_value(ind, raw, f"values.{code}")
                except ScoringInputError as exc:
                    raise InvalidInput(exc.message, field=exc.field, rule=exc.rule) from exc
                clean["values"]["system"][code] = raw
            merge_entry(a, clean)
        if context is not None:
            if not isinstance(context, dict):
                raise InvalidInput("must be an object", field="context", rule="type")
            a.context = {**a.context, **context}
        a.save(update_fields=["values", "context"])
        record_for(
            a,
            actor=actor,
            role="hr",
            action="inputs",
            before=before,
            after={"values": a.values.get("system", {}), "context": a.context},
        )
    return a


# --- steps -----------------------------------------------------------------------


def _step_messages(
    steps: Iterable[AppraisalStep], kind: str, text: str, company_id: int, key_suffix: str = ""
) -> list[Message]:
    """One message per holder; role-held steps tell every holder of the role."""
    steps = list(steps)
    role_users: dict[str, list[int]] = {}
    roles = {s.holder_role for s in steps if s.assignee_id is None}
    if roles:
        for role, user_id in CompanyRole.objects.filter(
            company_id=company_id, role__in=roles
        ).values_list("role", "user_id"):
            role_users.setdefault(role, []).append(user_id)
    out = []
    for s in steps:
        users = [s.assignee_id] if s.assignee_id else role_users.get(s.holder_role, [])
        for u in users:
            out.append(
                Message(
                    u,
                    company_id,
                    kind,
                    f"{text}: {s.code} (#{s.appraisal_id}), due {s.due_date}",
                    f"{kind}:{s.appraisal_id}:{s.seq}:{s.rounds}{key_suffix}",
                    s.appraisal_id,
                )
            )
    return out


def _step_for(appraisal: Appraisal, step_id: int) -> AppraisalStep:
    step = AppraisalStep.objects.filter(pk=step_id, appraisal=appraisal).first()
    if step is None:
        raise NotFound("no such step on this appraisal", field="step", rule="exists")
    return step


def _check_actor(actor, appraisal: Appraisal, step: AppraisalStep) -> set[str]:
    roles = policy.company_roles(actor).get(appraisal.company_id, set()) if actor else set()
    if not policy.can_act(actor, step, appraisal, roles):
        exc = Forbidden(
            f"you do not hold the {step.code} step of this appraisal", field="step", rule="holder"
        )
        exc.denied = (appraisal.company_id, appraisal.pk, step.code)
        raise exc
    return roles


def audits_denials(fn):
    """A refused attempt rolls back with its transaction; its audit event must not,
    so it is written afterwards in a transaction of its own."""

    @functools.wraps(fn)
    def wrapper(*args, actor, **kwargs):
        try:
            return fn(*args, actor=actor, **kwargs)
        except Forbidden as exc:
            denied = getattr(exc, "denied", None)
            if denied is not None:
                company_id, appraisal_id, code = denied
                with transaction.atomic():
                    record(
                        company=company_id,
                        actor=actor,
                        action="access_denied",
                        object_type="appraisals.appraisal",
                        object_id=appraisal_id,
                        after={"step": code, "attempt": fn.__name__},
                        reason=exc.message,
                    )
            raise

    return wrapper


def _provisional(a: Appraisal) -> None:
    """Score the appraisal as it stands when the final approval opens, so HR can
    calibrate before the GM approves; incomplete entries simply leave it unscored."""
    t = template_for(a)
    if _needs_team(t) and _team_totals(a) is None:
        return
    try:
        result = appraisal_score(a)
    except (InvalidInput, Conflict):
        return
    a.result, a.total, a.grade = result.explain(), result.total, result.grade


def _calibration_gate(a: Appraisal) -> None:
    """With calibration required, the final approval waits for HR's confirmation of
    the department (only for packs whose grades have caps)."""
    from engine.calibration.models import Calibration

    cycle = Cycle.objects.only("calibration_required").get(pk=a.cycle_id)
    if not cycle.calibration_required:
        return
    if not any(g.max_share is not None for g in template_for(a).grades):
        return
    if not Calibration.objects.filter(cycle_id=a.cycle_id, department_id=a.department_id).exists():
        raise Conflict(
            "HR has not confirmed this department's calibration yet",
            field="calibration",
            rule="confirmed",
        )


def _open_next(appraisal: Appraisal, step: AppraisalStep, now) -> AppraisalStep | None:
    nxt = AppraisalStep.objects.filter(appraisal=appraisal, seq=step.seq + 1).first()
    if nxt is None:
        return None
    StepFlow(nxt).open()
    nxt.opened_at = now
    if not AppraisalStep.objects.filter(appraisal=appraisal, seq=nxt.seq + 1).exists():
        _provisional(appraisal)
    nxt.save(update_fields=["state", "opened_at"])
    appraisal.current_step = nxt.code
    notify_many(_step_messages([nxt], "step_open", "请处理/Please act", appraisal.company_id))
    return nxt


def _penalise(
    appraisal: Appraisal, step: AppraisalStep, t: RoleTemplate, reviewer_user_id: int | None, now
) -> None:
    """Once per step, on the appraisal the pack names (workflow.md §4)."""
    pen = t.late_penalty(step.code)
    if pen is None or LatePenalty.objects.filter(source_step=step).exists():
        return
    if pen.hits == "employee":
        target = appraisal
    else:
        target = (
            Appraisal.objects.filter(
                cycle_id=appraisal.cycle_id, employee__user_id=reviewer_user_id
            )
            .exclude(state__in=["withdrawn", "exempt"])
            .first()
            if reviewer_user_id
            else None
        )
    LatePenalty.objects.create(
        source_step=step,
        target=target,
        cycle_id=appraisal.cycle_id,
        step_code=step.code,
        hits=pen.hits,
        rate=pen.rate,
        at=now,
    )
    record(
        company=appraisal.company_id,
        actor=None,
        role="system",
        action="late_penalty",
        object_type="appraisals.appraisal",
        object_id=target.pk if target else "",
        after={
            "source_appraisal": appraisal.pk,
            "step": step.code,
            "rate": pen.rate,
            "hits": pen.hits,
            "reviewer_user": reviewer_user_id,
            "due_at": step.due_at,
            "acted_at": step.first_acted_at,
        },
    )
    if (
        target is not None
        and target.pk != appraisal.pk
        and target.state == Appraisal.State.PUBLISHED
    ):
        _publish(_lock(target.pk), None, reason=f"late {step.code} penalty", republish=True)


def _complete(
    appraisal: Appraisal,
    step: AppraisalStep,
    actor,
    now,
    kind: str,
    data: dict,
    comment: str,
    t: RoleTemplate,
) -> None:
    first_round = step.rounds == 0
    step.first_acted_at = step.first_acted_at or now
    step.completed_at, step.completed_by = now, actor if getattr(actor, "pk", None) else None
    if kind == StepSubmission.Kind.PUSH:
        StepFlow(step).skip()
    else:
        StepFlow(step).complete()
    # A step reopened by a return is never late again: only its first hand-in counts.
    step.late = first_round and step.first_acted_at > step.due_at
    step.save(update_fields=["first_acted_at", "completed_at", "completed_by", "state", "late"])
    StepSubmission.objects.create(
        step=step, kind=kind, data=data, comment=comment, by=step.completed_by, at=now
    )
    if step.late:
        reviewer = (
            step.assignee_id if kind == StepSubmission.Kind.PUSH else getattr(actor, "pk", None)
        )
        _penalise(appraisal, step, t, reviewer, now)


@audits_denials
def step_submit(*, actor, appraisal_id: int, step_id: int, data: dict | None = None) -> Appraisal:
    """Hand a step on with the values it owns; the last step publishes."""
    data = data or {}
    with transaction.atomic():
        a = _lock(appraisal_id)
        step = _step_for(a, step_id)
        if a.state != Appraisal.State.IN_PROGRESS or step.state != AppraisalStep.State.OPEN:
            raise Conflict(
                f"the {step.code} step is not open (it is {step.state}); it may have just been "
                "submitted by someone else",
                field="step",
                rule="open",
            )
        _check_actor(actor, a, step)
        if not AppraisalStep.objects.filter(appraisal=a, seq=step.seq + 1).exists():
            _calibration_gate(a)
        t = template_for(a)
        clean = validate_entry(t, step.code, data)
        before = {
            "values": a.values,
            "deductions": a.deductions,
            "events": a.events,
            "falsified": a.falsified,
        }
        merge_entry(a, clean)
        now = clock.now()
        _complete(a, step, actor, now, StepSubmission.Kind.SUBMIT, data, "", t)
        nxt = _open_next(a, step, now)
        a.save(
            update_fields=[
                "values",
                "deductions",
                "events",
                "falsified",
                "current_step",
                "result",
                "total",
                "grade",
            ]
        )
        record_for(
            a,
            actor=actor,
            role=step.code,
            action=f"submit:{step.code}",
            before=before,
            after={
                "values": a.values,
                "deductions": a.deductions,
                "events": a.events,
                "falsified": a.falsified,
                "late": step.late,
            },
        )
        if nxt is None:
            _publish_or_wait(a, actor)
    return a


@audits_denials
def step_return(*, actor, appraisal_id: int, step_id: int, comment: str) -> Appraisal:
    """Send the form back to the previous step with a mandatory comment."""
    if not isinstance(comment, str) or not comment.strip():
        raise InvalidInput(
            "a return needs a comment saying what to fix", field="comment", rule="required"
        )
    with transaction.atomic():
        a = _lock(appraisal_id)
        step = _step_for(a, step_id)
        if a.state != Appraisal.State.IN_PROGRESS or step.state != AppraisalStep.State.OPEN:
            raise Conflict(
                f"the {step.code} step is not open (it is {step.state})", field="step", rule="open"
            )
        _check_actor(actor, a, step)
        if step.seq == 0:
            raise InvalidInput(
                "the first step has nothing to return to", field="step", rule="first"
            )
        now = clock.now()
        prev = AppraisalStep.objects.get(appraisal=a, seq=step.seq - 1)
        step.first_acted_at = step.first_acted_at or now  # acting in time is what counts
        StepFlow(step).send_back()
        step.save(update_fields=["first_acted_at", "state"])
        StepSubmission.objects.create(
            step=step,
            kind=StepSubmission.Kind.RETURN,
            comment=comment.strip(),
            data={"values": a.values, "deductions": a.deductions, "events": a.events},
            by=actor,
            at=now,
        )
        StepFlow(prev).reopen()
        prev.opened_at, prev.completed_at = now, None
        prev.rounds += 1
        prev.save(update_fields=["state", "opened_at", "completed_at", "rounds"])
        a.current_step = prev.code
        a.save(update_fields=["current_step"])
        notify_many(
            _step_messages(
                [prev], "step_returned", f"退回/Returned: {comment.strip()[:200]}", a.company_id
            )
        )
        record_for(
            a,
            actor=actor,
            role=step.code,
            action=f"return:{step.code}",
            reason=comment.strip(),
            after={"to": prev.code, "round": prev.rounds},
        )
    return a


def step_push(*, actor, appraisal_id: int, step_id: int, reason: str) -> Appraisal:
    """HR pushes an overdue step on: recorded as skipped after the deadline, the
    penalty applies, and the next step opens."""
    if not isinstance(reason, str) or not reason.strip():
        raise InvalidInput("pushing a step on needs a reason", field="reason", rule="required")
    with transaction.atomic():
        a = _lock(appraisal_id)
        _require_hr(actor, a.company_id)
        if actor is not None and a.employee.user_id == getattr(actor, "pk", None):
            raise Forbidden("nobody pushes their own appraisal", field="actor", rule="own")
        step = _step_for(a, step_id)
        if a.state != Appraisal.State.IN_PROGRESS or step.state != AppraisalStep.State.OPEN:
            raise Conflict(
                f"the {step.code} step is not open (it is {step.state})", field="step", rule="open"
            )
        now = clock.now()
        if now <= step.due_at:
            raise Conflict(
                f"the {step.code} step is not overdue until {step.due_at:%Y-%m-%d %H:%M}",
                field="step",
                rule="overdue",
            )
        if not AppraisalStep.objects.filter(appraisal=a, seq=step.seq + 1).exists():
            _calibration_gate(a)
        t = template_for(a)
        _complete(a, step, actor, now, StepSubmission.Kind.PUSH, {}, reason.strip(), t)
        nxt = _open_next(a, step, now)
        a.save(update_fields=["current_step", "result", "total", "grade"])
        record_for(
            a,
            actor=actor,
            role="hr",
            action=f"push:{step.code}",
            reason=reason.strip(),
            after={"skipped": step.code, "late": step.late},
        )
        if nxt is None:
            _publish_or_wait(a, actor)
    return a


# --- results ---------------------------------------------------------------------


def _team_totals(a: Appraisal) -> list[str] | None:
    rows = (
        Appraisal.objects.filter(cycle_id=a.cycle_id, employee__supervisor_id=a.employee_id)
        .exclude(state__in=["withdrawn", "exempt"])
        .values_list("state", "total")
    )
    if any(state == Appraisal.State.IN_PROGRESS for state, _ in rows):
        return None
    return [str(total) for _, total in rows]


def scoring_inputs(a: Appraisal, t: RoleTemplate) -> dict[str, Any]:
    late: dict[str, Decimal] = {}
    for code, rate in (
        LatePenalty.objects.filter(target=a).order_by("at", "pk").values_list("step_code", "rate")
    ):
        late.setdefault(code, rate)  # a reviewer is penalised once per step per cycle
    history = []
    past = Appraisal.objects.filter(
        employee_id=a.employee_id,
        pack=a.pack,
        role=a.role,
        state__in=["published", "final"],
        cycle__start__lt=a.cycle.start,
    )
    for period, total, grade, result in past.order_by("cycle__start").values_list(
        "cycle__period", "total", "grade", "result"
    ):
        sections = {s["code"]: s["score"] for s in (result or {}).get("sections", [])}
        history.append(
            {
                "period": period,
                "total": str(total),
                "grade": grade,
                **({"sections": sections} if sections else {}),
            }
        )
    context = {"period": a.cycle.period, **a.context}
    if _needs_team(t):
        totals = _team_totals(a)
        if totals is None:
            raise Conflict(
                "waiting for the direct reports' results (team management needs them)",
                field="context.team_totals",
                rule="team_final",
            )
        context["team_totals"] = totals
    return {
        "values": scoring_values(t, a.values),
        "targets": a.targets,
        "deductions": a.deductions,
        "events": a.events,
        "falsified": a.falsified,
        "history": history,
        **({"calibrated_grade": a.calibrated_grade} if a.calibrated_grade else {}),
        "context": context,
        "late_steps": [{"step": c, "rate": str(r)} for c, r in late.items()],
    }


def appraisal_score(a: Appraisal):
    t = template_for(a)
    try:
        return score(t, scoring_inputs(a, t))
    except ScoringInputError as exc:
        raise InvalidInput(exc.message, field=exc.field, rule=exc.rule) from exc


def _needs_team(t: RoleTemplate) -> bool:
    return any(i.params.get("needs_team") for i in t.indicators)


def appeal_window_closes(a: Appraisal) -> dt.datetime:
    """End of the last working day of the pack's appeal window after publication."""
    t = template_for(a)
    days = t.appeal.window_working_days if t.appeal else 0
    company = Company.objects.only("time_zone", "country").get(pk=a.company_id)
    zone = zoneinfo.ZoneInfo(company.time_zone)
    published = a.published_at.astimezone(zone).date()
    last = calendar_for(company).add_working_days(published, days)
    return dt.datetime.combine(last, dt.time.max, tzinfo=zone)


def _publish_or_wait(a: Appraisal, actor) -> None:
    """The chain is done: publish, unless a team indicator still waits for the
    direct reports' results; then it publishes when the last of them does."""
    if _needs_team(template_for(a)) and _team_totals(a) is None:
        a.current_step = ""
        a.save(update_fields=["current_step"])
        record_for(
            a,
            actor=actor,
            role="system",
            action="awaiting_team",
            reason="team management needs the direct reports' final results",
        )
        return
    _publish(a, actor, reason="approved")


def _fit_caps(a: Appraisal, grade: str) -> bool:
    """See `engine.calibration.services.fit_confirmed_caps`; recorded and HR told."""
    from engine.calibration.services import fit_confirmed_caps

    fitted = fit_confirmed_caps(a, grade)
    if fitted is None:
        return False
    a.calibrated_grade = fitted
    a.save(update_fields=["calibrated_grade"])
    record_for(
        a,
        actor=None,
        role="system",
        action="calibration",
        reason="published after the department's calibration: fitted under the confirmed caps",
        before={"grade": grade, "total": a.total},
        after={"grade": fitted, "total": a.total},
    )
    hr = CompanyRole.objects.filter(company_id=a.company_id, role="hr").values_list(
        "user_id", flat=True
    )
    notify_many(
        [
            Message(
                u,
                a.company_id,
                "calibration_fitted",
                f"分布控制/Grade fitted under the caps: #{a.pk} {grade} → {fitted}",
                f"fitted:{a.pk}:{a.result_version}",
                a.pk,
            )
            for u in hr
        ]
    )
    return True


def _publish(a: Appraisal, actor, *, reason: str, republish: bool = False) -> None:
    result = appraisal_score(a)
    if _fit_caps(a, result.grade):
        result = appraisal_score(a)
    flow = AppraisalFlow(a)
    (flow.republish if republish else flow.publish)()
    now = clock.now()
    a.result, a.total, a.grade = result.explain(), result.total, result.grade
    a.result_version += 1
    a.published_at = a.published_at or now
    a.appeal_until = a.appeal_until or appeal_window_closes(a)
    a.current_step = ""
    a.save(
        update_fields=[
            "state",
            "result",
            "total",
            "grade",
            "result_version",
            "published_at",
            "appeal_until",
            "current_step",
        ]
    )
    ResultVersion.objects.create(
        appraisal=a,
        number=a.result_version,
        result=a.result,
        total=a.total,
        grade=a.grade,
        reason=reason,
        at=now,
    )
    record_for(
        a,
        actor=actor,
        role="gm" if not republish else "system",
        action="publish",
        reason=reason,
        after={"version": a.result_version, "total": a.total, "grade": a.grade},
    )
    notify_many(
        [
            Message(
                a.employee.user_id,
                a.company_id,
                "result_published",
                f"考核结果已发布/Your result is published: {a.total} ({a.grade})",
                f"published:{a.pk}:{a.result_version}",
                a.pk,
            )
        ]
    )
    # A supervisor whose team indicator waited for this result may now be scored.
    if a.employee.supervisor_id:
        waiting = Appraisal.objects.filter(
            cycle_id=a.cycle_id,
            employee_id=a.employee.supervisor_id,
            state=Appraisal.State.IN_PROGRESS,
            current_step="",
        ).first()
        if waiting is not None and _team_totals(waiting) is not None:
            _publish(_lock(waiting.pk), None, reason="approved (team results complete)")


def appraisal_finalise(*, actor, appraisal: Appraisal) -> Appraisal:
    with transaction.atomic():
        a = _lock(appraisal.pk)
        try:
            AppraisalFlow(a).finalise()
        except Exception as exc:
            raise Conflict(
                f"an appraisal that is {a.state} cannot become final",
                field="state",
                rule="transition",
            ) from exc
        a.final_at = clock.now()
        a.save(update_fields=["state", "final_at"])
        record_for(a, actor=actor, role="hr", action="finalise", after={"state": a.state})
    return a
