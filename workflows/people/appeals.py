"""Appeal pages: the employee files an appeal from the result page; the holders of its
steps decide them there. Thin: they call `engine.appeals` services and show errors on
the page with their status."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from engine.appeals import services as appeals
from engine.appeals.models import Appeal
from engine.appraisals.pinned_templates import template_for
from engine.errors import DomainError, InvalidInput
from engine.scoring.catalogue import unit_of
from engine.scoring.numbers import to_decimal, typed_number
from engine.uploads import too_large

from .views import detail


@login_required
@require_POST
def file_appeal(request, pk: int):
    # What was chosen and written comes back on any error (files must be chosen again:
    # a browser never refills a file input).
    typed = {"chosen": request.POST.getlist("items"), "reason": request.POST.get("reason", "")}
    if too_large(request):
        exc = InvalidInput("larger than 5 MB", field="attachments", rule="file_size")
        return detail(request, pk, error=exc, status=400, posted="appeal", typed=typed)
    files = request.FILES.getlist("attachments")
    try:
        appeals.appeal_file(
            actor=request.user,
            appraisal_id=pk,
            items=typed["chosen"],
            reason=typed["reason"],
            attachments=[(f.name, f.read()) for f in files],
        )
    except DomainError as exc:
        return detail(request, pk, error=exc, status=exc.status, posted="appeal", typed=typed)
    messages.success(request, _("Appeal filed."))
    return redirect("people:detail", pk=pk)


def _bool(request, name: str) -> bool:
    return request.POST.get(name) in {"1", "yes", "on", "true"}


def _correction(a, field: str, raw: str, reason: str) -> dict:
    """A correction as the decision service takes it, from what the page offers: an
    item's new value ("95%" read as a rate), an event's count, or one deduction's new
    points (0 withdraws it; the others stay as they were)."""
    kind, _dot, rest = field.partition(".")
    t = template_for(a)
    if kind == "deductions":
        code, _dot, index = rest.partition(".")
        rows = [dict(r) for r in (a.deductions.get(code) or []) if isinstance(r, dict)]
        if not (index.isascii() and index.isdigit()) or int(index) >= len(rows):
            raise InvalidInput("choose a deduction from the list", field=field, rule="choices")
        try:
            points = typed_number(raw or "0")
        except ValueError as exc:
            raise InvalidInput(
                "enter the points, 0 to withdraw it", field=field, rule="type"
            ) from exc
        rows[int(index)]["points"] = points
        kept = [r for r in rows if to_decimal(r["points"]) > 0]
        return {"field": f"deductions.{code}", "value": kept, "reason": reason}
    if kind == "events":
        return {
            "field": field,
            "value": int(raw) if raw.strip().isascii() and raw.strip().isdigit() else raw,
            "reason": reason,
        }
    ind = t.indicator(rest)
    try:
        value = typed_number(raw, unit_of(ind) == "%") if ind is not None and raw.strip() else raw
    except ValueError:
        value = raw
    return {"field": field, "value": value, "reason": reason}


@login_required
@require_POST
def appeal_step(request, appeal_id: int, code: str):
    appeal = get_object_or_404(Appeal, pk=appeal_id)
    p = request.POST
    rows = [i for i in range(3) if p.get(f"c{i}_field", "").strip()]  # corrections chosen
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
            a = appeal.appraisal
            corrections = []
            for i in rows:
                try:
                    corrections.append(
                        _correction(
                            a,
                            p.get(f"c{i}_field", "").strip(),
                            p.get(f"c{i}_value", ""),
                            p.get(f"c{i}_reason", ""),
                        )
                    )
                except InvalidInput as exc:  # the row's value on the page, not a code path
                    raise InvalidInput(exc.message, field=f"c{i}_value", rule=exc.rule) from exc
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
        return detail(
            request,
            appeal.appraisal_id,
            error=exc,
            status=exc.status,
            posted="appeal_step",
            typed={k: v for k, v in p.items() if k != "csrfmiddlewaretoken"},
            rows=rows,
        )
    messages.success(request, _("Done."))
    return redirect("people:detail", pk=appeal.appraisal_id)
