"""Safe actions on the step page: the approve button disabled with the reason when the
step cannot hand on for reasons its holder cannot fix in the form (another rater's
inputs empty, HR's calibration not confirmed), and the final approval — which
publishes — confirmed once with the result it will publish (no JavaScript: the
Content-Security-Policy forbids inline scripts, so the confirmation is a page)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from engine.appraisals.completeness import merged, missing_inputs, names_text
from engine.appraisals.entries import validate_entry
from engine.appraisals.models import Appraisal, AppraisalStep
from engine.appraisals.pinned_templates import template_for
from engine.appraisals.preview import score_preview
from engine.appraisals.services import check_final_approval
from engine.errors import Conflict, InvalidInput
from workflows.common.labels import error_text, name, step_label


def _is_last(a: Appraisal, step: AppraisalStep) -> bool:
    return not AppraisalStep.objects.filter(appraisal=a, seq__gt=step.seq).exists()


def approval_blocked(a: Appraisal, t, step: AppraisalStep) -> str:
    """Why the holder cannot hand the step on whatever they type ("" when they can)."""
    others = [m for m in missing_inputs(t, a.values, step.code) if not m.own]
    if others:
        return _(
            "You cannot approve yet: required inputs entered by others are empty (%(names)s)."
        ) % {"names": names_text(others)}
    if _is_last(a, step):
        try:
            check_final_approval(a)
        except Conflict as exc:
            return _("You cannot approve yet: %(why)s") % {"why": error_text(exc)}
    return ""


def adjustment_lines(adjustments: list[dict]) -> list[str]:
    """`逾期自评 −10%（× 0.90）`: each penalty or factor between subtotal and total in
    words; nothing for a 0-point line."""
    out = []
    for adj in adjustments:
        code, value = adj["code"], Decimal(str(adj["value"]))
        if code.startswith("late:") and adj["kind"] == "factor":
            out.append(
                _("Late %(step)s −%(pct)s%% (× %(factor)s)")
                % {
                    "step": step_label(code.split(":", 1)[1]),
                    "pct": f"{(1 - value) * 100:.0f}",
                    "factor": f"{value:.2f}",
                }
            )
        elif adj["kind"] == "factor":
            out.append(_("Factor × %(factor)s") % {"factor": f"{value:.2f}"})
        elif adj["kind"] == "points" and value != 0:
            out.append(_("%(value)s points") % {"value": f"{value:+.2f}"})
    return out


def publish_summary(a: Appraisal, step: AppraisalStep, data: dict, posted) -> dict | None:
    """The confirmation page's content when handing this step on publishes the result;
    None when it does not, or when the service will refuse anyway (it then says why)."""
    if not _is_last(a, step):
        return None
    t = template_for(a)
    try:
        clean = validate_entry(t, step.code, data)
    except InvalidInput:
        return None
    if missing_inputs(t, merged(a.values, clean), step.code):
        return None
    preview = score_preview(appraisal=a, step=step, data=data)
    if not preview.get("complete"):
        return None
    grade = next((g for g in t.grades if g.code == preview["grade"]), None)
    return {
        "a": a,
        "step": step,
        "subtotal": preview.get("subtotal"),
        "adjustments": adjustment_lines(preview.get("adjustments", [])),
        "total": preview["total"],
        "grade": name(grade) if grade else preview["grade"],
        "role_name": name(t),
        # what was typed, sent again with the confirmation
        "posted": [
            (k, v)
            for k, values in posted.lists()
            if k not in ("csrfmiddlewaretoken", "confirmed")
            for v in values
        ],
    }
