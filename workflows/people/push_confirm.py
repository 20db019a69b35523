"""HR pushing one overdue step on from the appraisal page: irreversible, and it costs
someone a late penalty, so it is confirmed once on the shared confirmation page (as the
bulk push of the cycle board is) with the penalty in words and the person it falls on."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from engine.appraisals.flow import StepFlow, available
from engine.appraisals.models import Appraisal, AppraisalStep, LatePenalty
from engine.appraisals.pinned_templates import template_for
from workflows.common import numbers
from workflows.common.confirm import ask
from workflows.common.labels import step_label
from workflows.common.templatetags.jixiao import holder


def push_penalty(a: Appraisal, step: AppraisalStep) -> str:
    """What pushing this step on costs, and whom (as the service charges it)."""
    pen = template_for(a).late_penalty(step.code)
    if pen is None or LatePenalty.objects.filter(source_step=step).exists():
        return _("No late penalty applies to this step.")
    pct = numbers.show_rate(pen.rate)
    if pen.hits == "employee":
        return _("%(who)s's total loses %(pct)s (the late penalty of this step).") % {
            "who": a.employee.name,
            "pct": pct,
        }
    who = holder(step)
    mine = (
        Appraisal.objects.filter(cycle_id=a.cycle_id, employee__user_id=step.assignee_id)
        .exclude(state__in=[Appraisal.State.WITHDRAWN, Appraisal.State.EXEMPT])
        .first()
        if step.assignee_id
        else None
    )
    if mine is None:
        return _(
            "%(who)s, who holds this step, has no appraisal in %(period)s: no late penalty "
            "is charged."
        ) % {"who": who, "period": a.cycle.period}
    if LatePenalty.objects.filter(cycle_id=a.cycle_id, step_code=step.code, target=mine).exists():
        return _(
            "%(who)s was already charged once this cycle for a late %(step)s: this one "
            "costs nothing more."
        ) % {"who": who, "step": step_label(step)}
    return _(
        "%(who)s, who holds this step, loses %(pct)s on their own appraisal of %(period)s "
        "(the late penalty of this step)."
    ) % {"who": who, "pct": pct, "period": a.cycle.period}


def push_confirmation(request, a: Appraisal, step: AppraisalStep, reason: str):
    """The confirmation of a single push: the step, its holder, the penalty, the reason.
    None when this person may not push the step on (the service then says why)."""
    if "push" not in available(StepFlow(step, a), request.user):
        return None
    url = reverse("people:act", args=[a.pk, step.pk, "push"])
    penalty = push_penalty(a, step)
    return ask(
        request,
        title=_("Push %(step)s of %(who)s on?")
        % {"step": step_label(step), "who": a.employee.name},
        summary=[
            _(
                "The step is recorded as skipped after its deadline and the next step opens; "
                "this cannot be undone."
            ),
        ],
        facts=[
            (_("Employee"), a.employee.name, "confirm-employee"),
            (_("Step"), f"{step_label(step)} · {holder(step)}", "confirm-step"),
            (_("Late penalty"), penalty, "confirm-penalty"),
            (_("Reason for pushing on"), reason, "confirm-reason"),
        ],
        action=url,
        button=_("Push on"),
        back=reverse("people:detail", args=[a.pk]),
        back_post=url,
        back_text=_("Back without pushing"),
        form_id="push-confirm",
        card_id="push-summary",
        key="confirmed",
    )
