"""Routing an appraisal along its chain: submit, return and push, each through the
step's state machine (which holds who may act and when), with late penalties on the
right appraisal, the next step opened and its holders told, and the audit event in the
same transaction. The last step publishes."""

from __future__ import annotations

import functools
from collections.abc import Mapping

from django.db import transaction
from django.db.models import Exists, OuterRef

from engine import clock
from engine.audit.services import record_for, record_refusal
from engine.busy import retrying
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.notifications.services import notifications_settle, notify_many
from engine.org.models import Employee

from ..completeness import composed, merged, refuse_missing, refuse_partial_sheets
from ..entries import entries_merge, entries_save, validate_entry
from ..flow import StepFlow, ensure, fire
from ..four_eyes import acting_for
from ..models import Appraisal, AppraisalStep, StepDraft, StepSubmission
from ..pinned_templates import template_for
from .drafts import checked_draft
from .gates import approval_refusal, final_approval_waits, refuse_empty_self_review
from .locks import lock_appraisal
from .notices import delegated, deputy_acted, step_messages
from .penalties import penalise
from .publication import (
    check_final_approval,
    lock_waiting_on,
    publish_or_wait,
    score_provisionally,
)
from .rescheduling import due_on_opening, due_on_return, later_follow, redated_on_resubmission


def _chain(appraisal: Appraisal, step_id: int) -> tuple[AppraisalStep, dict[int, AppraisalStep]]:
    """The step asked for and every step of the appraisal by its place in the chain, in
    one query (read under the appraisal's lock: a chain holds a handful of steps), each
    with whether a draft of it is saved (`_hand_on` deletes only one that is) and
    whether its holder delegated their steps today (their deputies are told it opened)."""
    drafts = StepDraft.objects.filter(step=OuterRef("pk"))
    steps = AppraisalStep.objects.filter(appraisal=appraisal).annotate(
        has_draft=Exists(drafts), delegated=delegated()
    )
    by_seq = {s.seq: s for s in steps}
    step = next((s for s in by_seq.values() if s.pk == step_id), None)
    if step is None:
        raise NotFound("no such step on this appraisal", field="step", rule="exists")
    return step, by_seq


def _hand_on(
    a: Appraisal,
    step: AppraisalStep,
    by_seq: dict[int, AppraisalStep],
    actor,
    kind: str,
    data: dict,
    comment: str,
    *,
    excused: bool = False,
) -> tuple[bool, list[dict]]:
    """Close the step (done or skipped), charge a late penalty (never when `excused`:
    a leaver's self-review), open the next step (`by_seq`: the appraisal's steps by
    place, `_chain`). Returns whether the chain is finished, and the due days a
    resubmission moved."""
    nxt = by_seq.get(step.seq + 1)
    now = clock.now()
    first_round = step.rounds == 0
    step.first_acted_at = step.first_acted_at or now
    step.completed_at, step.completed_by = now, actor if getattr(actor, "pk", None) else None
    # A step reopened by a return is never late again: only its first hand-in counts.
    # Once late, a step stays marked late: its penalty still applies after a return.
    # A step that returned the form (in time, else `step_return` marked it late) is
    # judged by the fresh due moment the resubmission gave it.
    step.late = step.late or (not excused and first_round and now > step.due_at)
    step.save(update_fields=["first_acted_at", "completed_at", "completed_by", "state", "late"])
    StepSubmission.objects.create(
        step=step,
        kind=kind,
        data=data,
        comment=comment,
        by=step.completed_by,
        on_behalf_of_id=None
        if kind in (StepSubmission.Kind.PUSH, StepSubmission.Kind.LEFT)
        else acting_for(actor, step),
        at=now,
    )
    if getattr(step, "has_draft", True):  # handed on: the draft has done its job
        StepDraft.objects.filter(step=step).delete()
    notifications_settle(appraisal_id=a.pk, step_code=step.code, at=now)
    if step.late:
        # The penalty falls on the reviewer whose step it is: the holder (whoever pushed
        # it on, or their deputy, acted), else the role holder who acted on a role's step.
        pushed = kind == StepSubmission.Kind.PUSH
        reviewer = step.assignee_id if pushed else step.assignee_id or getattr(actor, "pk", None)
        penalise(a, step, template_for(a), reviewer, now)
    if nxt is None:
        return True, []
    StepFlow(nxt, a).open()
    nxt.opened_at = now
    redated: list[dict] = []
    if step.rounds:  # handed in again after a return: the reviewer gets a fresh window
        moved, redated = redated_on_resubmission(nxt, template_for(a), now)  # later ones follow
    else:  # its deadline passed before it opened
        moved = due_on_opening(nxt, template_for(a), now)
    opening = "step_open"
    if nxt.seq + 1 not in by_seq:
        score_provisionally(a)
        # The final approval may wait (HR's calibration, a team still scoring): its
        # holder is told it arrived and that they will be told when it can be approved,
        # not "a step is yours" for a button they cannot press.
        if final_approval_waits(a):
            opening = "step_open_waiting"
    nxt.save(update_fields=["state", "opened_at", *moved])
    a.current_step = nxt.code
    notify_many(step_messages([nxt], opening, "请处理/Please act", a.company_id, appraisal=a))
    return False, redated


