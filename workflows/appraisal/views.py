"""Thin views over the appraisal services: read through selectors, write through
services, answer domain errors with their status (400/403/404/409)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from engine.access import policy
from engine.api.errors import json_body, json_errors
from engine.appraisals import selectors, services
from engine.appraisals.models import Appraisal, AppraisalStep
from engine.appraisals.templates import template_for
from engine.audit.services import record
from engine.errors import DomainError, Forbidden, NotFound
from engine.notifications.models import Notification
from engine.notifications.services import notification_mark_read
from engine.org.selectors import companies_of

from .appeal_views import appeal_context
from .forms import data_from_post, step_fields


def _visible(request, pk: int) -> Appraisal:
    """The appraisal if the user may see it; a denial is audited, and an appraisal of
    another company is answered as if it did not exist."""
    a = (
        Appraisal.objects.select_related("employee__user", "cycle", "department")
        .filter(pk=pk)
        .first()
    )
    if a is None:
        raise NotFound("no such appraisal", field="appraisal", rule="exists")
    if policy.can_view(request.user, a):
        return a
    with transaction.atomic():
        record(
            company=a.company_id,
            actor=request.user,
            action="access_denied",
            object_type="appraisals.appraisal",
            object_id=a.pk,
            after={"attempt": "view"},
        )
    if a.company_id not in companies_of(request.user):
        raise NotFound("no such appraisal", field="appraisal", rule="exists")
    raise Forbidden("you may not see this appraisal", field="appraisal", rule="relation")


def _as_json(a: Appraisal, user) -> dict:
    steps = list(a.steps.all())
    return {
        "id": a.pk,
        "cycle": a.cycle.period,
        "employee": a.employee.name,
        "pack": a.pack,
        "version": a.version,
        "role": a.role,
        "state": a.state,
        "current_step": a.current_step,
        "total": str(a.total) if a.total is not None else None,
        "grade": a.grade or None,
        "result": a.result if a.state in ("published", "final") else None,
        "versions": [
            {
                "number": v.number,
                "total": str(v.total),
                "grade": v.grade,
                "reason": v.reason,
                "at": v.at.isoformat(),
                "result": v.result,
            }
            for v in a.versions.all()
        ]
        if a.state in ("published", "final")
        else [],
        "steps": [
            {
                "id": s.pk,
                "code": s.code,
                "state": s.state,
                "due_date": s.due_date.isoformat(),
                "late": s.late,
                "yours": s.state == "open" and policy.can_act(user, s, a),
            }
            for s in steps
        ],
    }


def _step_context(request, a: Appraisal) -> dict:
    open_step = a.steps.filter(state="open").first()
    ctx: dict = {"open_step": open_step, "can_act": False, "can_push": False}
    if open_step is None:
        return ctx
    ctx["can_act"] = policy.can_act(request.user, open_step, a)
    ctx["can_push"] = (
        policy.is_hr(request.user, a.company_id) and a.employee.user_id != request.user.pk
    )
    if ctx["can_act"]:
        ctx["form"] = step_fields(template_for(a), open_step.code)
    return ctx


@login_required
@require_GET
def inbox(request):
    steps = selectors.inbox(request.user)
    appeal_steps = selectors.appeal_inbox(request.user)
    unread = Notification.objects.filter(user=request.user, read_at__isnull=True).count()
    return render(
        request,
        "appraisal/inbox.html",
        {"steps": steps, "appeal_steps": appeal_steps, "unread": unread},
    )


@login_required
def detail(request, pk: int, error: DomainError | None = None, status: int = 200):
    try:
        a = _visible(request, pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except Forbidden as exc:
        return render(request, "appraisal/denied.html", {"message": exc.message}, status=403)
    ctx = {
        "a": a,
        "steps": a.steps.select_related("assignee"),
        "error": error,
        "published": a.state in ("published", "final"),
        **_step_context(request, a),
        **appeal_context(request, a),
    }
    return render(request, "appraisal/detail.html", ctx, status=status)


@login_required
@require_POST
def act(request, pk: int, step_id: int, action: str):
    try:
        a = _visible(request, pk)
        if action == "submit":
            step = AppraisalStep.objects.filter(pk=step_id, appraisal=a).first()
            if step is None:
                raise NotFound("no such step", field="step", rule="exists")
            data = data_from_post(template_for(a), step.code, request.POST)
            services.step_submit(actor=request.user, appraisal_id=a.pk, step_id=step_id, data=data)
            messages.success(request, "已提交 / Submitted")
        elif action == "return":
            services.step_return(
                actor=request.user,
                appraisal_id=a.pk,
                step_id=step_id,
                comment=request.POST.get("comment", ""),
            )
            messages.success(request, "已退回 / Returned")
        elif action == "push":
            services.step_push(
                actor=request.user,
                appraisal_id=a.pk,
                step_id=step_id,
                reason=request.POST.get("reason", ""),
            )
            messages.success(request, "已推进 / Pushed on")
        else:
            raise NotFound("no such action", field="action", rule="exists")
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as exc:
        return detail(request, pk, error=exc, status=exc.status)
    return redirect("appraisal:detail", pk=pk)


@login_required
def notifications(request):
    if request.method == "POST":
        ids = [int(x) for x in request.POST.getlist("ids") if x.isdigit()]
        notification_mark_read(user=request.user, ids=ids)
        return redirect("appraisal:notifications")
    items = Notification.objects.filter(user=request.user)[:200]
    return render(request, "appraisal/notifications.html", {"items": items})


# --- JSON API ------------------------------------------------------------------------


@login_required
@require_GET
@json_errors
def api_inbox(request):
    return JsonResponse(
        {
            "steps": [
                {
                    "appraisal": s.appraisal_id,
                    "step": s.pk,
                    "code": s.code,
                    "employee": s.appraisal.employee.name,
                    "cycle": s.appraisal.cycle.period,
                    "due_date": s.due_date.isoformat(),
                    "overdue": s.overdue_at is not None,
                }
                for s in selectors.inbox(request.user)
            ]
        }
    )


@login_required
@require_GET
@json_errors
def api_detail(request, pk: int):
    return JsonResponse(_as_json(_visible(request, pk), request.user))


@login_required
@require_POST
@json_errors
def api_act(request, pk: int, step_id: int, action: str):
    a = _visible(request, pk)
    body = json_body(request)
    if action == "submit":
        services.step_submit(
            actor=request.user, appraisal_id=a.pk, step_id=step_id, data=body.get("data", {})
        )
    elif action == "return":
        services.step_return(
            actor=request.user, appraisal_id=a.pk, step_id=step_id, comment=body.get("comment", "")
        )
    elif action == "push":
        services.step_push(
            actor=request.user, appraisal_id=a.pk, step_id=step_id, reason=body.get("reason", "")
        )
    else:
        raise NotFound("no such action", field="action", rule="exists")
    a.refresh_from_db()
    return JsonResponse(_as_json(a, request.user))
