"""The pages of employees and reviewers: an appraisal with its
breakdown and the step form. Thin: they read through
selectors, write through services, and answer domain errors with their status."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from engine.appraisals import selectors, services
from engine.appraisals.flow import StepFlow, available
from engine.appraisals.models import Appraisal, AppraisalStep
from engine.appraisals.pinned_templates import template_for
from engine.appraisals.preview import score_preview
from engine.errors import DomainError, Forbidden, NotFound
from engine.org.selectors import company_roles
from engine.outcomes.selectors import labelled_lines
from engine.trail.selectors import READERS, auditable_companies
from workflows.common.confirm import confirmed
from workflows.common.labels import error_text, name

from .appeal_panel import appeal_context
from .bonus_panel import BonusForm, bonus_context
from .confirm import approval_blocked, submit_confirmation
from .explain import (
    department_distribution,
    earlier_remarks,
    entered_elsewhere,
    explain_result,
    preview_for_people,
    returned_comment,
    versions_side_by_side,
)
from .form_errors import at_field, correction_rows
from .forms import StepForm, service_error_message
from .step_page import lateness, measured_on, my_submissions, previous_comment, step_rows

DONE = {"submit": _("Submitted"), "return": _("Returned"), "push": _("Pushed on")}


def _step_context(request, a: Appraisal, form: StepForm | None = None) -> dict:
    open_step = a.steps.filter(state="open").first()
    ctx: dict = {"open_step": open_step, "can_act": False, "can_push": False}
    if open_step is None:
        return ctx
    # The buttons are the transitions the step's state machine allows this user now.
    actions = available(StepFlow(open_step, a), request.user)
    ctx["can_act"] = "submit" in actions
    ctx["can_return"] = "return" in actions
    ctx["can_push"] = "push" in actions
    if ctx["can_act"]:
        t = template_for(a)
        stored = {"values": a.values, "deductions": a.deductions, "events": a.events}
        stored.update(falsified=a.falsified, comment=previous_comment(open_step))
        draft = selectors.draft_for(open_step, request.user)
        ctx["draft"] = draft
        form = form or StepForm(
            template=t,
            step=open_step.code,
            initial_values=stored,
            draft=draft.fields if draft else None,
        )
        ctx["form"] = form
        ctx["fields"] = form.groups()
        entered = {row["code"]: row for row in entered_elsewhere(a, t, form.mine)}
        ctx["read_only"] = [r for r in entered.values() if not r["owned"]]
        ctx["value_rows"] = [
            (f, entered.get(f.name.split(".")[1], {}).get("others", []))
            for f in ctx["fields"]["values"]
        ]
        ctx["measured"] = measured_on(a, t, form.mine)
        ctx["lateness"] = lateness(a, open_step, t, request.user)
        ctx["blocked"] = approval_blocked(a, t, open_step)
        ctx["returned"] = returned_comment(open_step)
        ctx["remarks"] = earlier_remarks(a)
        if not a.steps.filter(seq__gt=open_step.seq).exists() and a.total is not None:
            ctx["final_view"] = {
                "total": a.total,
                "grade": name(
                    next((g for g in t.grades if g.code == (a.calibrated_grade or a.grade)), None)
                    or {}
                ),
                "distribution": department_distribution(a),
                "explained": explain_result(a) if a.result else None,
            }
    return ctx


def provisional_for_reader(a: Appraisal, reader) -> dict | None:
    """The result so far of an appraisal still in progress, for the company's HR, GM
    and auditors (who follow the appraisal, not only their own step): the provisional
    total, grade and every line. Not for the person appraised — their result is shown
    when it is published — nor for reviewers, who see it in their step."""
    if a.state != "in_progress" or a.employee.user_id == getattr(reader, "pk", None):
        return None
    if not company_roles(reader).get(a.company_id, set()) & READERS:
        return None
    if a.total is None or not a.result:
        return {"scored": False}
    t = template_for(a)
    grade = next((g for g in t.grades if g.code == (a.calibrated_grade or a.grade)), None)
    return {
        "scored": True,
        "total": a.total,
        "grade": name(grade) if grade else "—",
        "explained": explain_result(a),
    }


@login_required
def detail(
    request,
    pk: int,
    error: DomainError | None = None,
    status: int = 200,
    form: StepForm | None = None,
    bonus_form: BonusForm | None = None,
    posted: str = "",
    typed: dict | None = None,
    rows: list[int] | None = None,
):
    try:
        a = services.appraisal_for_reader(reader=request.user, appraisal_id=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except Forbidden as exc:
        return render(request, "people/denied.html", {"message": error_text(exc)}, status=403)
    field_errors = at_field(posted, error, rows) if posted and error else {}
    ctx = {
        "a": a,
        "steps": a.steps.select_related("assignee"),
        "step_rows": step_rows(a),
        "trail_link": a.company_id in auditable_companies(request.user),
        "provisional": provisional_for_reader(a, request.user),
        "error": error,
        # A small form's error at its field, with what was typed (form_errors.py).
        "posted": posted,
        "typed": typed or {},
        "field_errors": field_errors,
        "correction_rows": correction_rows(posted, typed or {}, field_errors),
        "published": a.state in ("published", "final"),
        "population_outcomes": labelled_lines(a) if a.state == "final" else [],
        "explained": explain_result(a) if a.state in ("published", "final") else None,
        "side_by_side": versions_side_by_side(a) if a.state in ("published", "final") else None,
        "result_remarks": earlier_remarks(a) if a.state in ("published", "final") else [],
        "role_name": name(template_for(a)),
        "my_submissions": my_submissions(a, template_for(a), request.user),
        **_step_context(request, a, form),
        **appeal_context(request, a),
        **bonus_context(request, a, bonus_form),
    }
    return render(request, "people/detail.html", ctx, status=status)


@login_required
@require_POST
def act(request, pk: int, step_id: int, action: str):
    form, text = None, ""
    try:
        a = services.appraisal_for_reader(reader=request.user, appraisal_id=pk)
        if action not in DONE:
            raise NotFound("no such action", field="action", rule="exists")
        if action == "submit":
            step = AppraisalStep.objects.filter(pk=step_id, appraisal=a).first()
            if step is None:
                raise NotFound("no such step", field="step", rule="exists")
            form = StepForm(request.POST, template=template_for(a), step=step.code)
            if not form.is_valid():
                return detail(request, pk, status=400, form=form)
            if not confirmed(request, "confirmed"):
                # Irreversible: ask once with what is handed in (the result, if it publishes).
                asked = submit_confirmation(request, a, step, form)
                if asked is not None:
                    return asked
            services.step_submit(
                actor=request.user,
                appraisal_id=a.pk,
                step_id=step_id,
                data=form.data_for_service(),
                comment=form.cleaned_data.get("comment", ""),
            )
        else:
            text = request.POST.get("comment" if action == "return" else "reason", "")[:4000]
            services.step_act(
                actor=request.user, appraisal_id=a.pk, step_id=step_id, action=action, text=text
            )
        messages.success(request, DONE[action])
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as exc:
        if form is not None and exc.field in form.fields:
            form.add_error(exc.field, service_error_message(exc.rule))
            return detail(request, pk, status=exc.status, form=form)
        if form is None:  # return or push: the comment kept, the error at its field
            typed = {"comment" if action == "return" else "reason": text}
            return detail(request, pk, error=exc, status=exc.status, posted=action, typed=typed)
        return detail(request, pk, error=exc, status=exc.status, form=form)
    return redirect("people:detail", pk=pk)


@login_required
@require_POST
def save_draft(request, pk: int, step_id: int):
    """Keep what was typed without handing it in; the page opens with it next time."""
    try:
        a = services.appraisal_for_reader(reader=request.user, appraisal_id=pk)
        step = AppraisalStep.objects.filter(pk=step_id, appraisal=a).first()
        if step is None:
            raise NotFound("no such step", field="step", rule="exists")
        form = StepForm(request.POST, template=template_for(a), step=step.code)
        draft = services.step_draft_save(
            actor=request.user, appraisal_id=a.pk, step_id=step.pk, fields=form.typed()
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as exc:
        return detail(request, pk, error=exc, status=exc.status)
    when = localtime(draft.saved_at).strftime("%H:%M")
    messages.success(
        request, _("Draft saved at %(time)s; it is not handed in yet.") % {"time": when}
    )
    return redirect("people:detail", pk=pk)


@login_required
@require_POST
def preview(request, pk: int, step_id: int):
    """The live score preview: the step's form as typed so far, scored, nothing saved."""
    try:
        a = services.appraisal_for_reader(reader=request.user, appraisal_id=pk)
    except NotFound:
        return JsonResponse({"error": "not_found"}, status=404)
    except Forbidden:
        return JsonResponse({"error": "forbidden"}, status=403)
    step = AppraisalStep.objects.filter(pk=step_id, appraisal=a, state="open").first()
    if step is None or "submit" not in available(StepFlow(step, a), request.user):
        return JsonResponse({"error": "not_your_step"}, status=403)
    t = template_for(a)
    form = StepForm(request.POST, template=t, step=step.code)
    preview = score_preview(appraisal=a, step=step, data=form.partial_data())
    return JsonResponse(preview_for_people(preview, a, t))
