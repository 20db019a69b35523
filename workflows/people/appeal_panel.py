"""What the appraisal page shows of its appeal: the filing form while the window is
open, then the appeal's steps, the form of the step the viewer holds, and corrections."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from engine import clock
from engine.appeals import services as appeals
from engine.appeals.flow import Stage
from engine.appeals.items import GRADE, SPECIAL, contestable_items
from engine.appeals.models import Appeal, AppealStep
from engine.appeals.selectors import holder_names, own_appeals
from engine.appraisals.models import Appraisal
from engine.appraisals.pinned_templates import template_for
from engine.deadlines.holding import holds
from engine.lists import ZH
from engine.notifications.wording import holder_words
from engine.org.display import person_name
from workflows.common import numbers
from workflows.common.labels import cycle_name, joined, name, step_label

from .appeal_decision import decision_rows
from .explain import shown


def items_on_result(a: Appraisal) -> list[tuple[str, str]]:
    """The items the appeal may contest (engine.appeals.items), in words."""
    t = template_for(a)
    out = []
    for code in contestable_items(t, a.result):
        found = t.indicator(code) or t.event(code)
        out.append((code, str(SPECIAL.get(code) or (name(found) if found else code))))
    return out


def _person(user) -> str:
    return person_name(user)


def step_holders(steps: list[AppealStep]) -> dict[int, str]:
    """Who holds, or held, each appeal step, by name as an appraisal's steps are shown:
    the person who answered a done step; the assignee; for a step a company role holds,
    its people with the role in words ("赵敏（人事）"), never the bare role. A step
    the appeal closed before reaching has nobody. `steps` come with their appeal."""
    by_company: dict[int, list[AppealStep]] = {}
    for s in steps:
        if s.state in (AppealStep.State.OPEN, AppealStep.State.PENDING):
            by_company.setdefault(s.company_id, []).append(s)
    names: dict[int, list[str]] = {}
    for company_id, live in by_company.items():
        names.update(holder_names(live, company_id))
    out = {}
    for s in steps:
        if s.state == AppealStep.State.DONE and s.completed_by_id:
            out[s.pk] = _person(s.completed_by)
        elif s.pk in names:
            role = "" if s.assignee_id else s.holder_role
            out[s.pk] = holder_words(ZH.join(names[s.pk]), role)
        else:
            out[s.pk] = "—"
    return out


def own_appeal_rows(user, latest_id: int | None) -> list[dict]:
    """The home page's word on the person's appeals: where each in progress stands —
    which step, who holds it by name, by when — or how the latest result's one ended."""
    rows = []
    pairs = own_appeals(user, latest_id)
    held = step_holders([s for _a, s in pairs if s is not None])
    for appeal, step in pairs:
        row = {
            "cycle": cycle_name(appeal.appraisal.cycle),
            "link": reverse("people:detail", args=[appeal.appraisal_id]) + "#appeal",
        }
        if step is not None:
            row.update(
                step=step_label(step.code),
                holder=held[step.pk],
                due=timezone.localtime(step.due_at).strftime("%Y-%m-%d %H:%M"),
                overdue=step.due_at < clock.now(),
            )
        else:
            row["outcome"] = appeal.get_outcome_display() or _("Closed")
        rows.append(row)
    return rows


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
    if a.state == Appraisal.State.FINAL:
        return _("This month is finalised: its results can no longer be appealed.")
    closes = timezone.localtime(appeals.window_closes(a))
    return _("The appeal window closed on %(date)s.") % {"date": closes.strftime("%Y-%m-%d %H:%M")}


def appeal_context(request, a: Appraisal) -> dict:
    """What the detail page shows of the appeal, and the form the viewer may use."""
    appeal = Appeal.objects.filter(appraisal=a).first()
    ctx: dict = {"appeal": appeal}
    if appeal is None:
        can_file = (
            a.state == Appraisal.State.PUBLISHED
            and a.employee.user_id == request.user.pk
            and appeals.window_closes(a) >= clock.now()
        )
        ctx["can_file"] = can_file
        if can_file:
            ctx["appeal_items"] = items_on_result(a)
            ctx["window_closes"] = appeals.window_closes(a)
        elif a.employee.user_id == request.user.pk and a.state in (
            Appraisal.State.PUBLISHED,
            Appraisal.State.FINAL,
        ):
            ctx["no_appeal"] = why_no_appeal(a)
        return ctx
    # asked for the filing form (its address, or a form posted from an older page):
    # the appellant is told at once that the result has its one appeal already
    ctx["appeal_already"] = (
        appeal.filed_by_id == request.user.pk
        and getattr(request.resolver_match, "url_name", "") == "file_appeal"
    )
    t = template_for(a)
    item_names = {code: str(words) for code, words in SPECIAL.items()}
    item_names.update({i.code: name(i) for i in t.indicators})
    item_names.update({e.code: name(e) for e in t.events})
    ctx["appeal_item_names"] = [str(item_names.get(c, c)) for c in appeal.items]
    ctx["appeal_steps"] = list(
        appeal.steps.select_related("appeal", "assignee__employee", "completed_by__employee")
    )
    held = step_holders(ctx["appeal_steps"])
    for s in ctx["appeal_steps"]:
        s.holder_words = held[s.pk]
    step = next((s for s in ctx["appeal_steps"] if s.state == AppealStep.State.OPEN), None)
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
    ctx["appeal_state"] = (
        step_label(appeal.state) if appeal.state != Stage.CLOSED.value else _("Closed")
    )
    return ctx
