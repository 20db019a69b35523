"""The task inbox: the open steps a person holds, with search, filters by cycle and
department, sorting and pages; open appeal steps beside them."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Exists, Q
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from engine import clock
from engine.appeals.selectors import appeal_inbox
from engine.appraisals.models import AppraisalStep
from engine.appraisals.pinned_templates import template_for
from engine.appraisals.selectors import inbox_steps
from engine.calibration.overview import calibration_wait
from engine.org.models import Delegation, Department, Employee
from engine.org.selectors import REVIEWING_ROLES, company_roles, delegations_running
from workflows.common.calibration_words import sees_everyone, wait_words
from workflows.common.labels import error_text, name, position_words
from workflows.common.listing import FilterForm, kept_query, page_of
from workflows.common.tasks import actionable, split_waiting

from .after import inbox_rows
from .appeal_panel import step_holders
from .committee import inbox_rows as committee_rows
from .feedback import inbox_rows as feedback_rows

SORTS = {
    "due": ("due_at", "id"),
    "-due": ("-due_at", "-id"),
    "name": ("appraisal__employee__name", "due_at"),
    "cycle": ("-appraisal__cycle__start", "due_at"),
}


class InboxFilter(FilterForm):
    q = forms.CharField(label=_("Search by name or number"), required=False, max_length=100)
    cycle = forms.TypedChoiceField(label=_("Cycle"), coerce=int, required=False, empty_value=None)
    department = forms.TypedChoiceField(
        label=_("Department"), coerce=int, required=False, empty_value=None
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("due", _("Due date, soonest first")),
            ("-due", _("Due date, latest first")),
            ("name", _("Name")),
            ("cycle", _("Cycle, newest first")),
        ],
    )

    def __init__(self, *args, steps, **kw):
        super().__init__(*args, **kw)
        # Each option once, both lists from one query: the steps' own ordering would
        # otherwise take part in the DISTINCT and repeat an option per step (dict keeps
        # the first).
        pairs = (
            steps.order_by()
            .values_list(
                "appraisal__cycle_id",
                "appraisal__cycle__period",
                "appraisal__department_id",
                "appraisal__department__name",
                "appraisal__department__name_en",
            )
            .distinct()
        )
        cycles_by, depts_by = {}, {}
        for cycle_id, period, dept_id, zh, en in pairs:
            cycles_by.setdefault(cycle_id, period)
            depts_by.setdefault(dept_id, (zh, en))
        cycles = list(cycles_by.items())
        depts = [(pk, name({"name_zh": zh, "name_en": en})) for pk, (zh, en) in depts_by.items()]
        every = [("", _("All"))]
        self.fields["cycle"].choices = every + sorted(cycles, key=lambda c: c[1], reverse=True)
        self.fields["department"].choices = every + sorted(depts, key=lambda d: d[1])


def may_delegate(user) -> bool:
    """Whether the reader holds, or can come to hold, someone else's review steps: a
    reviewing company role, a department they head, people reporting to them, a review
    step in their hands now, or a delegation they made before. Plain staff hold only
    their own self-review, which is never delegated: "Away? Delegate my steps" would
    offer them nothing."""
    # the roles the page has read already (one read per request)
    if any(roles & set(REVIEWING_ROLES) for roles in company_roles(user).values()):
        return True
    active = Employee.Status.ACTIVE
    # the four asked in one query
    return (
        get_user_model()
        .objects.filter(pk=user.pk)
        .filter(
            Exists(Department.objects.filter(head__user=user))
            | Exists(Employee.objects.filter(supervisor__user=user, status=active))
            | Exists(AppraisalStep.objects.filter(assignee=user).exclude(code="self"))
            | Exists(Delegation.objects.filter(from_user=user))
        )
        .exists()
    )


@login_required
@require_GET
def inbox(request):
    steps = inbox_steps(request.user)
    filters = InboxFilter(request.GET, steps=steps)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    # One definition (workflows.common.tasks): the list, its count and pages hold the
    # steps the reader can act on now; a final approval waiting on HR's calibration
    # is listed apart, with what it really waits for in words and a link. Worked out
    # once for the page and the header; its count and overdue ones in one query.
    everything, held = actionable(request.user)
    now = clock.now()
    counted = everything.order_by().aggregate(
        all=Count("pk"), overdue=Count("pk", filter=Q(due_at__lt=now))
    )
    filtered = _filtered(steps, chosen)
    if filtered is not steps:
        steps, held = split_waiting(filtered)
    else:
        steps = everything
    ordered = steps.select_related(
        "appraisal__employee", "appraisal__cycle", "appraisal__department", "assignee__employee"
    ).order_by(*SORTS.get(chosen.get("sort") or "due", SORTS["due"]))
    page = page_of(request, ordered, count=counted["all"] if steps is everything else None)
    rows = [(s, name(template_for(s.appraisal))) for s in page]
    away = delegations_running(request.user)
    for s, _role in rows:  # overdue by the clock, not only once the sweep has stamped it
        s.is_overdue = s.due_at < now
        # a deputy's row says for whom; the delegator's says who has it, and until when
        if s.assignee_id and s.assignee_id != request.user.pk:
            s.for_name = getattr(getattr(s.assignee, "employee", None), "name", "")
        elif away and s.code != "self":
            s.delegated_to = away
        s.days_late = (now - s.due_at).days if s.is_overdue else 0
    waiting, words = [], {}
    for s in (
        AppraisalStep.objects.filter(pk__in=list(held))
        .select_related(
            "appraisal__employee__position", "appraisal__cycle", "appraisal__department"
        )
        .order_by("due_at", "pk")
    ):
        exc = held[s.pk]
        if exc.field == "calibration":
            key = (s.appraisal.cycle_id, s.appraisal.department_id)
            if key not in words:
                words[key] = wait_words(
                    calibration_wait(s.appraisal.cycle, key[1]),
                    links=sees_everyone(request.user, s.appraisal.company_id),
                )
            s.waiting_why = words[key]
        else:
            s.waiting_why = error_text(exc)
        waiting.append((s, position_words(s.appraisal)))
    appeal_steps = list(appeal_inbox(request.user))
    held_by = step_holders(appeal_steps)  # the people by name, as on the appeal page
    for s in appeal_steps:
        s.is_overdue = s.due_at < now
        s.holder_words = held_by[s.pk]
    rated, scored = feedback_rows(request.user), committee_rows(request.user)
    if len(appeal_steps) < 100 and len(rated) < 200 and len(scored) < 200:
        # the header's count is what the page lists, every list whole (task_counts)
        tasks = counted["all"] + len(appeal_steps) + len(rated) + len(scored)
        request.user._jx_task_counts = (tasks, len(actionable(request.user)[1]))
    return render(
        request,
        "people/inbox.html",
        {
            "rows": rows,
            "waiting": waiting,
            "page": page,
            "kept": kept_query(request),
            "filters": filters,
            "appeal_steps": appeal_steps,
            "after_rows": inbox_rows(request.user),
            "feedback_rows": rated,
            "committee_rows": scored,
            "away": away,
            # a review step in the list says it without asking the database
            "may_delegate": any(s.code != "self" for s, _role in rows)
            or may_delegate(request.user),
            "overdue_count": counted["overdue"],
        },
    )


def _filtered(steps, chosen: dict):
    """The steps narrowed by the filters chosen (`steps` itself when none is)."""
    if chosen.get("q"):
        text = chosen["q"].strip()
        steps = steps.filter(
            Q(appraisal__employee__name__icontains=text)
            | Q(appraisal__employee__number__icontains=text)
        )
    if chosen.get("cycle"):
        steps = steps.filter(appraisal__cycle_id=chosen["cycle"])
    if chosen.get("department"):
        steps = steps.filter(appraisal__department_id=chosen["department"])
    return steps
