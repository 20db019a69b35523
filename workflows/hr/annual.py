"""HR's "Compute from the year" on a year's cycle: every annual appraisal still in
progress takes the person's final periodic results of the year as they are now (a
month that became final after the cycle opened). docs/policies.md, "The annual
composite"."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from engine.appraisals import services
from engine.appraisals.models import Cycle
from engine.errors import DomainError, Forbidden
from workflows.common.denied import role_denied
from workflows.common.labels import error_text


@login_required
@require_POST
def compute_year(request, cycle_id: int):
    cycle = get_object_or_404(Cycle, pk=cycle_id)
    try:
        done = services.cycle_compute_year(actor=request.user, cycle=cycle)
    except Forbidden:
        return role_denied(request, "hr", _("HR only"))
    except DomainError as exc:
        messages.error(request, error_text(exc))
        return redirect("hr:board", cycle_id=cycle.pk)
    messages.success(
        request,
        _(
            "Computed from the year's results: %(changed)s of %(n)s annual appraisals in "
            "progress took new or corrected results."
        )
        % {"changed": done["changed"], "n": done["in_progress"]},
    )
    return redirect("hr:board", cycle_id=cycle.pk)
