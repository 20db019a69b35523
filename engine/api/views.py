"""The JSON endpoints the pages' scripts and integrations call: the inbox, an
appraisal, and step actions. The same services and state-machine checks as the pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.views.decorators.http import require_GET, require_POST

from engine.appraisals import selectors, services
from engine.appraisals.flow import StepFlow, available
from engine.appraisals.models import Appraisal

from .errors import json_body, json_errors


def _may_see_total(a: Appraisal, user) -> bool:
    """The appraised person sees their total once it is published, as on the page;
    reviewers see the provisional one they calibrate and approve."""
    return a.state in ("published", "final") or a.employee.user_id != user.pk


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
        "total": str(a.total) if a.total is not None and _may_see_total(a, user) else None,
        "grade": (a.grade or None) if _may_see_total(a, user) else None,
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
                "yours": s.state == "open" and "submit" in available(StepFlow(s, a), user),
            }
            for s in steps
        ],
    }


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
    a = services.appraisal_for_reader(reader=request.user, appraisal_id=pk)
    return JsonResponse(_as_json(a, request.user))


@login_required
@require_POST
@json_errors
def api_act(request, pk: int, step_id: int, action: str):
    a = services.appraisal_for_reader(reader=request.user, appraisal_id=pk)
    body = json_body(request)
    text = body.get("reason" if action == "push" else "comment", "")
    services.step_act(
        actor=request.user,
        appraisal_id=a.pk,
        step_id=step_id,
        action=action,
        data=body.get("data", {}),
        text=text,
    )
    a.refresh_from_db()
    return JsonResponse(_as_json(a, request.user))
