"""Reads after the result: an appraisal's steps after publication, a person's open
ones, and HR's board of held, missing and late interviews per cycle and department."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from engine import clock
from engine.org.selectors import company_roles

from .models import FollowUp, ImprovementPlan


def followups_of(appraisal_id: int) -> list[FollowUp]:
    """Every step after the result of one appraisal, oldest version first."""
    return list(
        FollowUp.objects.filter(appraisal_id=appraisal_id)
        .select_related("completed_by__employee", "assignee__employee")
        .order_by("seq")
    )


def followup_inbox(user) -> QuerySet[FollowUp]:
    """What waits for `user`: open steps they hold (theirs, or their company role's),
    and interviews recorded about them that they have not answered yet."""
    roles = company_roles(user)
    held = Q(assignee_id=user.pk)
    for company_id, names in roles.items():
        held |= Q(assignee__isnull=True, company_id=company_id, holder_role__in=names)
    to_answer = Q(
        kind=FollowUp.Kind.INTERVIEW,
        state=FollowUp.State.DONE,
        response=FollowUp.Response.NONE,
        appraisal__employee__user_id=user.pk,
    )
    return (
        FollowUp.objects.filter((held & Q(state=FollowUp.State.OPEN)) | to_answer)
        .select_related("appraisal__employee", "appraisal__cycle", "appraisal__department")
        .order_by("due_at", "pk")
    )


STATUSES = ("held", "late", "missing", "pending")
ACK_STATUSES = ("signed", "declined", "missing", "pending")


def interview_status(f: FollowUp, now) -> str:
    if f.state == FollowUp.State.DONE:
        return "late" if f.late else "held"
    return "missing" if f.due_at < now else "pending"


def acknowledgement_status(f: FollowUp, now) -> str:
    if f.state == FollowUp.State.DONE:
        return "declined" if f.decision == FollowUp.Decision.DECLINED else "signed"
    return "missing" if f.due_at < now else "pending"


@dataclass
class DepartmentCounts:
    department: object
    interviews: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))
    acknowledgements: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ACK_STATUSES, 0))

    @property
    def signed_answers(self) -> int:
        """Every signed answer: a decline is signed as much as an acknowledgement."""
        return self.acknowledgements["signed"] + self.acknowledgements["declined"]


@dataclass
class Board:
    departments: list[DepartmentCounts]
    rows: list[tuple[FollowUp, str]]  # each step of the cycle with its status
    totals: DepartmentCounts


def cycle_board(*, company_id: int, cycle_id: int, department_id: int | None = None) -> Board:
    """Every current step after the result of a cycle (the acknowledgement of each
    appraisal's newest version, and its interview) with its status, counted per
    department; a superseded acknowledgement is not counted."""
    now = clock.now()
    qs = (
        FollowUp.objects.filter(company_id=company_id, appraisal__cycle_id=cycle_id)
        .exclude(state=FollowUp.State.SUPERSEDED)
        .select_related("appraisal__employee", "appraisal__department", "assignee__employee")
        .order_by("appraisal__department_id", "appraisal__employee__name", "seq")
    )
    if department_id is not None:
        qs = qs.filter(appraisal__department_id=department_id)
    per: dict[int, DepartmentCounts] = {}
    totals = DepartmentCounts(None)
    newest: dict[int, FollowUp] = {}
    steps = list(qs)
    for f in steps:
        if f.kind == FollowUp.Kind.ACKNOWLEDGE:
            kept = newest.get(f.appraisal_id)
            if kept is None or kept.version < f.version:
                newest[f.appraisal_id] = f
    rows = []
    for f in steps:
        if f.kind == FollowUp.Kind.ACKNOWLEDGE and newest.get(f.appraisal_id) is not f:
            continue
        d = per.setdefault(f.appraisal.department_id, DepartmentCounts(f.appraisal.department))
        if f.kind == FollowUp.Kind.INTERVIEW:
            status = interview_status(f, now)
            d.interviews[status] += 1
            totals.interviews[status] += 1
        else:
            status = acknowledgement_status(f, now)
            d.acknowledgements[status] += 1
            totals.acknowledgements[status] += 1
        rows.append((f, status))
    return Board(list(per.values()), rows, totals)


def by_appraisal(rows: list[tuple[FollowUp, str]]) -> dict[int, dict[str, tuple]]:
    out: dict[int, dict[str, tuple]] = defaultdict(dict)
    for f, status in rows:
        out[f.appraisal_id][f.kind] = (f, status)
    return out


def plan_of(appraisal_id: int) -> ImprovementPlan | None:
    return (
        ImprovementPlan.objects.filter(appraisal_id=appraisal_id)
        .prefetch_related("goals__check_ins")
        .select_related("owner__employee")
        .first()
    )


def previous_plan(appraisal) -> ImprovementPlan | None:
    """The plan of the person's latest earlier appraisal, for the next cycle's review."""
    return (
        ImprovementPlan.objects.filter(
            appraisal__employee_id=appraisal.employee_id,
            appraisal__cycle__start__lt=appraisal.cycle.start,
        )
        .order_by("-appraisal__cycle__start")
        .prefetch_related("goals__check_ins")
        .select_related("appraisal__cycle")
        .first()
    )


def signatures_of(appraisal_id: int, number: int) -> list[FollowUp]:
    """The employee's signed answers (acknowledged or declined) to one published
    version: what the appraisal form lists under the reviewers' confirmations."""
    return list(
        FollowUp.objects.filter(
            appraisal_id=appraisal_id,
            kind=FollowUp.Kind.ACKNOWLEDGE,
            version=number,
            state=FollowUp.State.DONE,
        )
        .select_related("completed_by__employee")
        .order_by("seq")
    )
