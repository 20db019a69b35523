"""An appeal's steps: mediation, HR intake and investigation each either let the
appeal go on or close it; obstruction found by the investigation is recorded on the
department head's own appraisal. Closing an appeal makes the appraisal final."""

from __future__ import annotations

from django.db import transaction

from engine import clock
from engine.appraisals.entries import entries_count_up
from engine.appraisals.flow import ensure
from engine.appraisals.models import Appraisal
from engine.appraisals.services import finalise, lock_appraisal, republish
from engine.audit.services import record_for
from engine.errors import Conflict, InvalidInput, NotFound
from engine.org.models import Department

from ..flow import AppealFlow, AppealStepFlow
from ..models import Appeal, AppealStep
from .notices import tell_appellant, tell_closed, tell_holders


def open_step(appeal_id: int, code: str, actor) -> tuple[Appeal, AppealStep]:
    """Lock the appraisal, then the appeal (the one lock order: docs/architecture.md),
    and check, through the step's state machine, that `actor` may decide its open
    `code` step now."""
    appraisal_id = Appeal.objects.filter(pk=appeal_id).values_list("appraisal_id", flat=True)
    if not appraisal_id:
        raise NotFound("no such appeal", field="appeal", rule="exists")
    lock_appraisal(appraisal_id[0])
    appeal = (
        Appeal.objects.select_for_update(no_key=True, of=("self",))
        .select_related("appraisal__employee")
        .filter(pk=appeal_id)
        .first()
    )
    if appeal is None:
        raise NotFound("no such appeal", field="appeal", rule="exists")
    step = appeal.steps.filter(state=AppealStep.State.OPEN).first()
    if step is None or step.code != code:
        now_at = step.code if step else "closed"
        raise Conflict(f"the appeal is at {now_at}, not {code}", field="appeal", rule="state")
    ensure(AppealStepFlow(step, appeal), "complete", actor, field="appeal", rule="state")
    return appeal, step


def advance(
    appeal: Appeal, step: AppealStep, actor, note: str, *, goes_on: bool = True
) -> AppealStep | None:
    """Complete `step`; the next one opens (and its holders and the appellant are told)
    only when the appeal goes on: one that is about to close tells nobody that a step
    it will never reach is theirs."""
    now = clock.now()
    AppealStepFlow(step, appeal).complete()
    step.completed_at, step.completed_by, step.note = now, actor, note
    step.save(update_fields=["state", "completed_at", "completed_by", "note"])
    nxt = appeal.steps.filter(seq=step.seq + 1).first() if goes_on else None
    if nxt is None:
        return None
    AppealStepFlow(nxt, appeal).open()
    nxt.save(update_fields=["state"])
    AppealFlow(appeal).advance_to(nxt.code)
    appeal.save(update_fields=["state"])
    tell_holders(appeal, nxt)
    tell_appellant(appeal, nxt)
    return nxt


def close(appeal: Appeal, actor, outcome: str, reason: str) -> None:
    now = clock.now()
    left = list(appeal.steps.filter(state__in=[AppealStep.State.PENDING, AppealStep.State.OPEN]))
    for s in left:
        AppealStepFlow(s, appeal).cancel()
    AppealStep.objects.bulk_update(left, ["state"])
    AppealFlow(appeal).close()
    appeal.outcome, appeal.decision_reason, appeal.closed_at = outcome, reason, now
    appeal.save(update_fields=["state", "outcome", "decision_reason", "closed_at", "version_after"])
    a = lock_appraisal(appeal.appraisal_id)
    finalise(a, actor=actor, role="system", after={"after_appeal": appeal.pk}, by_system=True)
    tell_closed(appeal, a)


def need(text: str, field: str) -> str:
    if not isinstance(text, str) or not text.strip():
        raise InvalidInput("a written reason is required", field=field, rule="required")
    return text.strip()


