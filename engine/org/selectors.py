"""Reads of the organisation."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Exists, OuterRef
from django.utils import timezone

from engine import clock
from engine.errors import Forbidden

from .calendar import WorkingCalendar
from .display import person_name
from .models import CalendarOverride, Company, CompanyRole, Delegation, Department, Employee
from .names import name_key
from .request_memo import remembered


def calendar_for(company: Company) -> WorkingCalendar:
    """The company's working days; read once per request (a publication asks for them
    for the appeal window and again for the steps after the result)."""

    def overrides() -> dict:
        return {
            o.date: o.kind == CalendarOverride.Kind.WORKDAY
            for o in CalendarOverride.objects.filter(company=company)
        }

    return WorkingCalendar(company.country, remembered(("calendar", company.pk), overrides))


def roles_of(user, company: Company | int) -> set[str]:
    cid = company if isinstance(company, int) else company.pk
    return set(CompanyRole.objects.filter(user=user, company_id=cid).values_list("role", flat=True))


def employee_of(user) -> Employee | None:
    return (
        Employee.objects.select_related("company", "department", "position")
        .filter(user=user)
        .first()
    )


def signed_in_employee(user) -> Employee | None:
    """The reader's own employee row, with `has_team` (they supervise someone or head a
    department), read in one query once per request and kept on the user as
    `user.employee`: the header's menu, a page's `user.employee` and the request's log
    line (engine/logs.py) then ask the database nothing more."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    kept = getattr(user, "_jx_employee", _UNREAD)
    if kept is not _UNREAD:
        return kept
    team = Exists(Employee.objects.filter(supervisor=OuterRef("pk"))) | Exists(
        Department.objects.filter(head=OuterRef("pk"))
    )
    emp = Employee.objects.filter(user=user).annotate(has_team=team).order_by().first()
    user._jx_employee = emp
    Employee.user.field.remote_field.set_cached_value(user, emp)
    return emp


_UNREAD = object()


def companies_of(user) -> list[int]:
    """Every company the user belongs to: as an employee and through company roles."""
    ids = set(CompanyRole.objects.filter(user=user).values_list("company_id", flat=True))
    emp = Employee.objects.filter(user=user).values_list("company_id", flat=True).first()
    if emp:
        ids.add(emp)
    return sorted(ids)


