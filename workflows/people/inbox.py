"""The task inbox: the open steps a person holds, with search, filters by cycle and
department, sorting and pages; open appeal steps beside them."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import Q
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
from workflows.common.tasks import split_waiting

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
        # Each option once: the steps' own ordering would otherwise take part in the
        # DISTINCT and repeat a cycle or department per step (dict keeps the first).
        cycles = list(
            dict(
                steps.order_by()
                .values_list("appraisal__cycle_id", "appraisal__cycle__period")
                .distinct()
            ).items()
        )
        depts = [
            (pk, name({"name_zh": zh, "name_en": en}))
            for pk, (zh, en) in {
                pk: (zh, en)
                for pk, zh, en in steps.order_by()
                .values_list(
                    "appraisal__department_id",
                    "appraisal__department__name",
                    "appraisal__department__name_en",
                )
                .distinct()
            }.items()
        ]
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
    return (
        Department.objects.filter(head__user=user).exists()
        or Employee.objects.filter(supervisor__user=user, status=active).exists()
        or AppraisalStep.objects.filter(assignee=user).exclude(code="self").exists()
        or Delegation.objects.filter(from_user=user).exists()
    )


@login_required
@require_GET
def inbox(request):
    steps = inbox_steps(request.user)
    filters = InboxFilter(request.GET, steps=steps)
    chosen = filters.cleaned_data if filters.is_valid() else {}
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
    # One definition (workflows.common.tasks): the list, its count and pages hold the
    # steps the reader can act on now; a final approval waiting on HR's calibration
    # is listed apart, with what it really waits for in words and a link.
    steps, held = split_waiting(steps)
    ordered = steps.select_related(
        "appraisal__employee", "appraisal__cycle", "appraisal__department", "assignee__employee"
    ).order_by(*SORTS.get(chosen.get("sort") or "due", SORTS["due"]))
    page = page_of(request, ordered)
    now = clock.now()
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
            "feedback_rows": feedback_rows(request.user),
            "committee_rows": committee_rows(request.user),
            "away": away,
            # a review step in the list says it without asking the database
            "may_delegate": any(s.code != "self" for s, _role in rows)
            or may_delegate(request.user),
            "overdue_count": split_waiting(inbox_steps(request.user))[0]
            .filter(due_at__lt=now)
            .count(),
        },
    )
