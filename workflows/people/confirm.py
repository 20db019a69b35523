"""Safe actions on the step page: the approve button disabled with the reason when the
step cannot hand on for reasons its holder cannot fix in the form (another rater's
inputs empty, HR's calibration not confirmed), and every hand-in confirmed once with
what it hands in, the total and any late penalty — the final approval with the result
it will publish (the shared confirmation page of workflows.common.confirm)."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from engine.appraisals.completeness import merged, missing_inputs, names_text
from engine.appraisals.entries import validate_entry
from engine.appraisals.models import Appraisal, AppraisalStep
from engine.appraisals.pinned_templates import template_for
from engine.appraisals.preview import score_preview
from engine.appraisals.services import check_final_approval
from engine.calibration.overview import calibration_wait
from engine.calibration.selectors import calibration_reason
from engine.errors import Conflict, InvalidInput
from workflows.common import numbers
from workflows.common.calibration_words import wait_words
from workflows.common.confirm import ask
from workflows.common.labels import error_text, name, step_label

from .step_page import lateness


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
            if exc.field == "calibration":  # what the calibration really waits for
                why = wait_words(calibration_wait(a.cycle, a.department_id))
                return format_html("{} {}", _("You cannot approve yet:"), why)
            return _("You cannot approve yet: %(why)s") % {"why": error_text(exc)}
    return ""


def calibration_note(a: Appraisal) -> str:
    """Before the approval: the grade HR calibrated, from what, and why ("" when the
    grade is the one the total gives)."""
    if not a.calibrated_grade or a.calibrated_grade == a.grade or a.total is None:
        return ""
    grades = {g.code: g for g in template_for(a).grades}
    words = _("Calibrated by HR from %(before)s to %(after)s; the total is unchanged.") % {
        "before": name(grades.get(a.grade)) or a.grade,
        "after": name(grades.get(a.calibrated_grade)) or a.calibrated_grade,
    }
    reason = calibration_reason(a)
    if reason:
        words += " " + _("Reason: %(reason)s") % {"reason": reason}
    return words


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


def _entries(form) -> list[tuple[str, str]]:
    """What the form will hand in, label by label, as the person typed or chose it."""
    out: list[tuple[str, str]] = []
    g = form.groups()
    for f in [*g["values"], *g["events"]]:
        value = form.cleaned_data.get(f.name)
        if value in (None, "", 0) and f.name.startswith("events."):
            continue
        if value in (None, ""):
            continue
        choices = dict(getattr(f.field, "choices", None) or [])
        out.append((str(f.label), str(choices.get(value, f.data or value))))
    for ind, rows in g["deductions"]:
        for p, r in rows:
            points = form.cleaned_data.get(p.name)
            if points not in (None, ""):
                out.append(
                    (
                        name(ind),
                        _("deduction of %(points)s (%(reason)s)")
                        % {"points": points, "reason": form.cleaned_data.get(r.name) or "—"},
                    )
                )
    if form.cleaned_data.get("falsified"):
        out.append((str(g["falsified"].label), _("Yes")))
    comment = (form.cleaned_data.get("comment") or "").strip()
    if comment:
        out.append((str(g["comment"].label), comment))
    return out


def submit_confirmation(request, a: Appraisal, step: AppraisalStep, form):
    """The confirmation page of a step's hand-in: what will be handed in, the total it
    gives, and the late penalty it will cost — or, when this step publishes, the result.
    None when the service will refuse anyway (it then says why at the field)."""
    t = template_for(a)
    data = form.data_for_service()
    try:
        clean = validate_entry(t, step.code, data)
    except InvalidInput:
        return None
    if missing_inputs(t, merged(a.values, clean), step.code):
        return None
    last = _is_last(a, step)
    preview = score_preview(appraisal=a, step=step, data=data)
    if last and not preview.get("complete"):
        return None
    facts: list[tuple] = [(_("Role"), name(t))]
    if preview.get("complete"):
        grade = next((g for g in t.grades if g.code == preview["grade"]), None)
        label = _("Total") if last else _("Total preview")
        if last:
            adjustments = adjustment_lines(preview.get("adjustments", []))
            if adjustments:
                facts.append(
                    (_("Subtotal"), numbers.show_score(preview.get("subtotal")), "confirm-subtotal")
                )
                facts += [
                    (_("Adjustment"), line, f"confirm-adjustment-{i}")
                    for i, line in enumerate(adjustments, 1)
                ]
        facts.append((label, numbers.show_score(preview["total"]), "confirm-total"))
        facts.append((_("Grade"), name(grade) if grade else "—", "confirm-grade"))
    late = lateness(a, step, t, request.user)
    if late["overdue"] and late["penalty"]:
        facts.append((_("Late penalty"), late["penalty"], "confirm-late"))
    facts += [(label, value) for label, value in _entries(form)]
    if last:
        words = {
            "title": _("Approve and publish?"),
            "summary": _(
                "The result of %(who)s for %(p)s will be published to them. A published "
                "result is corrected only by a new version."
            )
            % {"who": a.employee.name, "p": a.cycle.period},
            "button": _("Approve and publish"),
            "back_text": _("Back without approving"),
            "name": "publish",
        }
    else:
        words = {
            "title": _("Submit %(step)s?") % {"step": step_label(step.code)},
            "summary": _(
                "This is handed on to the next step: you cannot change it afterwards unless "
                "it is returned to you."
            ),
            "button": _("Submit"),
            "back_text": _("Back without submitting"),
            "name": "submit",
        }
    return ask(
        request,
        title=words["title"],
        summary=[words["summary"]],
        facts=facts,
        action=reverse("people:act", args=[a.pk, step.pk, "submit"]),
        button=words["button"],
        back=reverse("people:detail", args=[a.pk]),
        back_text=words["back_text"],
        form_id=f"{words['name']}-confirm",
        card_id=f"{words['name']}-summary",
        key="confirmed",
    )