def audits_denials(fn):
    """A refused attempt rolls back with its transaction; its audit event must not,
    so it is written afterwards in a transaction of its own."""

    @functools.wraps(fn)
    def wrapper(*args, actor, **kwargs):
        try:
            return fn(*args, actor=actor, **kwargs)
        except Forbidden as exc:
            denied = getattr(exc, "denied", None)
            if denied is not None:
                company_id, appraisal_id, code = denied
                record_refusal(
                    company=company_id,
                    actor=actor,
                    object_type="appraisals.appraisal",
                    object_id=appraisal_id,
                    after={"step": code, "attempt": fn.__name__},
                    reason=exc.message,
                )
            raise

    return wrapper


@audits_denials
@retrying
def step_submit(
    *, actor, appraisal_id: int, step_id: int, data: dict | None = None, comment: str = ""
) -> Appraisal:
    """Hand a step on with the values it owns and the holder's remarks; the last step
    publishes."""
    data = data or {}
    comment = comment.strip() if isinstance(comment, str) else ""
    with transaction.atomic():
        a = lock_appraisal(appraisal_id)
        step, by_seq = _chain(a, step_id)
        nxt = by_seq.get(step.seq + 1)
        flow = StepFlow(step, a)
        ensure(flow, "complete", actor)
        t = template_for(a)
        clean = validate_entry(t, step.code, data, skip=composed(t, a.values))
        refuse_empty_self_review(step, clean, comment)
        refuse_partial_sheets(t, merged(a.values, clean), step.code)
        refusal = approval_refusal(a, step, merged(a.values, clean), last=nxt is None)
        if refusal is not None:
            raise refusal
        deputy_for = acting_for(actor, step)  # read before anything moves
        changes = entries_merge(appraisal=a, clean=clean, by=step.code)
        flow.complete()
        waiting = None
        if nxt is None:  # may publish: lock what that touches before any audit event
            waiting = lock_waiting_on(a)
        finished, redated = _hand_on(
            a, step, by_seq, actor, StepSubmission.Kind.SUBMIT, data, comment
        )
        entries_save(appraisal=a, also=["current_step", "result", "total", "grade"])
        record_for(
            a,
            actor=actor,
            role=step.code,
            action=f"submit:{step.code}",
            after={
                "entries": changes,
                "late": step.late,
                **({"redated": redated} if redated else {}),
                **({"on_behalf_of": deputy_for} if deputy_for else {}),
            },
        )
        if deputy_for:
            notify_many(deputy_acted(a, step, actor, deputy_for, "submit"))
        if finished:
            publish_or_wait(a, actor, role=step.code, waiting=waiting)
    return a


@audits_denials
@retrying
def step_return(
    *, actor, appraisal_id: int, step_id: int, comment: str, typed: Mapping | None = None
) -> Appraisal:
    """Send the form back to the previous step with a mandatory comment. `typed`: what
    the holder had typed in the step's form when returning it, kept as their draft: the
    step reopens after the earlier step is handed in again, and the values typed before
    the return must be there (nothing typed is lost because a return came first)."""
    kept = checked_draft(typed) if typed else {}
    if not isinstance(comment, str) or not comment.strip():
        raise InvalidInput(
            "a return needs a comment saying what to fix", field="comment", rule="required"
        )
    comment = comment.strip()
    with transaction.atomic():
        a = lock_appraisal(appraisal_id)
        step, by_seq = _chain(a, step_id)
        now = clock.now()
        fire(StepFlow(step, a), "send_back", actor)
        prev = by_seq.get(step.seq - 1)
        if prev is None:  # the state machine lets no first step send back
            raise AppraisalStep.DoesNotExist(f"no step before {step.code}")
        if prev.code == "self" and a.employee.status == Employee.Status.LEFT:
            # Their account is closed: nobody could hand the self-review in again.
            raise Conflict(
                "the employee has left: the self-review cannot be returned to them",
                field="step",
                rule="left",
            )
        deputy_for = acting_for(actor, step)
        step.first_acted_at = step.first_acted_at or now
        # A return after the due moment is a late first act: the penalty falls when the
        # step is handed on (once). One in time is judged again at the hand-in, against
        # the fresh due moment the resubmission gives the step.
        step.late = step.late or (step.rounds == 0 and now > step.due_at)
        step.save(update_fields=["first_acted_at", "state", "late"])
        if step.late:  # charged now, against the moment it missed (once per step)
            penalise(a, step, template_for(a), step.assignee_id or actor.pk, now)
        if any(v.strip() for v in kept.values()):
            StepDraft.objects.update_or_create(
                step=step, defaults={"author": actor, "fields": kept, "saved_at": now}
            )
        notifications_settle(appraisal_id=a.pk, step_code=step.code, at=now)
        StepSubmission.objects.create(
            step=step,
            kind=StepSubmission.Kind.RETURN,
            comment=comment,
            data={"values": a.values, "deductions": a.deductions, "events": a.events},
            by=actor,
            on_behalf_of_id=deputy_for,
            at=now,
        )
        StepFlow(prev, a).reopen()
        prev.opened_at, prev.completed_at = now, None
        prev.rounds += 1
        was_due = prev.due_date
        moved = due_on_return(prev, template_for(a), now)  # a fresh window from the return
        prev.save(update_fields=["state", "opened_at", "completed_at", "rounds", *moved])
        # The returning step and those after it wait on the reopened one: none stays due
        # before it (a reviewer shown a deadline before the form is back with them).
        redated = later_follow(prev, template_for(a))
        a.current_step = prev.code
        a.save(update_fields=["current_step"])
        text = f"退回/Returned: {comment[:200]}"
        notify_many(
            step_messages(
                [prev], "step_returned", text, a.company_id, appraisal=a, comment=comment[:500]
            )
        )
        if deputy_for:
            notify_many(deputy_acted(a, step, actor, deputy_for, "return", comment))
        record_for(
            a,
            actor=actor,
            role=step.code,
            action=f"return:{step.code}",
            reason=comment,
            after={
                "to": prev.code,
                "round": prev.rounds,
                "due_date": prev.due_date,
                **({"was_due": was_due} if was_due != prev.due_date else {}),
                **({"redated": redated} if redated else {}),
                **({"on_behalf_of": deputy_for} if deputy_for else {}),
            },
        )
    return a


