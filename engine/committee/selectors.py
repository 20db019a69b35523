"""Reads of the committee review: a person's open committee tasks (their inbox), the
committee of an appraisal with its tasks, the self-report."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from engine.appraisals.models import Appraisal
from engine.deadlines.holding import holds

from .models import Committee, CommitteeTask, SelfReport


def committee_inbox(user) -> QuerySet[CommitteeTask]:
    """The open committee tasks `user` holds, soonest due first; and, for the appraised
    person while their committee is open and their self-report not submitted, that
    committee's closing task standing for "write your self-report" (one query, one row
    per committee: the header counts it with the other tasks)."""
    owes_report = (
        Q(
            kind=CommitteeTask.Kind.CLOSE,
            appraisal__employee__user=user,
            appraisal__state=Appraisal.State.IN_PROGRESS,
            committee__state=Committee.State.OPEN,
        )
        & ~Q(appraisal__self_report__state=SelfReport.State.SUBMITTED)
        & ~Q(assignee=user)
    )
    return (
        CommitteeTask.objects.filter(Q(assignee=user) | owes_report, state=CommitteeTask.State.OPEN)
        .select_related("appraisal__employee", "appraisal__cycle")
        .order_by("due_at", "pk")
    )


def committee_of(appraisal_id: int) -> Committee | None:
    return (
        Committee.objects.filter(appraisal_id=appraisal_id)
        .select_related("chair__employee", "closed_by")
        .first()
    )


def tasks_of(committee: Committee) -> list[CommitteeTask]:
    return list(committee.tasks.select_related("assignee", "assignee__employee").order_by("seq"))


def report_of(appraisal_id: int) -> SelfReport | None:
    return SelfReport.objects.filter(appraisal_id=appraisal_id).first()


def task_held(user, tasks: list[CommitteeTask], kind) -> CommitteeTask | None:
    """The task of `kind` among `tasks` that `user` holds (theirs, or as a deputy)."""
    return next((t for t in tasks if t.kind == kind and holds(user, t)), None)