def company_roles(user) -> dict[int, set[str]]:
    """Company id → the roles the user holds there (HR, GM, board, auditor)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return {}

    def read() -> dict[int, set[str]]:
        out: dict[int, set[str]] = {}
        for company_id, role in CompanyRole.objects.filter(user=user).values_list(
            "company_id", "role"
        ):
            out.setdefault(company_id, set()).add(role)
        return out

    return remembered(("company_roles", user.pk), read)


def is_hr(user, company_id: int) -> bool:
    return CompanyRole.objects.filter(user=user, company_id=company_id, role="hr").exists()


def require_hr(actor, company_id: int) -> None:
    """HR-only writes; background work (no actor) and superusers pass."""
    if actor is None or getattr(actor, "is_superuser", False):
        return
    if not is_hr(actor, company_id):
        raise Forbidden("only HR of this company may do this", field="actor", rule="role:hr")


def role_user_ids(company_id: int, roles) -> dict[str, list[int]]:
    """Role → the users holding it in one company (one query for every role asked)."""
    out: dict[str, list[int]] = {}
    for role, user_id in CompanyRole.objects.filter(
        company_id=company_id, role__in=list(roles)
    ).values_list("role", "user_id"):
        out.setdefault(role, []).append(user_id)
    return out


# The company roles whose holders review every appraisal at a step of their own (the
# role-held steps of the chains): such a person holds those steps already.
REVIEWING_ROLES = ("hr", "gm", "board")


def reviewing_roles(user_id: int) -> set[str]:
    """The reviewing roles (`REVIEWING_ROLES`) `user_id` holds in the company they work
    for: they hold those steps of every appraisal there."""

    def read() -> set[str]:
        company_id = (
            Employee.objects.filter(user_id=user_id).values_list("company_id", flat=True).first()
        )
        if company_id is None:
            return set()
        return set(
            CompanyRole.objects.filter(
                company_id=company_id, user_id=user_id, role__in=REVIEWING_ROLES
            ).values_list("role", flat=True)
        )

    return remembered(("reviewing_roles", user_id), read)


def hr_user(company, username: str | None = None):
    """The HR user a command acts as: the one named, or the first HR of the company by
    username; None when there is none."""
    qs = CompanyRole.objects.filter(company=company, role="hr").select_related("user")
    if username:
        qs = qs.filter(user__username=username)
    role = qs.order_by("user__username").first()
    return role.user if role else None


@dataclass(frozen=True)
class CompanyLine:
    """Who is above whom in one company, read in two queries: each employee's user,
    supervisor and department (by employee id), and each department's parent and head."""

    people: dict[int, tuple[int, int | None, int | None]]  # pk → (user, supervisor, dept)
    depts: dict[int, tuple[int | None, int | None]]  # pk → (parent, head)
    by_user: dict[int, int]  # user → employee pk

    def above(self, user_id: int) -> set[int]:
        """User ids above `user_id` in the line: the supervisor chain upwards and the
        heads of their department and the departments above it."""
        pk = self.by_user.get(user_id)
        if pk is None:
            return set()
        people, out = self.people, set()
        _user, node, dept = people[pk]
        seen = {pk}
        while node is not None and node not in seen:
            seen.add(node)
            out.add(people[node][0])
            node = people[node][1] if node in people else None
        walked: set[int] = set()
        while dept is not None and dept not in walked:
            walked.add(dept)
            parent, head = self.depts.get(dept, (None, None))
            if head is not None and head in people:
                out.add(people[head][0])
            dept = parent
        out.discard(user_id)
        return out


def company_line(company_id: int) -> CompanyLine:
    """The line of the whole company: a form that asks the separation-of-duties rules
    for every colleague reads it once, not three queries per colleague."""
    people = {
        pk: (user, sup, dept)
        for pk, user, sup, dept in Employee.objects.filter(company_id=company_id).values_list(
            "pk", "user_id", "supervisor_id", "department_id"
        )
    }
    depts = {
        pk: (parent, head)
        for pk, parent, head in Department.objects.filter(company_id=company_id).values_list(
            "pk", "parent_id", "head_id"
        )
    }
    return CompanyLine(people, depts, {user: pk for pk, (user, _, _) in people.items()})


def line_managers(user_id: int) -> set[int]:
    """User ids above this person in the line (`CompanyLine.above`). These are the
    people who hold (or may be escalated) the review steps of this person's appraisal
    and of their peers' — separation of duties keeps such a person from being their
    deputy."""

    def read() -> set[int]:
        company_id = (
            Employee.objects.filter(user_id=user_id).values_list("company_id", flat=True).first()
        )
        if company_id is None:
            return set()
        return company_line(company_id).above(user_id)

    return remembered(("line_managers", user_id), read)


def reviewing_role_holders(company_id: int) -> set[int]:
    """The users who hold a reviewing role (`REVIEWING_ROLES`) in the company."""
    return set(
        CompanyRole.objects.filter(company_id=company_id, role__in=REVIEWING_ROLES).values_list(
            "user_id", flat=True
        )
    )


