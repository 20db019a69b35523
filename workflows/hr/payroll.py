"""HR's payroll export: a deliberate action (a POST), the file labelled in the reader's
language; a refusal comes back to the page that asked, in words."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from engine.appraisals.models import Cycle
from engine.errors import DomainError, Forbidden
from engine.org.selectors import is_hr
from engine.payroll.selectors import payroll_preview
from engine.payroll.services import payroll_export
from workflows.common.labels import STEPS, error_text


@login_required
@require_GET
def payroll_page(request, cycle_id: int):
    """What the file will hold, before HR exports it: rows, the people left out (not
    final yet) and each row whose pay cannot be given, with the reason in words."""
    cycle = get_object_or_404(Cycle.objects.select_related("company"), pk=cycle_id)
    if not is_hr(request.user, cycle.company_id):
        return render(request, "people/denied.html", {"message": _("HR only")}, status=403)
    english = (get_language() or "zh-hans").startswith("en")
    preview = payroll_preview(cycle, english=english)
    with timezone.override(cycle.company.time_zone):
        return render(
            request,
            "hr/payroll.html",
            {
                "cycle": cycle,
                "company": cycle.company,
                "p": preview,
                "not_final": [
                    (a, STEPS.get(a.current_step, "—") if a.current_step else "—")
                    for a in preview.not_final
                ],
            },
        )


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
        return redirect("hr:payroll_page", cycle_id=cycle.pk)
    resp = HttpResponse(export.content, content_type=export.content_type)
    resp["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return resp
