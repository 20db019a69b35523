"""Reads of the appraisal engine: the task inbox and what a person may see."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from engine import clock
from engine.org.models import CompanyRole, Delegation, Department, Employee
from engine.org.selectors import company_roles, delegators_of

from . import holders
from .four_eyes import deputy_steps
from .models import Appraisal, AppraisalStep, Cycle, LatePenalty, StepDraft, StepSubmission

INBOX_ROLES = {"hr", "gm", "board"}  # the company roles that hold steps


def inbox_steps(user) -> QuerySet[AppraisalStep]:
    """Open steps the user holds, as a queryset the inbox page filters, sorts and pages."""
    if not user.is_authenticated:
        return AppraisalStep.objects.none()
    q = Q(assignee=user)
    if delegators_of(user):  # only what the rules let a deputy do (engine.org.holders)
        q |= Q(pk__in=deputy_steps(user))
    for company_id, roles in company_roles(user).items():
        held = roles & INBOX_ROLES
        if held:
            q |= Q(assignee__isnull=True, company_id=company_id, holder_role__in=held)
    own_review = Q(appraisal__employee__user=user) & ~Q(code="self")
    return AppraisalStep.objects.filter(q, state=AppraisalStep.State.OPEN).exclude(own_review)


def next_in_inbox(user, *, besides: int) -> AppraisalStep | None:
    """The inbox's first step (soonest due) on another appraisal than `besides`, with
    its employee, told after an act: `inbox_steps`' answer in one query. The reader's
    roles and delegations are asked inside it instead of read first; a step delegated
    to them is then checked by the deputy's rules, read only when one comes first."""
    if not user.is_authenticated:
        return None
    day = timezone.localdate(clock.now())
    delegated = Delegation.objects.filter(
        to_user=user, starts_on__lte=day, ends_on__gte=day, revoked_at__isnull=True
    ).values("from_user_id")
    role = CompanyRole.objects.filter(
        user=user, company_id=OuterRef("company_id"), role=OuterRef("holder_role")
    )
    q = (
        Q(assignee=user)
        | Q(assignee__in=delegated) & ~Q(code="self")
        | Q(assignee__isnull=True) & Exists(role.filter(role__in=INBOX_ROLES))
    )
    own_review = Q(appraisal__employee__user=user) & ~Q(code="self")
    candidates = (
        AppraisalStep.objects.filter(q, state=AppraisalStep.State.OPEN)
        .exclude(own_review)
        .exclude(appraisal_id=besides)
        .select_related("appraisal__employee")
        .order_by("due_at", "id")
    )
    deputy: list[int] | None = None
    start = 0
    while batch := list(candidates[start : start + 20]):
        for s in batch:
            if s.assignee_id in (None, user.pk):
                return s
            deputy = deputy_steps(user) if deputy is None else deputy
            if s.pk in deputy:
                return s
        start += len(batch)
    return None


def inbox(user, *, limit: int = 100) -> list[AppraisalStep]:
    """Open steps the user holds, soonest due first — in a fixed number of queries
    whatever the size of the company."""
    return list(
        inbox_steps(user)
        .select_related("appraisal__employee", "appraisal__cycle", "appraisal__department")
        .order_by("due_at", "id")[:limit]
    )


