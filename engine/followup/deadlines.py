"""What the deadline sweep does with the steps after a result: their holders get the
same reminders as for an appraisal step; at the due moment an open step is marked
overdue once, its holder is told and it is escalated to HR (who files the interviews,
seed 004). Queries over the claimed steps (engine/deadlines/sweep.py). After the
steps, an interview missed with a penalty named by its pack records that event on the
holder's own appraisal of the cycle, once."""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction

from engine import clock
from engine.appraisals.entries import entries_count_up
from engine.appraisals.models import Appraisal
from engine.appraisals.services import lock_appraisal, republish
from engine.appraisals.step_messages import appraisal_step_kind
from engine.deadlines.sweep import StepKind
from engine.lists import joined

from .models import FollowUp

FOLLOWUP_STEPS = appraisal_step_kind(
    model=FollowUp,
    prefix="followup",
    what="' ' || c.code",
    key="c.appraisal_id || ':' || c.seq",
    hr_on_overdue=True,
    fields=[("step", "code", "text"), ("version", "CAST(version AS text)", "text")],
    columns=("appraisal_id", "version"),
)


def followup_steps(sender, **kwargs) -> StepKind:
    """`step_kinds` receiver: the steps after a result have deadlines."""
    return FOLLOWUP_STEPS


def _target(step: FollowUp) -> Appraisal | None:
    """The holder's own appraisal of the same cycle, the one the penalty lands on."""
    if step.assignee_id is None:
        return None
    return (
        Appraisal.objects.filter(
            cycle_id=step.appraisal.cycle_id, employee__user_id=step.assignee_id
        )
        .exclude(state__in=[Appraisal.State.WITHDRAWN, Appraisal.State.EXEMPT])
        .first()
    )


def penalise_missed(sender, *, now, **kwargs) -> dict[str, int]:
    """`after_sweep` receiver: each interview the sweep marked overdue whose pack names
    a penalty records that event once on its holder's own appraisal of the cycle (seed
    002: 2 points per missed interview). The interviews missed by one holder in one
    sweep are charged together: one count, and a published result published again once."""
    due = (
        FollowUp.objects.filter(
            kind=FollowUp.Kind.INTERVIEW, penalised_at__isnull=True, overdue_at__isnull=False
        )
        .exclude(missed_event="")
        .select_related("appraisal", "appraisal__employee")
        .order_by("pk")
    )
    by_target: dict[tuple[int | None, str], list[FollowUp]] = defaultdict(list)
    for step in due:
        target = _target(step)
        by_target[(target.pk if target else None, step.missed_event)].append(step)
    charged = 0
    for (target_id, event), steps in sorted(by_target.items(), key=lambda kv: kv[0][0] or 0):
        with transaction.atomic():
            locked = lock_appraisal(target_id) if target_id is not None else None
            ids = [s.pk for s in steps]
            fresh = list(
                FollowUp.objects.select_for_update(no_key=True, of=("self",))
                .filter(pk__in=ids, penalised_at__isnull=True)
                .order_by("pk")
            )
            FollowUp.objects.filter(pk__in=[f.pk for f in fresh]).update(penalised_at=clock.now())
            missed = [s for s in steps if s.pk in {f.pk for f in fresh}]
            if locked is None or not missed:
                continue  # no appraisal of the holder this cycle: nothing to charge
            _charge(locked, event, missed)
            charged += len(missed)
    return {"followup_penalties": charged}


def _charge(target: Appraisal, event: str, missed: list[FollowUp]) -> None:
    names = joined(f"{s.appraisal.employee.name} (#{s.appraisal_id})" for s in missed)
    reason = f"interview missed: {names}"
    entries_count_up(
        actor=None,
        appraisal=target,
        event=event,
        by="system",
        n=len(missed),
        action=f"event:{event}",
        reason=reason,
        after={
            "appraisals": [s.appraisal_id for s in missed],
            "due_dates": [s.due_date.isoformat() for s in missed],
        },
    )
    if target.state in (Appraisal.State.PUBLISHED, Appraisal.State.FINAL):
        republish(
            target,
            None,
            reason,
            cause={"kind": "event", "event": event, "note": reason},
            role="system",
        )
