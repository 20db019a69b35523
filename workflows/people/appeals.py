"""Appeal pages: the employee files an appeal from the result page; the holders of its
steps decide them there. Thin: they call `engine.appeals` services and show errors on
the page with their status."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from engine.appeals import services as appeals
from engine.appeals.models import Appeal
from engine.errors import DomainError, InvalidInput

from .views import detail


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
        return detail(request, pk, error=exc, status=exc.status)
    messages.success(request, "申诉已提交 / Appeal filed")
    return redirect("people:detail", pk=pk)


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
        return detail(request, appeal.appraisal_id, error=exc, status=exc.status)
    messages.success(request, "已处理 / Done")
    return redirect("people:detail", pk=appeal.appraisal_id)