def delegators_of(user, on=None) -> list[int]:
    """User ids whose steps `user` holds as their deputy today (or on the day given).
    Never someone above the deputy in the line: a report holding their manager's steps
    would score their peers (and see their own review), nor a holder of a reviewing
    company role (HR, GM, board: they hold later steps of the same appraisals), so such
    a delegation — refused when created — gives nothing even if one was recorded before
    the rule."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    day = on or timezone.localdate(clock.now())

    def read() -> list[int]:
        ids = list(
            Delegation.objects.filter(
                to_user=user, starts_on__lte=day, ends_on__gte=day, revoked_at__isnull=True
            ).values_list("from_user_id", flat=True)
        )
        if not ids or reviewing_roles(user.pk):
            return []
        above = line_managers(user.pk)
        return [i for i in ids if i not in above]

    return remembered(("delegators_of", user.pk, day), read)


def delegations_running(user, on=None) -> list[Delegation]:
    """The delegations of `user`'s steps running today (or on the day given), the
    deputy's employee read with them: the delegator's inbox says who has their steps."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    day = on or timezone.localdate(clock.now())
    return list(
        Delegation.objects.filter(
            from_user=user, starts_on__lte=day, ends_on__gte=day, revoked_at__isnull=True
        )
        .select_related("to_user__employee")
        .order_by("ends_on", "pk")
    )


@dataclass
class LineRoles:
    """The roles a person holds in the line, beyond the company roles: the departments
    they head, how many people report to them, and whose steps they hold as a deputy
    (the delegator's name and the last day), in one company."""

    heads: list[Department] = field(default_factory=list)
    reports: int = 0
    deputy_for: list[tuple[str, date]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.heads or self.reports or self.deputy_for)


def line_roles(user, employee: Employee | None = None, on=None) -> dict[int, LineRoles]:
    """Company id → the line roles `user` holds there today (or on the day given): the
    home page names every role a person holds, not only the company ones. A deputy
    counts only where the delegation gives them the steps (`delegators_of`). Pass the
    user's `employee` when it is read already."""
    out: dict[int, LineRoles] = {}
    if user is None or not getattr(user, "is_authenticated", False):
        return out
    emp = employee or Employee.objects.filter(user=user).only("pk", "company_id").first()
    if emp is not None:
        mine = out.setdefault(emp.company_id, LineRoles())
        mine.heads = list(Department.objects.filter(head=emp).order_by("code"))
        mine.reports = Employee.objects.filter(
            supervisor=emp, status=Employee.Status.ACTIVE
        ).count()
    day = on or timezone.localdate(clock.now())
    deputy_of = delegators_of(user, on=day)
    if deputy_of:
        running = (
            Delegation.objects.filter(
                to_user=user,
                from_user_id__in=deputy_of,
                starts_on__lte=day,
                ends_on__gte=day,
                revoked_at__isnull=True,
            )
            .select_related("from_user__employee")
            .order_by("ends_on", "pk")
        )
        for d in running:
            name = person_name(d.from_user)
            out.setdefault(d.company_id, LineRoles()).deputy_for.append((name, d.ends_on))
    return {cid: roles for cid, roles in out.items() if roles}


def tree_order(company_id: int) -> dict[int, int]:
    """Each department's place in the company's tree, read depth first: a parent before
    its children, siblings by name (pinyin in Chinese) — an order that never depends on
    what is going on in a department. One query; a department in a cycle of bad data
    comes after the tree."""
    depts = list(Department.objects.filter(company_id=company_id))
    ids = {d.pk for d in depts}
    children: dict[int | None, list[Department]] = {}
    for d in depts:
        parent = d.parent_id if d.parent_id in ids else None
        children.setdefault(parent, []).append(d)
    out: dict[int, int] = {}
    stack = sorted(children.get(None, []), key=lambda d: (name_key(str(d)), d.pk), reverse=True)
    while stack:
        d = stack.pop()
        if d.pk in out:
            continue
        out[d.pk] = len(out)
        kids = sorted(children.get(d.pk, []), key=lambda k: (name_key(str(k)), k.pk), reverse=True)
        stack.extend(kids)
    for d in sorted(depts, key=lambda d: d.pk):  # unreachable from a root (bad data)
        out.setdefault(d.pk, len(out))
    return out