def _gate(
    *,
    actor,
    appeal_id: int,
    code: str,
    role: str,
    text: str,
    goes_on: bool,
    outcome: str,
    after: dict,
) -> Appeal:
    """A step that either lets the appeal go on or closes it with an outcome."""
    with transaction.atomic():
        appeal, step = open_step(appeal_id, code, actor)
        advance(appeal, step, actor, text, goes_on=goes_on)
        record_for(
            appeal,
            actor=actor,
            role=role,
            action=f"appeal_{code.removeprefix('hr_')}",
            reason=text,
            after=after,
        )
        if not goes_on:
            close(appeal, actor, outcome, text)
    return appeal


def appeal_mediate(*, actor, appeal_id: int, resolved: bool, note: str) -> Appeal:
    return _gate(
        actor=actor,
        appeal_id=appeal_id,
        code="mediation",
        role="dept_head",
        text=need(note, "note"),
        goes_on=not resolved,
        outcome=Appeal.Outcome.RESOLVED,
        after={"resolved": resolved},
    )


def appeal_intake(*, actor, appeal_id: int, accepted: bool, reason: str) -> Appeal:
    return _gate(
        actor=actor,
        appeal_id=appeal_id,
        code="hr_intake",
        role="hr",
        text=need(reason, "reason"),
        goes_on=accepted,
        outcome=Appeal.Outcome.NOT_ACCEPTED,
        after={"accepted": accepted},
    )


def appeal_investigate(
    *, actor, appeal_id: int, findings: str, obstruction_by_head: bool = False
) -> Appeal:
    """Findings are written down; obstruction or retaliation by the department head is
    recorded as an event on the head's own appraisal of the same cycle."""
    findings = need(findings, "findings")
    with transaction.atomic():
        appeal, step = open_step(appeal_id, "investigation", actor)
        appeal.findings = findings
        appeal.save(update_fields=["findings"])
        advance(appeal, step, actor, findings)
        head_appraisal = None
        if obstruction_by_head:
            head_appraisal = _record_obstruction(appeal, actor, findings)
        record_for(
            appeal,
            actor=actor,
            role="hr",
            action="appeal_investigation",
            reason=findings,
            after={
                "obstruction_by_head": obstruction_by_head,
                "head_appraisal": head_appraisal.pk if head_appraisal else None,
            },
        )
    return appeal


def _record_obstruction(appeal: Appeal, actor, findings: str) -> Appraisal:
    a = appeal.appraisal
    mediation = appeal.steps.filter(code="mediation").first()
    head_user = mediation.assignee_id if mediation and mediation.assignee_id else None
    if head_user is None:
        dept = Department.objects.select_related("head").get(pk=a.department_id)
        head_user = dept.head.user_id if dept.head else None
    target = (
        Appraisal.objects.filter(cycle_id=a.cycle_id, employee__user_id=head_user)
        .exclude(state__in=[Appraisal.State.WITHDRAWN, Appraisal.State.EXEMPT])
        .first()
        if head_user
        else None
    )
    if target is None:
        raise InvalidInput(
            "the department head has no appraisal in this cycle to record it on",
            field="obstruction_by_head",
            rule="target",
        )
    t = lock_appraisal(target.pk)
    entries_count_up(
        actor=actor,
        appraisal=t,
        event="obstruction_or_retaliation",
        by="hr",
        action="event:obstruction_or_retaliation",
        reason=findings,
        after={"appeal": appeal.pk},
    )
    if t.state in (Appraisal.State.PUBLISHED, Appraisal.State.FINAL):
        republish(
            t,
            actor,
            f"obstruction found in appeal {appeal.pk}",
            cause={"kind": "obstruction"},
            role="hr",
        )
    return t


def appeal_step_check(*, actor, appeal: Appeal, code: str) -> None:
    """Refuse, before anything is asked or written, a person who may not decide the
    appeal's `code` step now (the same words as the step's own check under the lock)."""
    step = appeal.steps.filter(state=AppealStep.State.OPEN).first()
    if step is None or step.code != code:
        now_at = step.code if step else "closed"
        raise Conflict(f"the appeal is at {now_at}, not {code}", field="appeal", rule="state")
    ensure(AppealStepFlow(step, appeal), "complete", actor, field="appeal", rule="state")
