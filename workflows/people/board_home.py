"""The board's part of the home page: the appraisals the board approves this month (the
GM's own, a department head's the policy sends to the board) and where each stands —
ready for the board's approval, held by the calibration, or still with an earlier
step and whose it is — each linked to its page. A board member's home was otherwise a
greeting and an empty "where to go" (fresh-eyes walk)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from engine.appraisals.models import AppraisalStep, Cycle
from engine.appraisals.selectors import inbox_steps
from workflows.common.labels import step_label
from workflows.common.tasks import split_waiting
from workflows.common.templatetags.jixiao import holder


def _where(a, open_step: AppraisalStep | None, ready: set[int], held: set[int]) -> str:
    if open_step is None:
        return _("The result is being prepared.")
    if open_step.pk in ready:
        return _("Ready for your approval.")
    if open_step.pk in held:
        return _("Waiting for the calibration: open it to see who must act.")
    words = {
        "step": step_label(open_step),
        "who": holder(open_step),
        "due": localtime(open_step.due_at).strftime("%Y-%m-%d"),
    }
    return _("%(who)s holds the %(step)s, due %(due)s.") % words


def board_summary(user, board_companies: set[int]) -> dict[str, Any] | None:
    """What the board approves in the open cycles and where each stands."""
    if not board_companies:
        return None
    mine = inbox_steps(user).filter(company_id__in=board_companies)
    actionable, held = split_waiting(mine)
    ready = set(actionable.values_list("pk", flat=True))
    theirs = (
        AppraisalStep.objects.filter(
            company_id__in=board_companies,
            holder_role="board",
            assignee__isnull=True,
            state__in=[AppraisalStep.State.PENDING, AppraisalStep.State.OPEN],
            appraisal__cycle__status=Cycle.Status.OPEN,
        )
        .select_related("appraisal__employee", "appraisal__department", "appraisal__cycle")
        .order_by("due_at", "pk")
    )
    rows = []
    for s in theirs:
        a = s.appraisal
        open_step = (
            a.steps.filter(state=AppraisalStep.State.OPEN)
            .select_related("assignee__employee")
            .first()
        )
        rows.append(
            {
                "name": a.employee.name,
                "department": a.department,
                "step": step_label(s),
                "due": localtime(s.due_at).strftime("%Y-%m-%d"),
                "where": _where(a, open_step, ready, set(held)),
                "ready": open_step is not None and open_step.pk in ready,
                "link": reverse("people:detail", args=[a.pk]),
            }
        )
    done = (
        AppraisalStep.objects.filter(
            company_id__in=board_companies,
            holder_role="board",
            state=AppraisalStep.State.DONE,
            appraisal__cycle__status=Cycle.Status.OPEN,
        )
        .select_related("appraisal__employee", "appraisal__department")
        .order_by("-completed_at", "-pk")
    )
    approved = [
        {
            "name": s.appraisal.employee.name,
            "department": s.appraisal.department,
            "step": step_label(s),
            "at": localtime(s.completed_at).strftime("%Y-%m-%d") if s.completed_at else "—",
            "link": reverse("people:detail", args=[s.appraisal_id]),
        }
        for s in done
    ]
    return {"ready": len(ready), "held": len(held), "rows": rows, "approved": approved}