@audits_denials
@retrying
def step_push(*, actor, appraisal_id: int, step_id: int, reason: str) -> Appraisal:
    """HR pushes an overdue step on: recorded as skipped after the deadline, the
    penalty applies, and the next step opens."""
    if not isinstance(reason, str) or not reason.strip():
        raise InvalidInput("pushing a step on needs a reason", field="reason", rule="required")
    reason = reason.strip()
    with transaction.atomic():
        a = lock_appraisal(appraisal_id)
        step, by_seq = _chain(a, step_id)
        nxt = by_seq.get(step.seq + 1)
        flow = StepFlow(step, a)
        ensure(flow, "skip", actor)
        if nxt is None:
            check_final_approval(a)
            # pushing the last step on publishes: never with required inputs empty
            refuse_missing(template_for(a), a.values, step.code)
        flow.skip()
        waiting = None
        if nxt is None:  # may publish: lock what that touches before any audit event
            waiting = lock_waiting_on(a)
        finished, redated = _hand_on(a, step, by_seq, actor, StepSubmission.Kind.PUSH, {}, reason)
        a.save(update_fields=["current_step", "result", "total", "grade"])
        record_for(
            a,
            actor=actor,
            role="hr",
            action=f"push:{step.code}",
            reason=reason,
            after={
                "skipped": step.code,
                "late": step.late,
                **({"redated": redated} if redated else {}),
            },
        )
        if finished:
            publish_or_wait(a, actor, role="hr", waiting=waiting)
    return a


def self_review_close_for_leaver(*, actor, appraisal: Appraisal, reason: str) -> bool:
    """The leaver's own appraisal whose period ended by their last day goes on without
    them: an open self-review is closed as not handed in (no late penalty) and the next
    step opens. The caller (`employee_depart`) holds the appraisal's lock. Returns
    whether a self-review was closed."""
    a = appraisal
    by_seq = {s.seq: s for s in AppraisalStep.objects.filter(appraisal=a)}
    step = next(
        (s for s in by_seq.values() if s.code == "self" and s.state == AppraisalStep.State.OPEN),
        None,
    )
    if step is None:
        return False
    nxt = by_seq.get(step.seq + 1)
    flow = StepFlow(step, a)
    ensure(flow, "close_for_leaver", actor)
    if nxt is None:
        check_final_approval(a)
        refuse_missing(template_for(a), a.values, step.code)
    flow.close_for_leaver()
    waiting = lock_waiting_on(a) if nxt is None else None
    finished, _ = _hand_on(
        a, step, by_seq, actor, StepSubmission.Kind.LEFT, {}, reason, excused=True
    )
    a.save(update_fields=["current_step", "result", "total", "grade"])
    record_for(
        a,
        actor=actor,
        role="hr",
        action="close:self",
        reason=reason,
        after={"not_handed_in": "self", "cause": "left", "late": step.late},
    )
    if finished:
        publish_or_wait(a, actor, role="hr", waiting=waiting)
    return True


def step_act(
    *,
    actor,
    appraisal_id: int,
    step_id: int,
    action: str,
    data=None,
    text: str = "",
    typed: Mapping | None = None,
):
    """One entry for the pages and the API: `action` is a name `available()` gives;
    `typed` (a return only): the form's text as typed, kept as the holder's draft."""
    if action == "submit":
        return step_submit(
            actor=actor, appraisal_id=appraisal_id, step_id=step_id, data=data, comment=text
        )
    if action == "return":
        return step_return(
            actor=actor, appraisal_id=appraisal_id, step_id=step_id, comment=text, typed=typed
        )
    if action == "push":
        return step_push(actor=actor, appraisal_id=appraisal_id, step_id=step_id, reason=text)
    raise NotFound("no such action", field="action", rule="exists")
