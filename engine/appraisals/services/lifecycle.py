"""How an appraisal ends: withdrawn or exempted early by HR, or final once its appeal
window closed without an appeal, or its appeal closed. One `finalise` serves HR, the
sweep and the appeal's close."""

from __future__ import annotations

from django.db import transaction

from engine import clock
from engine.audit.services import record_for
from engine.busy import retrying
from engine.errors import Conflict, InvalidInput
from engine.org.selectors import require_hr

from .. import signals
from ..flow import AppraisalFlow, StepFlow, ensure, fire
from ..models import Appraisal, AppraisalStep, Cycle
from .locks import lock_appraisal, lock_appraisals, lock_cycle, lock_steps


def _end(appraisal: Appraisal, actor, transition: str, reason: str) -> Appraisal:
    with transaction.atomic():
        a = lock_appraisal(appraisal.pk)
        before = a.state
        flow = AppraisalFlow(a)
        ensure(flow, transition, actor, field="state", rule="transition")
        if not isinstance(reason, str) or not reason.strip():
            raise InvalidInput("a reason is required", field="reason", rule="required")
        getattr(flow, transition)()
        a.current_step, a.note = "", reason
        a.save(update_fields=["state", "current_step", "note"])
        steps = list(
            a.steps.filter(state__in=[AppraisalStep.State.OPEN, AppraisalStep.State.PENDING])
        )
        for s in steps:
            StepFlow(s, a).cancel()
        AppraisalStep.objects.bulk_update(steps, ["state"])
        record_for(
            a,
            actor=actor,
            role="hr",
            action=transition,
            before={"state": before},
            after={"state": a.state},
            reason=reason,
        )
    return a


@retrying
def appraisal_withdraw(*, actor, appraisal: Appraisal, reason: str) -> Appraisal:
    """A leaver's appraisal is withdrawn, never deleted."""
    return _end(appraisal, actor, "withdraw", reason)


@retrying
def cycle_cancel(*, actor, cycle: Cycle, reason: str) -> int:
    """Cancel a cycle opened by mistake: every appraisal still in progress is withdrawn
    with the reason (kept, never deleted). Refused once a result is published: those
    are corrected one by one. Returns how many appraisals were withdrawn."""
    require_hr(actor, cycle.company_id)
    if not isinstance(reason, str) or not reason.strip():
        raise InvalidInput("cancelling a cycle needs a reason", field="reason", rule="required")
    with transaction.atomic():
        c = lock_cycle(cycle.pk)
        if c.status == Cycle.Status.CANCELLED:
            raise Conflict("the cycle is cancelled already", field="cycle", rule="once")
        # Every appraisal, then every step it ends, locked before the first audit event
        # (the one lock order): a submission holds its appraisal and its step and waits
        # for the chain's head, so the head must never be held while waiting for them.
        lock_appraisals(Appraisal.objects.filter(cycle=c).values_list("pk", flat=True))
        if Appraisal.objects.filter(
            cycle=c, state__in=[Appraisal.State.PUBLISHED, Appraisal.State.FINAL]
        ).exists():
            raise Conflict(
                "results of this cycle are published; correct them one by one",
                field="cycle",
                rule="published",
            )
        apps = list(
            Appraisal.objects.filter(cycle=c, state=Appraisal.State.IN_PROGRESS).order_by("pk")
        )
        lock_steps(
            AppraisalStep.objects.filter(
                appraisal__in=apps,
                state__in=[AppraisalStep.State.OPEN, AppraisalStep.State.PENDING],
            ).values_list("pk", flat=True)
        )
        for a in apps:
            _end(a, actor, "withdraw", reason)
        c.status = Cycle.Status.CANCELLED
        c.save(update_fields=["status"])
        record_for(
            c,
            actor=actor,
            role="hr",
            action="cycle_cancel",
            reason=reason.strip(),
            after={"withdrawn": len(apps)},
        )
    return len(apps)


@retrying
def appraisal_exempt(*, actor, appraisal: Appraisal, reason: str) -> Appraisal:
    """Not appraised this period (long absence): no score, no pay."""
    return _end(appraisal, actor, "exempt", reason)


def finalise(a: Appraisal, *, actor, role: str, after: dict, by_system: bool = False) -> None:
    """Make a locked, published appraisal final and record why. `by_system`: the
    engine finalises on its own rule (an appeal closed), `actor` only caused it."""
    checked = None if by_system else actor
    fire(AppraisalFlow(a), "finalise", checked, field="state", rule="transition")
    a.final_at = clock.now()
    a.save(update_fields=["state", "final_at"])
    record_for(a, actor=actor, role=role, action="finalise", after=after)
    open_left = Appraisal.objects.filter(
        cycle_id=a.cycle_id, state__in=[Appraisal.State.IN_PROGRESS, Appraisal.State.PUBLISHED]
    )
    if not open_left.exists():
        signals.cycle_final.send(sender=Cycle, cycle_id=a.cycle_id)


def appraisal_finalise(*, actor, appraisal: Appraisal) -> Appraisal:
    with transaction.atomic():
        a = lock_appraisal(appraisal.pk)
        finalise(a, actor=actor, role="hr", after={"state": Appraisal.State.FINAL})
    return a


def appraisals_finalise_due() -> int:
    """Published results whose window closed without an appeal become final (the
    sweep runs this): one indexed query finds them. What holds a result back (an
    appeal) is the higher apps' to say (`finalise_held`)."""
    now = clock.now()
    done = 0
    held = [expr for _, expr in signals.finalise_held.send(sender=Appraisal)]
    due = Appraisal.objects.filter(state=Appraisal.State.PUBLISHED, appeal_until__lt=now)
    for expr in held:
        due = due.exclude(expr)
    for pk in due.values_list("pk", flat=True).iterator(chunk_size=1000):
        with transaction.atomic():
            a = lock_appraisal(pk)
            if a.state != Appraisal.State.PUBLISHED or _held_since(a, held):
                continue
            finalise(a, actor=None, role="system", after={"window_closed": a.appeal_until})
            done += 1
    return done


def _held_since(a: Appraisal, held: list) -> bool:
    """Held back since the query (an appeal filed meanwhile), asked again under the lock."""
    mine = Appraisal.objects.filter(pk=a.pk)
    return any(mine.filter(expr).exists() for expr in held)
