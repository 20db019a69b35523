"""Appeal and calibration pages: thin, calling `engine.appeals` and
`engine.calibration` services; errors shown on the page with their status."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from engine import clock
from engine.access import policy
from engine.appeals import services as appeals
from engine.appeals.models import Appeal
from engine.appraisals.models import Appraisal, Cycle
from engine.appraisals.templates import template_for
from engine.calibration import services as calibration
from engine.calibration.models import Calibration
from engine.calibration.selectors import department_plans
from engine.errors import DomainError, Forbidden, InvalidInput
from engine.org.models import Department


@login_required
@require_POST
def file_appeal(request, pk: int):
    files = request.FILES.getlist("attachments")
    try:
        appeals.appeal_file(
            actor=request.user,
            appraisal_id=pk,
            items=request.POST.getlist("items"),
            reason=request.POST.get("reason", ""),
            attachments=[(f.name, f.read()) for f in files],
        )
    except DomainError as exc:
        from .views import detail

        return detail(request, pk, error=exc, status=exc.status)
    messages.success(request, "申诉已提交 / Appeal filed")
    return redirect("appraisal:detail", pk=pk)


def _bool(request, name: str) -> bool:
    return request.POST.get(name) in {"1", "yes", "on", "true"}


@login_required
@require_POST
def appeal_step(request, appeal_id: int, code: str):
    appeal = get_object_or_404(Appeal, pk=appeal_id)
    p = request.POST
    try:
        if code == "mediation":
            appeals.appeal_mediate(
                actor=request.user,
                appeal_id=appeal_id,
                resolved=_bool(request, "resolved"),
                note=p.get("note", ""),
            )
        elif code == "hr_intake":
            appeals.appeal_intake(
                actor=request.user,
                appeal_id=appeal_id,
                accepted=_bool(request, "accepted"),
                reason=p.get("reason", ""),
            )
        elif code == "investigation":
            appeals.appeal_investigate(
                actor=request.user,
                appeal_id=appeal_id,
                findings=p.get("findings", ""),
                obstruction_by_head=_bool(request, "obstruction"),
            )
        elif code == "decision":
            corrections = []
            for i in range(3):
                field = p.get(f"c{i}_field", "").strip()
                if field:
                    value = p.get(f"c{i}_value", "").strip()
                    corrections.append(
                        {
                            "field": field,
                            "value": int(value)
                            if field.startswith("events.") and value.isdigit()
                            else value,
                            "reason": p.get(f"c{i}_reason", ""),
                        }
                    )
            appeals.appeal_decide(
                actor=request.user,
                appeal_id=appeal_id,
                upheld=_bool(request, "upheld"),
                reason=p.get("reason", ""),
                corrections=corrections,
            )
        else:
            raise InvalidInput("no such appeal step", field="step", rule="exists")
    except DomainError as exc:
        from .views import detail

        return detail(request, appeal.appraisal_id, error=exc, status=exc.status)
    messages.success(request, "已处理 / Done")
    return redirect("appraisal:detail", pk=appeal.appraisal_id)


def appeal_context(request, a: Appraisal) -> dict:
    """What the detail page shows of the appeal, and the form the viewer may use."""
    appeal = Appeal.objects.filter(appraisal=a).first()
    ctx: dict = {"appeal": appeal}
    if appeal is None:
        can_file = (
            a.state == "published"
            and a.employee.user_id == request.user.pk
            and appeals.window_closes(a) >= clock.now()
        )
        ctx["can_file"] = can_file
        if can_file:
            ctx["appeal_items"] = [
                (i.code, f"{i.name_zh} / {i.name_en}") for i in template_for(a).indicators
            ]
            ctx["window_closes"] = appeals.window_closes(a)
        return ctx
    ctx["appeal_steps"] = list(appeal.steps.select_related("assignee"))
    step = next((s for s in ctx["appeal_steps"] if s.state == "open"), None)
    holds = (
        step is not None
        and request.user.pk != appeal.filed_by_id
        and (
            step.assignee_id == request.user.pk
            if step.assignee_id
            else step.holder_role
            in policy.company_roles(request.user).get(appeal.company_id, set())
        )
    )
    ctx["appeal_open_step"] = step if holds else None
    ctx["corrections"] = list(appeal.corrections.all())
    return ctx


def _hr(request, cycle: Cycle) -> None:
    if not policy.is_hr(request.user, cycle.company_id):
        raise Forbidden("HR only / 仅限人事", field="actor", rule="role:hr")


@login_required
def calibration_page(request, cycle_id: int):
    cycle = get_object_or_404(Cycle, pk=cycle_id)
    error = None
    try:
        _hr(request, cycle)
    except Forbidden as exc:
        return render(request, "appraisal/denied.html", {"message": exc.message}, status=403)
    if request.method == "POST":
        dept = Department.objects.filter(
            company_id=cycle.company_id, pk=request.POST.get("department") or 0
        ).first()
        try:
            if dept is None:
                raise InvalidInput("no such department", field="department", rule="exists")
            action = request.POST.get("action")
            if action == "apply":
                n = calibration.calibration_apply_proposals(
                    actor=request.user,
                    cycle=cycle,
                    department=dept,
                    reason=request.POST.get("reason", ""),
                )
                messages.success(request, f"{n} 项已调整 / proposals applied")
            elif action == "override":
                a = Appraisal.objects.filter(
                    cycle=cycle, pk=request.POST.get("appraisal") or 0
                ).first()
                if a is None:
                    raise InvalidInput(
                        "no such appraisal in this cycle", field="appraisal", rule="exists"
                    )
                calibration.calibration_override(
                    actor=request.user,
                    appraisal=a,
                    grade=request.POST.get("grade", ""),
                    reason=request.POST.get("reason", ""),
                )
                messages.success(request, "已调整 / Grade set")
            elif action == "confirm":
                calibration.calibration_confirm(actor=request.user, cycle=cycle, department=dept)
                messages.success(request, "已确认 / Confirmed")
            else:
                raise InvalidInput("unknown action", field="action", rule="choices")
            return redirect("appraisal:calibration", cycle_id=cycle.pk)
        except DomainError as exc:
            error = exc
    plans = department_plans(cycle)
    names = dict(Department.objects.filter(company_id=cycle.company_id).values_list("pk", "name"))
    people = {a.pk: a for a in Appraisal.objects.filter(cycle=cycle).select_related("employee")}
    confirmed = set(Calibration.objects.filter(cycle=cycle).values_list("department_id", flat=True))
    rows = [
        {
            "p": p,
            "name": names.get(p.department_id, p.department_id),
            "confirmed": p.department_id in confirmed,
            "drops": [(people[i], f, t) for i, (f, t) in sorted(p.plan.drops.items())],
            "ties": {g: [people[i] for i in ids] for g, ids in p.plan.ties.items()},
            "members": sorted(
                (
                    a
                    for a in people.values()
                    if a.department_id == p.department_id
                    and a.total is not None
                    and a.state not in ("exempt", "withdrawn")
                ),
                key=lambda a: -a.total,
            ),
        }
        for p in plans
    ]
    return render(
        request,
        "appraisal/calibration.html",
        {"cycle": cycle, "rows": rows, "error": error},
        status=error.status if error else 200,
    )
