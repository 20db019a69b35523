"""Appeal pages: the employee files an appeal from the result page; the holders of its
steps decide them there. Thin: they call `engine.appeals` services and show errors on
the page with their status."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from engine.appeals import services as appeals
from engine.appeals.models import Appeal
from engine.appeals.selectors import appeal_filed_on
from engine.appraisals.attachments import MAX_ATTACHMENTS, check_attachment
from engine.appraisals.pinned_templates import template_for
from engine.appraisals.services import appraisal_for_reader
from engine.errors import DomainError, InvalidInput
from engine.lists import joined
from engine.scoring.catalogue import unit_of
from engine.scoring.numbers import DecimalComma, to_decimal, typed_number
from engine.uploads import too_large
from workflows.common.confirm import ask, confirmed
from workflows.common.labels import error_text

from . import pending_files as pending
from .appeal_panel import items_on_result
from .views import detail


def _appeal_refusals(typed: dict) -> dict[str, str]:
    """What the filing form lacks, all of it at once (the service would name only the
    first): the contested items and the written reason."""
    out = {}
    if not typed["chosen"]:
        out["contested"] = error_text(
            InvalidInput("name the contested items", field="items", rule="required")
        )
    if not typed["reason"].strip():
        out["reason"] = error_text(
            InvalidInput(
                "an appeal is made in writing: give the reason", field="reason", rule="required"
            )
        )
    return out


def _ask_appeal(request, a, typed: dict, token: str, kept: list[str]):
    """One appeal per result: what will be filed, confirmed before it is."""
    labels = dict(items_on_result(a))
    url = reverse("people:file_appeal", args=[a.pk])
    return ask(
        request,
        title=_("File this appeal?"),
        summary=[
            _(
                "Only one appeal per result: once filed it cannot be changed or filed again. "
                "HR and the steps of the appeal read it as written here."
            )
        ],
        facts=[
            (
                _("Contested items"),
                joined(labels.get(c, c) for c in typed["chosen"]),
                "confirm-items",
            ),
            (_("Reason (in writing)"), typed["reason"], "confirm-reason"),
            (
                _("Attachments"),
                joined(kept) if kept else _("No attachments"),
                "confirm-attachments",
            ),
        ],
        hidden=[
            *(("items", c) for c in typed["chosen"]),
            ("reason", typed["reason"]),
            ("pending", token),
        ],
        action=url,
        button=_("File the appeal"),
        back=reverse("people:detail", args=[a.pk]),
        back_post=url,
        back_text=_("Back without filing"),
        form_id="appeal-confirm",
        card_id="appeal-summary",
        key="confirmed",
    )


@login_required
@require_http_methods(["GET", "POST"])
def file_appeal(request, pk: int):
    # The form's own address shows the result page with the form; once the result has
    # its one appeal, it says so at once with a link to it (appeal_panel.py), on a
    # GET as on the first post, instead of offering a form that would be refused only
    # after the confirmation.
    if request.method == "GET" or appeal_filed_on(pk):
        return detail(request, pk, status=200 if request.method == "GET" else 409)
    # What was chosen and written comes back on any error; the files checked on the
    # first post are kept across the confirmation (pending_files.py), so a file is to
    # be chosen again only when it was refused.
    p, uid = request.POST, request.user.pk
    typed = {
        "chosen": p.getlist("items"),
        "reason": p.get("reason", ""),
        "pending": p.get("pending", ""),
    }
    if too_large(request):
        exc = InvalidInput("larger than 5 MB", field="attachments", rule="file_size")
        return detail(request, pk, error=exc, status=400, posted="appeal", typed=typed)
    try:
        a = appraisal_for_reader(reader=request.user, appraisal_id=pk)
    except DomainError:
        return detail(request, pk)  # the page says not found or not allowed
    files = [(f.name, f.read()) for f in request.FILES.getlist("attachments")]
    if files:  # files chosen now replace the ones kept
        pending.drop(typed["pending"], uid, pk)
        typed["pending"] = ""
    typed["pending_names"] = pending.names(typed["pending"], uid, pk)
    if p.get("back") == "1":
        return detail(request, pk, posted="appeal", typed=typed)
    refused = _appeal_refusals(typed)
    if refused:
        return detail(request, pk, status=400, posted="appeal", typed=typed, field_errors=refused)
    if not confirmed(request, "confirmed"):
        try:
            if len(files) > MAX_ATTACHMENTS:
                raise InvalidInput(
                    f"at most {MAX_ATTACHMENTS} attachments", field="attachments", rule="count"
                )
            for i, (name, content) in enumerate(files):
                check_attachment(i, name, content)
        except InvalidInput as exc:
            return detail(request, pk, error=exc, status=400, posted="appeal", typed=typed)
        if files:
            typed["pending"] = pending.put_aside(uid, pk, files)
            typed["pending_names"] = [n for n, _c in files]
        return _ask_appeal(request, a, typed, typed["pending"], typed["pending_names"])
    try:
        appeals.appeal_file(
            actor=request.user,
            appraisal_id=pk,
            items=typed["chosen"],
            reason=typed["reason"],
            attachments=files or pending.take(typed["pending"], uid, pk),
        )
    except DomainError as exc:
        return detail(request, pk, error=exc, status=exc.status, posted="appeal", typed=typed)
    pending.drop(typed["pending"], uid, pk)
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
        except DecimalComma as exc:
            raise InvalidInput(
                f"use a decimal point, e.g. {exc.hint}", field=field, rule="decimal_point"
            ) from exc
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
