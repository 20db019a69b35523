"""Safe actions on the step page: the approve button disabled with the reason when the
step cannot hand on for reasons its holder cannot fix in the form (another rater's
inputs empty, HR's calibration not confirmed), and every hand-in confirmed once with
what it hands in, the total and any late penalty — the final approval with the result
it will publish (the shared confirmation page of workflows.common.confirm)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from engine.appraisals.completeness import merged, missing_inputs, names_text
from engine.appraisals.entries import validate_entry
from engine.appraisals.models import Appraisal, AppraisalStep
from engine.appraisals.pinned_templates import template_for
from engine.appraisals.preview import score_preview
from engine.appraisals.services import check_final_approval
from engine.errors import Conflict, InvalidInput
from workflows.common import numbers
from workflows.common.confirm import ask
from workflows.common.labels import error_text, name, step_label

from .explain import adjustment_words
from .step_page import lateness

APPROVALS = {"gm", "board"}  # steps whose holder approves (审批)


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


def adjustment_lines(adjustments: list[dict], t=None) -> list[str]:
    """`逾期自评 −10%（× 0.90）`: each penalty or factor between subtotal and total in
    words (explain.adjustment_words); nothing for a 0-point line."""
    return adjustment_words(None, t, adjustments)


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
    facts: list[tuple] = [
        (_("Employee"), a.employee.name, "confirm-employee"),
        (_("Role"), name(t)),
    ]
    if preview.get("complete"):
        grade = next((g for g in t.grades if g.code == preview["grade"]), None)
        label = _("Total") if last else _("Total preview")
        # every total shown with what lies between its lines and it (a late penalty of
        # an earlier step included), whichever step is confirmed
        adjustments = adjustment_lines(preview.get("adjustments", []), t)
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
    elif step.code in APPROVALS:
        words = {
            "title": _("Approve %(name)s's appraisal (%(step)s)?")
            % {"name": a.employee.name, "step": step_label(step.code)},
            "summary": _(
                "Once approved, this is handed on to the next step: you cannot change it "
                "afterwards unless it is returned to you."
            ),
            "button": _("Approve"),
            "back_text": _("Back without approving"),
            "name": "submit",
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
