"""Reads of the committee review: a person's open committee tasks (their inbox), the
committee of an appraisal with its tasks, the self-report."""

from __future__ import annotations

from django.db.models import QuerySet

from engine.deadlines.holding import holds

from .models import Committee, CommitteeTask, SelfReport


def committee_inbox(user) -> QuerySet[CommitteeTask]:
    """The open committee tasks `user` holds, soonest due first."""
    return (
        CommitteeTask.objects.filter(assignee=user, state=CommitteeTask.State.OPEN)
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
