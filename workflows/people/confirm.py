"""Safe actions on the step page: the approve button disabled with the reason when the
step cannot hand on for reasons its holder cannot fix in the form (another rater's
inputs empty, HR's calibration not confirmed), and every hand-in confirmed once with
what it hands in, the total and any late penalty — the final approval with the result
it will publish (the shared confirmation page of workflows.common.confirm)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from engine import clock
from engine.appraisals.completeness import (
    merged,
    missing_inputs,
    names_text,
    sheet_items,
    sheet_names,
)
from engine.appraisals.entries import raters_of, validate_entry
from engine.appraisals.flow import StepFlow, available
from engine.appraisals.models import Appraisal, AppraisalStep
from engine.appraisals.pinned_templates import template_for
from engine.appraisals.preview import score_preview
from engine.appraisals.selectors import steps_of
from engine.appraisals.services import check_final_approval, refuse_empty_self_review
from engine.appraisals.services.rescheduling import due_on_return
from engine.calibration.overview import calibration_wait
from engine.calibration.selectors import calibration_reason
from engine.errors import Conflict, InvalidInput
from engine.lists import joined
from workflows.common import numbers
from workflows.common.calibration_words import wait_words
from workflows.common.confirm import ask
from workflows.common.labels import error_text, name, step_label
from workflows.common.templatetags.jixiao import holder

from .blocked_holders import who_must_act
from .deputy_words import acting_for_name
from .explain import adjustment_words
from .step_page import SHEET_NAMES, lateness

APPROVALS = {"gm", "board"}  # steps whose holder approves (审批)


def _is_last(a: Appraisal, step: AppraisalStep) -> bool:
    return not any(s.seq > step.seq for s in steps_of(a))


def approval_blocked(
    a: Appraisal, t, step: AppraisalStep, *, links: bool = False, reader=None
) -> str:
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
                # linked only for a reader who may open them (not the board)
                w = calibration_wait(a.cycle, a.department_id)
                why = wait_words(w, links=links)
                who = who_must_act(w.unscored, reader=reader, cycle=a.cycle) if w else ""
                return format_html("{} {} {}", _("You cannot approve yet:"), why, who)
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


def adjustment_lines(adjustments: list[dict], t=None, a: Appraisal | None = None) -> list[str]:
    """`逾期自评 −10%（× 0.90）`, `小过 × 1 次：-5 分`: each penalty, event or factor
    between subtotal and total in words (explain.adjustment_words); nothing for a
    0-point line. Pass the template (and the appraisal) so an event is named with its
    count."""
    return adjustment_words(a, t, adjustments)


def _entries(form) -> list[tuple[str, str]]:
    """What the form will hand in, label by label, as the person typed or chose it; a
    value of the step left empty is listed as such (a cleared score is not silently
    dropped from the summary)."""
    out: list[tuple[str, str]] = []
    g = form.groups()
    unscored = _unscored_sheets(form)
    for f in [*g["values"], *g["events"]]:
        code = f.name.split(".")[1] if f.name.startswith("values.") else ""
        if code in unscored:
            if unscored[code]:  # the sheet's first item: one line for the whole sheet
                out.append((unscored[code], _("Not scored (optional)")))
            continue
        value = form.cleaned_data.get(f.name)
        if value in (None, "", 0) and f.name.startswith("events."):
            continue
        if value in (None, ""):
            out.append((str(f.label), _("Not filled in")))
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


def _unscored_sheets(form) -> dict[str, str]:
    """item code → "" for every item of an optional sheet this step left wholly empty,
    the sheet's first item → the sheet's name: it is listed as one line, not an
    "empty" per item."""
    t, out = form.template, {}
    for sheet in dict.fromkeys(s.sheet for s in t.sections if s.sheet):
        if not all(s.optional for s in t.sections if s.sheet == sheet):
            continue
        mine = [i.code for i in sheet_items(t, sheet) if i.code in form.value_codes]
        if not mine or any(form.cleaned_data.get(f"values.{c}") not in (None, "") for c in mine):
            continue
        out.update(dict.fromkeys(mine, ""))
        out[mine[0]] = str(SHEET_NAMES.get(sheet) or sheet_names(t, sheet))
    return out


def _kept_from_before(a: Appraisal, t, step: AppraisalStep, form) -> list[str]:
    """The values of this step the person left empty that the appraisal still holds
    from an earlier hand-in (a returned step): the names, in the template's order."""
    mine = raters_of(step.code, [s.code for s in t.chain])
    out = []
    for code in form.value_codes:
        ind = t.indicator(code)
        if code in form.data_for_service()["values"]:
            continue
        if any(code in (a.values.get(r) or {}) for r in ind.sources if r in mine):
            out.append(name(ind))
    return out


