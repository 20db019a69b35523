"""HR's payroll download: the cycle's final results as CSV or XLSX."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from engine.appraisals.models import Cycle
from engine.errors import DomainError
from engine.payroll.services import payroll_export


@login_required
@require_GET
def payroll(request, cycle_id: int, fmt: str):
    cycle = get_object_or_404(Cycle, pk=cycle_id)
    try:
        export = payroll_export(actor=request.user, cycle=cycle, fmt=fmt)
    except DomainError as exc:
        return JsonResponse(exc.as_dict(), status=exc.status)
    resp = HttpResponse(export.content, content_type=export.content_type)
    resp["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return resp
