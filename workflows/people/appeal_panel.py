"""What the appraisal page shows of its appeal: the filing form while the window is
open, then the appeal's steps, the form of the step the viewer holds, and corrections."""

from __future__ import annotations

from engine import clock
from engine.appeals import services as appeals
from engine.appeals.models import Appeal
from engine.appraisals.models import Appraisal
from engine.appraisals.pinned_templates import template_for
from engine.deadlines.holding import holds


def appeal_context(request, a: Appraisal) -> dict:
    """What the detail page shows of the appeal, and the form the viewer may use."""
    appeal = Appeal.objects.filter(appraisal=a).first()
    ctx: dict = {"appeal": appeal}
    if appeal is None:
        can_file = (
            a.state == "published"
            and a.employee.user_id == request.user.pk
            and appeals.window_closes(a) >= clock.now()
        )
        ctx["can_file"] = can_file
        if can_file:
            ctx["appeal_items"] = [
                (i.code, f"{i.name_zh} / {i.name_en}") for i in template_for(a).indicators
            ]
            ctx["window_closes"] = appeals.window_closes(a)
        return ctx
    ctx["appeal_steps"] = list(appeal.steps.select_related("assignee"))
    step = next((s for s in ctx["appeal_steps"] if s.state == "open"), None)
    may_decide = (
        step is not None and request.user.pk != appeal.filed_by_id and holds(request.user, step)
    )
    ctx["appeal_open_step"] = step if may_decide else None
    ctx["corrections"] = list(appeal.corrections.all())
    return ctx
