"""Special bonus points (特别加分): a reviewer proposes whole points with a witness and
the evidence attached, from the appraisal's page; HR decides each on the bonus page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from engine.appraisals import services
from engine.errors import DomainError, InvalidInput
from engine.uploads import too_large
from workflows.common.labels import error_text

from .bonus_panel import BonusForm
from .views import detail

_SIZE = InvalidInput("larger than 5 MB", field="evidence", rule="file_size")


@login_required
@require_POST
def propose(request, pk: int):
    oversized = too_large(request)
    form = BonusForm(request.POST, request.FILES)
    if oversized:
        form.add_error("evidence" if oversized != "request" else None, error_text(_SIZE))
        return detail(request, pk, status=400, bonus_form=form)
    if not form.is_valid():
        return detail(request, pk, status=400, bonus_form=form)
    d = form.cleaned_data
    try:
        services.special_bonus_propose(
            actor=request.user,
            appraisal_id=pk,
            points=d["points"],
            description=d["description"],
            witness=d["witness"],
            evidence=(d["evidence"].name, d["evidence"].read()),
        )
    except DomainError as exc:
        field = "evidence" if (exc.field or "").startswith("attachments") else exc.field
        if field in form.fields:
            form.add_error(field, error_text(exc))
            return detail(request, pk, status=exc.status, bonus_form=form)
        return detail(request, pk, error=exc, status=exc.status)
    messages.success(request, _("Bonus points proposed; HR decides."))
    return redirect("people:detail", pk=pk)
