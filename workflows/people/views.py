"""The pages of employees and reviewers: the task inbox, an appraisal with its
breakdown and the step form, and the notification list. Thin: they read through
selectors, write through services, and answer domain errors with their status."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from engine.appeals.selectors import appeal_inbox
from engine.appraisals import selectors, services
from engine.appraisals.flow import StepFlow, available
from engine.appraisals.models import Appraisal, AppraisalStep
from engine.appraisals.pinned_templates import template_for
from engine.errors import DomainError, Forbidden, NotFound
from engine.notifications.models import Notification
from engine.notifications.services import notification_mark_read
from engine.outcomes.selectors import labelled_lines

from .appeal_panel import appeal_context
from .forms import data_from_post, step_fields

DONE = {"submit": "已提交 / Submitted", "return": "已退回 / Returned", "push": "已推进 / Pushed on"}


def _step_context(request, a: Appraisal) -> dict:
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
        ctx["form"] = step_fields(template_for(a), open_step.code)
    return ctx


@login_required
@require_GET
def inbox(request):
    steps = selectors.inbox(request.user)
    appeal_steps = appeal_inbox(request.user)
    unread = Notification.objects.filter(user=request.user, read_at__isnull=True).count()
    return render(
        request,
        "people/inbox.html",
        {"steps": steps, "appeal_steps": appeal_steps, "unread": unread},
    )


@login_required
def detail(request, pk: int, error: DomainError | None = None, status: int = 200):
    try:
        a = services.appraisal_for_reader(reader=request.user, appraisal_id=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except Forbidden as exc:
        return render(request, "people/denied.html", {"message": exc.message}, status=403)
    ctx = {
        "a": a,
        "steps": a.steps.select_related("assignee"),
        "error": error,
        "published": a.state in ("published", "final"),
        "population_outcomes": labelled_lines(a) if a.state == "final" else [],
        **_step_context(request, a),
        **appeal_context(request, a),
    }
    return render(request, "people/detail.html", ctx, status=status)


@login_required
@require_POST
def act(request, pk: int, step_id: int, action: str):
    try:
        a = services.appraisal_for_reader(reader=request.user, appraisal_id=pk)
        data, text = None, request.POST.get("comment" if action == "return" else "reason", "")
        if action == "submit":
            step = AppraisalStep.objects.filter(pk=step_id, appraisal=a).first()
            if step is None:
                raise NotFound("no such step", field="step", rule="exists")
            data = data_from_post(template_for(a), step.code, request.POST)
        services.step_act(
            actor=request.user,
            appraisal_id=a.pk,
            step_id=step_id,
            action=action,
            data=data,
            text=text,
        )
        messages.success(request, DONE[action])
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as exc:
        return detail(request, pk, error=exc, status=exc.status)
    return redirect("people:detail", pk=pk)


@login_required
def notifications(request):
    if request.method == "POST":
        ids = [int(x) for x in request.POST.getlist("ids") if x.isdigit()]
        notification_mark_read(user=request.user, ids=ids)
        return redirect("people:notifications")
    items = Notification.objects.filter(user=request.user)[:200]
    return render(request, "people/notifications.html", {"items": items})
