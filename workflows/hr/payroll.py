"""HR's payroll export: a deliberate action (a POST), the file labelled in the reader's
language; a refusal comes back to the page that asked, in words."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.views.decorators.http import require_POST

from engine.appraisals.models import Cycle
from engine.errors import DomainError, Forbidden
from engine.payroll.services import payroll_export
from workflows.common.labels import error_text


@login_required
@require_POST
def payroll(request, cycle_id: int, fmt: str):
    cycle = get_object_or_404(Cycle, pk=cycle_id)
    try:
        export = payroll_export(
            actor=request.user, cycle=cycle, fmt=fmt, language=get_language() or "zh-hans"
        )
    except Forbidden as exc:
        return render(request, "people/denied.html", {"message": error_text(exc)}, status=403)
    except DomainError as exc:
        messages.error(request, error_text(exc))
        return redirect("hr:board", cycle_id=cycle.pk)
    resp = HttpResponse(export.content, content_type=export.content_type)
    resp["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return resp
