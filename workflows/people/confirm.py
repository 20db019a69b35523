"""Safe actions on the step page: the approve button disabled with the reason when the
step cannot hand on for reasons its holder cannot fix in the form (another rater's
inputs empty, HR's calibration not confirmed), and the final approval — which
publishes — confirmed once with the result it will publish (no JavaScript: the
Content-Security-Policy forbids inline scripts, so the confirmation is a page)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from engine.appraisals.completeness import merged, missing_inputs, names_text
from engine.appraisals.entries import validate_entry
from engine.appraisals.models import Appraisal, AppraisalStep
from engine.appraisals.pinned_templates import template_for
from engine.appraisals.preview import score_preview
from engine.appraisals.services import check_final_approval
from engine.errors import Conflict, InvalidInput
from workflows.common.labels import error_text, name


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
