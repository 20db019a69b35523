"""Reads of the appraisal engine: the task inbox and what a person may see."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from engine.org.models import CompanyRole, Department, Employee
from engine.org.selectors import company_roles, delegators_of

from . import holders
from .models import AppraisalStep, StepDraft


def inbox_steps(user) -> QuerySet[AppraisalStep]:
    """Open steps the user holds, as a queryset the inbox page filters, sorts and pages."""
    if not user.is_authenticated:
        return AppraisalStep.objects.none()
    q = Q(assignee=user)
    deputy_for = delegators_of(user)
    if deputy_for:
        q |= Q(assignee_id__in=deputy_for)
    for company_id, roles in company_roles(user).items():
        held = roles & {"hr", "gm", "board"}
        if held:
            q |= Q(assignee__isnull=True, company_id=company_id, holder_role__in=held)
    own_review = Q(appraisal__employee__user=user) & ~Q(code="self")
    return AppraisalStep.objects.filter(q, state=AppraisalStep.State.OPEN).exclude(own_review)


def inbox(user, *, limit: int = 100) -> list[AppraisalStep]:
    """Open steps the user holds, soonest due first — in a fixed number of queries
    whatever the size of the company."""
    return list(
        inbox_steps(user)
        .select_related("appraisal__employee", "appraisal__cycle", "appraisal__department")
        .order_by("due_at", "id")[:limit]
    )


def resolve_holder(code: str, employee_id: int) -> holders.Holder:
    """Who holds a `code` step for one employee now, by the same rules as at opening
    (an appeal's mediation goes to the department head): the org loaded just for them."""
    emp = Employee.objects.get(pk=employee_id)
    depts = list(
        Department.objects.filter(company_id=emp.company_id).values_list(
            "pk", "parent_id", "head_id"
        )
    )
    heads = [h for _, _, h in depts if h]
    people = {
        e.pk: holders.Person(
            e.pk, e.user_id, e.supervisor_id, e.department_id, e.status == "active"
        )
        for e in Employee.objects.filter(pk__in=[emp.pk, emp.supervisor_id, *heads])
    }
    roles: dict[str, set[int]] = {}
    for role, user_id in CompanyRole.objects.filter(company_id=emp.company_id).values_list(
        "role", "user_id"
    ):
        roles.setdefault(role, set()).add(user_id)
    org = holders.OrgMaps(people, {d: p for d, p, _ in depts}, {d: h for d, _, h in depts}, roles)
    return holders.resolve(code, people[emp.pk], org)


def draft_for(step: AppraisalStep, user) -> StepDraft | None:
    """The user's own saved draft of an open step, if any (only its holder saves one)."""
    if step.state != AppraisalStep.State.OPEN or not user.is_authenticated:
        return None
    return StepDraft.objects.filter(step=step, author=user).first()
