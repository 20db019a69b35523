"""HR's bulk actions on a cycle's board: remind the holders of chosen open steps, and
push chosen overdue steps on. Each appraisal is handled on its own, so one refusal
(a step handed in a moment ago) does not undo the others; the answer says which."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from django.db import transaction
from django.utils import timezone

from engine import clock
from engine.audit.services import Entry, record_many
from engine.busy import retrying
from engine.errors import DomainError, InvalidInput
from engine.notifications.services import notify_many
from engine.org.holders import holder_refusal
from engine.org.models import Employee
from engine.org.selectors import require_hr

from ..four_eyes import reviewers_of
from ..models import Appraisal, AppraisalStep, Cycle
from ..reminders import last_reminded, remind_window
from .locks import lock_appraisals, lock_steps
from .notices import step_messages
from .routing import step_push


def _open_steps(cycle: Cycle, appraisal_ids: list[int]) -> list[AppraisalStep]:
    if not appraisal_ids:
        raise InvalidInput("choose at least one appraisal", field="appraisals", rule="required")
    return list(
        AppraisalStep.objects.filter(
            appraisal__cycle=cycle, appraisal_id__in=appraisal_ids, state=AppraisalStep.State.OPEN
        ).select_related("appraisal__employee")
    )


@dataclass
class Reminded:
    """What a reminder did: the steps reminded, and those left alone because HR
    reminded their holder inside the window (with when)."""

    sent: list[AppraisalStep] = field(default_factory=list)
    skipped: list[tuple[AppraisalStep, Any]] = field(default_factory=list)


def remind_plan(*, cycle: Cycle, appraisal_ids: list[int]) -> Reminded:
    """Which open steps a reminder now would reach, and which it would skip (reminded
    less than `remind_window()` ago) — the confirmation shows this before acting."""
    steps = _open_steps(cycle, appraisal_ids)
    last = last_reminded(steps)
    since = clock.now() - remind_window()
    out = Reminded()
    for s in steps:
        if s.pk in last and last[s.pk] > since:
            out.skipped.append((s, last[s.pk]))
        else:
            out.sent.append(s)
    return out


def steps_remind(*, actor, cycle: Cycle, appraisal_ids: list[int]) -> Reminded:
    """Tell the holders of the chosen appraisals' open steps that HR is waiting; a step
    whose holder HR reminded inside the window is skipped (and returned with when)."""
    require_hr(actor, cycle.company_id)
    now = clock.now()
    with transaction.atomic():
        lock_appraisals(appraisal_ids)  # two presses at once: the second sees the first
        plan = remind_plan(cycle=cycle, appraisal_ids=appraisal_ids)
        steps = plan.sent
        messages = step_messages(steps, "hr_reminder", "HR reminder", cycle.company_id)
        # keyed to the minute: the window, not the key, decides how often
        stamp = timezone.localtime(now).strftime("%Y-%m-%dT%H:%M:%S")
        notify_many(replace(m, key=f"{m.key}:{stamp}") for m in messages)
        record_many(
            company=cycle.company_id,
            actor=actor,
            role="hr",
            entries=[
                Entry("appraisals.appraisal", s.appraisal_id, "remind", after={"step": s.code})
                for s in steps
            ],
        )
    return plan


def steps_push_overdue(
    *, actor, cycle: Cycle, appraisal_ids: list[int], reason: str
) -> tuple[int, list[tuple[int, DomainError]]]:
    """Push each chosen appraisal's overdue open step on. Returns how many moved and
    the refusals (appraisal id, error) for the rest."""
    require_hr(actor, cycle.company_id)
    if not isinstance(reason, str) or not reason.strip():
        raise InvalidInput("pushing a step on needs a reason", field="reason", rule="required")
    moved, refused = 0, []
    for s in _open_steps(cycle, appraisal_ids):
        try:
            step_push(actor=actor, appraisal_id=s.appraisal_id, step_id=s.pk, reason=reason)
            moved += 1
        except DomainError as exc:
            refused.append((s.appraisal_id, exc))
    return moved, refused


@dataclass
class HandOver:
    """What a hand-over does: the steps that move, and those refused with why (the
    confirmation page shows both before anything changes; the service does the same)."""

    moving: list[AppraisalStep] = field(default_factory=list)
    refused: list[tuple[AppraisalStep, DomainError]] = field(default_factory=list)


def hand_over_plan(*, cycle: Cycle, appraisal_ids: list[int], user) -> HandOver:
    """Which of the chosen appraisals' open steps `user` may take over, and why the
    others may not (separation of duties, `engine.org.holders`). Self-reviews stay with
    their employee and are refused too, so the count shown is what will happen."""
    out = HandOver()
    for s in _open_steps(cycle, appraisal_ids):
        if s.code == "self":
            out.refused.append(
                (
                    s,
                    InvalidInput(
                        "a self-review stays with its employee", field="to", rule="self_review"
                    ),
                )
            )
            continue
        if s.assignee_id == user.pk:
            out.refused.append(
                (s, InvalidInput("they hold this step already", field="to", rule="holds_already"))
            )
            continue
        why = holder_refusal(
            holder_id=user.pk,
            subject_id=s.appraisal.employee.user_id,
            field="to",
            reviewers=reviewers_of(s.appraisal_id, besides=s.pk),
        )
        if why is not None:
            out.refused.append((s, why))
        else:
            out.moving.append(s)
    return out


@retrying
def steps_hand_to(*, actor, cycle: Cycle, appraisal_ids: list[int], user) -> HandOver:
    """HR gives the chosen appraisals' open steps to another person of the company (a
    holder who is away, a step that should be someone else's); audited, the new holder
    told. A step `user` may not hold (their own appraisal, a peer's, their manager's;
    a self-review) is refused and named, never moved; when nothing may move the whole
    hand-over is refused with the first reason."""
    require_hr(actor, cycle.company_id)
    if not Employee.objects.filter(
        user=user, company_id=cycle.company_id, status=Employee.Status.ACTIVE
    ).exists():
        raise InvalidInput("choose an active employee of this company", field="to", rule="company")
    with transaction.atomic():
        # The one lock order: the appraisals, then their steps, read again under the
        # locks (a step handed in meanwhile is not handed over), the trail last.
        lock_appraisals(
            Appraisal.objects.filter(cycle=cycle, pk__in=appraisal_ids).values_list("pk", flat=True)
        )
        lock_steps(s.pk for s in _open_steps(cycle, appraisal_ids))
        plan = hand_over_plan(cycle=cycle, appraisal_ids=appraisal_ids, user=user)
        if not plan.moving and plan.refused:
            raise plan.refused[0][1]
        steps = plan.moving
        entries = []
        for s in steps:
            entries.append(
                Entry(
                    "appraisals.appraisal",
                    s.appraisal_id,
                    f"reassign:{s.code}",
                    before={"assignee": s.assignee_id, "role": s.holder_role},
                    after={"assignee": user.pk, "role": ""},
                    reason="handed over by HR",
                )
            )
            s.assignee_id, s.holder_role = user.pk, ""
        AppraisalStep.objects.bulk_update(steps, ["assignee", "holder_role"])
        record_many(company=cycle.company_id, actor=actor, role="hr", entries=entries)
        notify_many(step_messages(steps, "step_open", "请处理/Please act", cycle.company_id))
    return plan
