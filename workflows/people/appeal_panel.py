"""What the appraisal page shows of its appeal: the filing form while the window is
open, then the appeal's steps, the form of the step the viewer holds, and corrections."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from engine import clock
from engine.appeals import services as appeals
from engine.appeals.items import GRADE, LATE, TOTAL, contestable_items
from engine.appeals.models import Appeal
from engine.appraisals.models import Appraisal
from engine.appraisals.pinned_templates import template_for
from engine.deadlines.holding import holds
from workflows.common import numbers
from workflows.common.labels import joined, name, step_label

from .appeal_decision import decision_rows
from .explain import shown


def items_on_result(a: Appraisal) -> list[tuple[str, str]]:
    """The items the appeal may contest (engine.appeals.items), in words."""
    t = template_for(a)
    special = {GRADE: _("The grade"), TOTAL: _("The total"), LATE: _("Late penalty")}
    out = []
    for code in contestable_items(t, a.result):
        found = t.indicator(code) or t.event(code)
        out.append((code, special.get(code) or (name(found) if found else code)))
    return out


def corrected_value(t, field: str, value) -> str:
    """A value before or after a correction as the result shows it: an indicator's by
    its unit ("78,700.00 元", not "78700.000"), an event's count, a deduction's points."""
    if value is None or value == "":
        return "—"
    kind, _sep, code = field.partition(".")
    if field == GRADE:
        grade = next((g for g in t.grades if g.code == value), None)
        return name(grade) if grade else str(value)
    if kind == "values":
        ind = t.indicator(code)
        return shown(ind, value) if ind else str(value)
    if kind == "events":
        return numbers.show_count(value)
    if kind == "deductions":
        rows = value if isinstance(value, list) else [value]
        points = [r.get("points") if isinstance(r, dict) else r for r in rows]
        return joined(numbers.show_points(p) for p in points) or "—"
    return str(value)


def why_no_appeal(a: Appraisal) -> str:
    """Why a result the employee reads has no appeal form, in words."""
    if a.state == "final":
        return _("This month is finalised: its results can no longer be appealed.")
    closes = timezone.localtime(appeals.window_closes(a))
    return _("The appeal window closed on %(date)s.") % {"date": closes.strftime("%Y-%m-%d %H:%M")}


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
            ctx["appeal_items"] = items_on_result(a)
            ctx["window_closes"] = appeals.window_closes(a)
        elif a.employee.user_id == request.user.pk and a.state in ("published", "final"):
            ctx["no_appeal"] = why_no_appeal(a)
        return ctx
    t = template_for(a)
    item_names = {
        "grade": _("The grade"),
        "total": _("The total"),
        "late_penalty": _("Late penalty"),
    }
    item_names.update({i.code: name(i) for i in t.indicators})
    item_names.update({e.code: name(e) for e in t.events})
    ctx["appeal_item_names"] = [str(item_names.get(c, c)) for c in appeal.items]
    ctx["appeal_steps"] = list(appeal.steps.select_related("assignee"))
    step = next((s for s in ctx["appeal_steps"] if s.state == "open"), None)
    may_decide = (
        step is not None and request.user.pk != appeal.filed_by_id and holds(request.user, step)
    )
    ctx["appeal_open_step"] = step if may_decide else None
    if may_decide and step.code == "decision":
        ctx["decision_rows"] = decision_rows(appeal)
    ctx["corrections"] = [
        {
            "item": str(item_names.get(c.field.split(".", 1)[-1].split(".")[0], c.field)),
            "before": corrected_value(t, c.field, c.before),
            "after": corrected_value(t, c.field, c.after),
            "reason": c.reason,
        }
        for c in appeal.corrections.all()
    ]
    ctx["appeal_state"] = step_label(appeal.state) if appeal.state != "closed" else _("Closed")
    return ctx
