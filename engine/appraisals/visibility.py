"""Who may see and act on an appraisal, derived from relations: own appraisal,
direct reports, the department tree, company roles. Everything is company-isolated.

Guardian's object-permission rows are kept for exceptions granted by hand; deriving
the rest from relations avoids one permission row per appraisal and per person.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from engine.deadlines.holding import holds
from engine.org.models import Department, Employee
from engine.org.selectors import company_roles, delegators_of

from .four_eyes import deputy_step_refusal, deputy_steps
from .models import Appraisal, AppraisalStep, StepSubmission

ALL_SEEING = {"hr", "gm", "auditor"}


def headed_department_ids(employee: Employee) -> set[int]:
    """Departments the employee heads, with every department below them."""
    roots = set(Department.objects.filter(head=employee).values_list("pk", flat=True))
    if not roots:
        return set()
    pairs = list(
        Department.objects.filter(company_id=employee.company_id).values_list("pk", "parent_id")
    )
    found, frontier = set(roots), set(roots)
    while frontier:
        frontier = {pk for pk, parent in pairs if parent in frontier} - found
        found |= frontier
    return found


def acted_steps(user) -> QuerySet:
    """Ids of the steps `user` handed in or returned themselves (for themselves or, as a
    deputy, for the holder); an HR push is not acting on the step's content."""
    return StepSubmission.objects.filter(
        by=user, kind__in=[StepSubmission.Kind.SUBMIT, StepSubmission.Kind.RETURN]
    ).values("step_id")


_UNREAD = object()


def visible_appraisals(user, emp=_UNREAD) -> QuerySet[Appraisal]:
    """Every appraisal the user may open, in one queryset (`emp`: the user's employee
    record, or None, when the caller read it already)."""
    if not user.is_authenticated:
        return Appraisal.objects.none()
    q = Q(pk__in=[])
    for company_id, roles in company_roles(user).items():
        if roles & ALL_SEEING:
            q |= Q(company_id=company_id)
        if "board" in roles:
            q |= Q(company_id=company_id, steps__holder_role="board")
    # Exceptions granted by hand (guardian rows with a direct foreign key).
    q |= Q(
        appraisaluserobjectpermission__user=user,
        appraisaluserobjectpermission__permission__codename="view_appraisal",
    )
    if emp is _UNREAD:
        emp = Employee.objects.filter(user=user).first()
    if emp is not None:
        q |= Q(employee=emp) | Q(employee__supervisor=emp, company_id=emp.company_id)
        depts = headed_department_ids(emp)
        if depts:
            q |= Q(department_id__in=depts, company_id=emp.company_id)
        q |= Q(steps__assignee=user)
    # Whoever handed a step in or returned it keeps reading the appraisal, as its holder
    # does: a deputy who acted is a reviewer of record (four_eyes.reviewers_of), and the
    # page must show them what they did for whom once the step has moved on.
    q |= Q(steps__pk__in=acted_steps(user))
    if delegators_of(user):  # a deputy reads what is delegated to them, while it is open
        q |= Q(steps__pk__in=deputy_steps(user))
    return Appraisal.objects.filter(q).distinct()


def can_view(user, appraisal: Appraisal) -> bool:
    """The common cases first — one's own appraisal, a direct report's when the
    supervisor was read with it (`services.reading`), HR/GM/auditor of the company, a
    direct report's — then the full relation query."""
    if not user.is_authenticated:
        return False
    if appraisal.employee.user_id == user.pk:
        return True
    employee = appraisal.employee
    # A direct report's, when the supervisor came with the appraisal: the answer of the
    # reader's employee record below (one per account), without reading it.
    if Employee.supervisor.is_cached(employee) and employee.supervisor is not None:
        sup = employee.supervisor
        if sup.user_id == user.pk and sup.company_id == appraisal.company_id:
            return True
    if company_roles(user).get(appraisal.company_id, set()) & ALL_SEEING:
        return True
    emp = Employee.objects.filter(user=user).first()
    if (
        emp is not None
        and appraisal.employee.supervisor_id == emp.pk
        and appraisal.company_id == emp.company_id
    ):
        return True  # visible_appraisals' `employee__supervisor=emp` in the same company
    return visible_appraisals(user, emp).filter(pk=appraisal.pk).exists()


def can_act(user, step: AppraisalStep, appraisal: Appraisal, roles: set[str] | None = None) -> bool:
    if not user.is_authenticated or step.company_id != appraisal.company_id:
        return False
    own = appraisal.employee.user_id == user.pk
    if own and step.code != "self":
        return False
    if step.assignee_id and step.assignee_id != user.pk:
        # a deputy: only what the rules let them do for the holder (engine.org.holders)
        step.appraisal = appraisal
        if deputy_step_refusal(user, step) is not None:
            return False
    return holds(user, step, roles)