def submit_confirmation(request, a: Appraisal, step: AppraisalStep, form):
    """The confirmation page of a step's hand-in: what will be handed in, the total it
    gives, and the late penalty it will cost — or, when this step publishes, the result.
    None when the service will refuse anyway (it then says why at the field)."""
    t = template_for(a)
    data = form.data_for_service()
    try:
        clean = validate_entry(t, step.code, data)
        # an empty self-review is refused by the service: at its field, never confirmed
        refuse_empty_self_review(step, clean, (form.cleaned_data.get("comment") or "").strip())
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
    kept = _kept_from_before(a, t, step, form)
    if kept and not last:
        # A total from values the person cleared would be a number they did not type.
        facts.append(
            (
                _("Total preview"),
                _("Not shown: %(names)s left empty (the values handed in before are kept).")
                % {"names": joined(kept)},
                "confirm-total",
            )
        )
    elif preview.get("complete"):
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
    if step.code == "self" and not any(clean.get(k) for k in ("values", "deductions", "events")):
        # said plainly: what is handed in is the summary alone, the scores left empty
        facts.append(
            (
                _("Handed in"),
                _("Only your written summary: you give no scores of your own."),
                "confirm-summary-only",
            )
        )
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
            % {"name": a.employee.name, "step": step_label(step)},
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
            "title": _("Submit %(step)s?") % {"step": step_label(step)},
            "summary": _(
                "This is handed on to the next step: you cannot change it afterwards unless "
                "it is returned to you."
            ),
            "button": _("Submit"),
            "back_text": _("Back without submitting"),
            "name": "submit",
        }
    summary = [words["summary"]]
    holder = acting_for_name(request.user, step)
    if holder:  # the button says for whom, as the return's does ("代 唐涛 提交")
        kind = "publish" if last else "approve" if step.code in APPROVALS else "submit"
        words["button"] = _on_behalf_button(kind, holder)
    if holder and last:
        summary.insert(0, _on_behalf(holder))
    elif holder:  # the step is the holder's: it can come back to them, not to the deputy
        summary = [
            _on_behalf(holder),
            _(
                "This is handed on to the next step: it cannot be changed afterwards unless "
                "it is returned to %(holder)s."
            )
            % {"holder": holder},
        ]
    return ask(
        request,
        title=words["title"],
        summary=summary,
        facts=facts,
        action=reverse("people:act", args=[a.pk, step.pk, "submit"]),
        button=words["button"],
        back=reverse("people:detail", args=[a.pk]),
        # Back keeps everything typed as the step's draft (the page opens with it).
        back_post=reverse("people:draft", args=[a.pk, step.pk]),
        back_text=words["back_text"],
        form_id=f"{words['name']}-confirm",
        card_id=f"{words['name']}-summary",
        key="confirmed",
    )


def return_confirmation(request, a: Appraisal, step: AppraisalStep, text: str):
    """The confirmation of a return: to whom it goes back (name and step) and the
    comment they will read. None when this person may not return the step (the service
    then says why)."""
    if "return" not in available(StepFlow(step, a), request.user):
        return None
    prev = (
        AppraisalStep.objects.filter(appraisal=a, seq=step.seq - 1)
        .select_related("assignee__employee")
        .first()
    )
    if prev is None:
        return None
    to = _("%(who)s (%(step)s)") % {"who": holder(prev), "step": step_label(prev)}
    # What the return does to the due days, before it is confirmed (docs/policies.md
    # "Returned steps"): the reopened step's new day, computed on this unsaved copy.
    due_on_return(prev, template_for(a), clock.now())
    dates = _(
        "The returned step is due %(due)s; your step and the steps after it move so that "
        "none is due before it."
    ) % {"due": prev.due_date.isoformat()}
    url = reverse("people:act", args=[a.pk, step.pk, "return"])
    deputy_of = acting_for_name(request.user, step)
    if deputy_of:  # the step is the holder's: it comes back to them
        title = _("Return to %(to)s on behalf of %(holder)s?") % {"to": to, "holder": deputy_of}
        summary = [
            _on_behalf(deputy_of),
            _(
                "They fix it and hand it in again; it then comes back to %(holder)s, whose "
                "step it is."
            )
            % {"holder": deputy_of},
        ]
        summary.append(dates)
        button = _("Return on behalf of %(holder)s") % {"holder": deputy_of}
    else:
        title = _("Return to %(to)s?") % {"to": to}
        summary = [_("They fix it and hand it in again; it then comes back to you."), dates]
        button = _("Return")
    return ask(
        request,
        title=title,
        summary=summary,
        facts=[(_("Returned to"), to, "confirm-return-to"), (_("Return comment"), text)],
        action=url,
        button=button,
        back=reverse("people:detail", args=[a.pk]),
        back_post=url,
        back_text=_("Back without returning"),
        form_id="return-confirm",
        card_id="return-summary",
        key="confirmed",
    )


def _on_behalf_button(kind: str, holder: str) -> str:
    if kind == "publish":
        return _("Approve and publish on behalf of %(holder)s") % {"holder": holder}
    if kind == "approve":
        return _("Approve on behalf of %(holder)s") % {"holder": holder}
    return _("Submit on behalf of %(holder)s") % {"holder": holder}


def _on_behalf(holder: str) -> str:
    return _(
        "You act on behalf of %(holder)s: this step is theirs, and what you do is recorded "
        "as done for them."
    ) % {"holder": holder}