def resolve_holder(
    code: str, employee_id: int, gone: frozenset[int] = frozenset()
) -> holders.Holder:
    """Who holds a `code` step for one employee now, by the same rules as at opening
    (an appeal's mediation goes to the department head): the org loaded just for them.
    `gone`: employees to count as left already (a departure shown before it is made)."""
    emp = Employee.objects.get(pk=employee_id)
    depts = list(
        Department.objects.filter(company_id=emp.company_id).values_list(
            "pk", "parent_id", "head_id"
        )
    )
    heads = [h for _, _, h in depts if h]
    people = {
        e.pk: holders.Person(
            e.pk,
            e.user_id,
            e.supervisor_id,
            e.department_id,
            e.status == Employee.Status.ACTIVE and e.pk not in gone,
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


def drafts_for(step: AppraisalStep, user) -> tuple[StepDraft | None, StepDraft | None]:
    """(the user's own saved draft of an open step, the draft someone else saved on it)
    in one query — a step keeps one draft. The other's is the holder's draft, read by
    their deputy (who acts on the holder's behalf), or a deputy's read by the holder;
    the caller has checked that `user` acts on the step."""
    if step.state != AppraisalStep.State.OPEN or not user.is_authenticated:
        return None, None
    draft = StepDraft.objects.filter(step=step).select_related("author__employee").first()
    if draft is None:
        return None, None
    return (draft, None) if draft.author_id == user.pk else (None, draft)


@dataclass
class DeparturePlan:
    """What recording a leaver will do, shown to HR before they confirm."""

    own: list  # the leaver's appraisals in progress whose period had not ended: withdrawn
    steps: list  # (step, new holder: a user or a company role code)
    reports: list  # (employee, new supervisor or None: the department head reviews)
    # the leaver's appraisals in progress whose period ended by the last day, each with
    # its open self-review (closed as not handed in) or None: kept, going on without them
    kept: list = field(default_factory=list)


def leaver_keeps(appraisal: Appraisal, left_on) -> bool:
    """A leaver's appraisal goes on if its period ended on or before their last day (they
    worked the whole period); otherwise it is withdrawn."""
    return appraisal.cycle.end <= left_on


def departure_plan(employee: Employee, successor=None, left_on=None) -> DeparturePlan:
    """The chain's rules applied as if `employee` had left on `left_on`: their own
    appraisal in progress is withdrawn if its period had not ended by then, else kept
    (an open self-review closed as not handed in: a closed account cannot hand it in),
    each step they hold goes to `successor` or to the next holder, and their reports'
    supervisor becomes `successor` (or nobody: the department head then holds their
    reviews until HR names one)."""
    own, kept = [], []
    for a in (
        Appraisal.objects.filter(employee=employee, state=Appraisal.State.IN_PROGRESS)
        .select_related("cycle")
        .order_by("cycle__start")
    ):
        if left_on is not None and leaver_keeps(a, left_on):
            self_step = a.steps.filter(code="self", state=AppraisalStep.State.OPEN).first()
            kept.append((a, self_step))
        else:
            own.append(a)
    held = list(
        AppraisalStep.objects.filter(
            assignee_id=employee.user_id,
            state__in=[AppraisalStep.State.OPEN, AppraisalStep.State.PENDING],
        )
        .exclude(appraisal__employee=employee)
        .select_related("appraisal__employee", "appraisal__cycle")
        .order_by("appraisal__employee__name", "seq")
    )
    gone = frozenset({employee.pk})
    new_sup = Employee.objects.filter(user=successor).first() if successor is not None else None
    users = {}
    steps = []
    for s in held:
        if successor is not None and s.appraisal.employee.user_id != successor.pk:
            steps.append((s, new_sup, ""))
            continue
        h = resolve_holder(s.code, s.appraisal.employee_id, gone)
        if h.assignee_id and h.assignee_id not in users:
            users[h.assignee_id] = Employee.objects.filter(user_id=h.assignee_id).first()
        steps.append((s, users.get(h.assignee_id), h.role))
    reports = [
        (r, new_sup if new_sup is None or new_sup.pk != r.pk else employee.supervisor)
        for r in Employee.objects.filter(
            supervisor=employee, status=Employee.Status.ACTIVE
        ).order_by("name")
    ]
    return DeparturePlan(own, steps, reports, kept)


@dataclass
class OwnMonth:
    """What an employee's home page says about their own appraisals: the current one
    with its open step, and the latest published result."""

    current: Appraisal | None
    open_step: AppraisalStep | None
    latest: Appraisal | None


def own_month(employee: Employee | None) -> OwnMonth:
    """The employee's appraisal in progress (the newest cycle first) and its open step,
    and the newest published result — three queries whatever the history."""
    if employee is None:
        return OwnMonth(None, None, None)
    mine = Appraisal.objects.filter(employee=employee).select_related("cycle")
    # The cycle that ends first (the month before the quarter and the year).
    current = mine.filter(state=Appraisal.State.IN_PROGRESS).order_by("cycle__end", "pk").first()
    step = None
    if current is not None:
        step = (
            AppraisalStep.objects.filter(appraisal=current, state=AppraisalStep.State.OPEN)
            .select_related("assignee__employee")
            .order_by("due_at", "seq")
            .first()
        )
    latest = (
        mine.filter(state__in=[Appraisal.State.PUBLISHED, Appraisal.State.FINAL])
        .order_by("-published_at", "-pk")
        .first()
    )
    return OwnMonth(current, step, latest)


def overdue(now) -> Q:
    """An open step past its due moment: one definition for the cycle board's count,
    the GM's and HR's home pages and the board's "overdue only" filter."""
    return Q(state=AppraisalStep.State.OPEN, due_at__lt=now)


def overdue_steps(now) -> QuerySet[AppraisalStep]:
    """The open steps past their due moment (filter by cycle or company)."""
    return AppraisalStep.objects.filter(overdue(now))


def hr_desk_counts(user, company_ids, now) -> list[dict]:
    """Per open cycle of the companies given, in one query: the steps waiting for the
    HR review `user` holds (`hr`, as their inbox counts them) and the steps overdue
    (`late`, as the cycle board counts them), for every open cycle with open steps."""
    if not company_ids:
        return []
    mine = inbox_steps(user).filter(code="hr").values("pk")
    rows = (
        AppraisalStep.objects.filter(
            company_id__in=company_ids,
            state=AppraisalStep.State.OPEN,
            appraisal__cycle__status=Cycle.Status.OPEN,
        )
        .values(
            "appraisal__cycle_id",
            "appraisal__cycle__period",
            "appraisal__cycle__kind",
            "company_id",
        )
        .annotate(hr=Count("pk", filter=Q(pk__in=mine)), late=Count("pk", filter=overdue(now)))
        .order_by("-appraisal__cycle__start", "appraisal__cycle_id")
    )
    return [
        {
            "cycle_id": r["appraisal__cycle_id"],
            "period": r["appraisal__cycle__period"],
            "kind": r["appraisal__cycle__kind"],
            "company_id": r["company_id"],
            "hr": r["hr"],
            "late": r["late"],
        }
        for r in rows
    ]


def steps_of(a: Appraisal) -> list[AppraisalStep]:
    """The appraisal's steps in order, with their holders' names, read once per
    appraisal object: a page asks for them for its steps table, the open step, whether
    a later step follows and who acted. Kept on `a` (pages read after their writes; a
    write hands back a new object)."""
    kept = getattr(a, "_jx_steps", None)
    if kept is None:
        kept = list(a.steps.select_related("assignee__employee").order_by("seq"))
        a._jx_steps = kept
    return kept


def submissions_of(a: Appraisal) -> list[StepSubmission]:
    """Every hand-in, return and push on the appraisal, oldest first, with their steps
    and people, read once per appraisal object: the page's own hand-ins, the steps
    table, the deputies' acts and the earlier remarks are each a filter of it."""
    kept = getattr(a, "_jx_submissions", None)
    if kept is None:
        kept = list(
            StepSubmission.objects.filter(step__appraisal=a)
            .select_related("step", "by__employee", "on_behalf_of__employee")
            .order_by("at", "pk")
        )
        a._jx_submissions = kept
    return kept


def penalties_of(a: Appraisal) -> dict[int, LatePenalty]:
    """Source step id → the late penalty it cost, read once per appraisal object."""
    kept = getattr(a, "_jx_penalties", None)
    if kept is None:
        kept = {p.source_step_id: p for p in LatePenalty.objects.filter(source_step__appraisal=a)}
        a._jx_penalties = kept
    return kept
