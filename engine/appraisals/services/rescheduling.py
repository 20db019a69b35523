"""A step's due moments moved when it opens late or is reopened by a return, so nobody
is shown a deadline that passed before the step was theirs (docs/policies.md, "Steps
opened late" and "Returned steps"), nor one that a return used up while the form was
with someone else; after a return or a resubmission the later steps follow, so no step is due
before the one before it. The arithmetic is in engine/deadlines/due.py."""

from __future__ import annotations

from engine.deadlines.due import Moments, after_earlier, for_opening, for_return
from engine.org.selectors import calendar_for
from engine.scoring import RoleTemplate

from ..models import AppraisalStep

MOVED = [
    "due_date",
    "due_at",
    "remind_before_at",
    "remind_due_at",
    "reminded_before_at",
    "reminded_due_at",
    "overdue_at",
]


def _window(step: AppraisalStep, template: RoleTemplate) -> int | None:
    cs = next((c for c in template.chain if c.code == step.code), None)
    return None if cs is None else cs.due.working_days


def _set(step: AppraisalStep, m: Moments) -> list[str]:
    """The new moments on the step, its reminders and overdue mark to come again.
    Returns the fields changed, for `save(update_fields=…)`."""
    step.due_date, step.due_at = m.due_date, m.due_at
    step.remind_before_at, step.remind_due_at = m.remind_before_at, m.remind_due_at
    step.reminded_before_at = step.reminded_due_at = step.overdue_at = None
    return list(MOVED)


def _current(step: AppraisalStep) -> Moments:
    return Moments(step.due_date, step.due_at, step.remind_before_at, step.remind_due_at)


def due_on_opening(step: AppraisalStep, template: RoleTemplate, now) -> list[str]:
    """A pending step opening now (handed on): if its calendar due moment has passed,
    it is due the pack's working days for it from today."""
    days = _window(step, template)
    if days is None or now <= step.due_at:
        return []
    tz = step.company.time_zone
    return _set(step, for_opening(_current(step), now, days, calendar_for(step.company), tz))


def due_on_return(step: AppraisalStep, template: RoleTemplate, now) -> list[str]:
    """A step reopened by a return: due the pack's working days for it from the day of
    the return, or at its current due moment when that is later. The time before the
    return costs nothing: a reopened step is never charged a late penalty again
    (routing), and one already late keeps the penalty it paid once."""
    days = _window(step, template)
    if days is None:
        return []
    tz = step.company.time_zone
    return _set(step, for_return(_current(step), now, days, calendar_for(step.company), tz))


def due_on_resubmission(step: AppraisalStep, template: RoleTemplate, now) -> list[str]:
    """The step a returned step hands on to when it is handed in again (the reviewer who
    returned it): the pack's working days for it from the day of the resubmission, or
    its current due moment when that is later. The time the form spent back with the
    earlier step is not the reviewer's: without this a reviewer whose step was due the
    day after the resubmission would be late through nobody's fault of theirs."""
    return due_on_return(step, template, now)


def _moved(step: AppraisalStep, was) -> dict:
    return {"step": step.code, "due_date": step.due_date, "was_due": was}


def later_follow(step: AppraisalStep, template: RoleTemplate) -> list[dict]:
    """The still-pending steps after `step`, in order: one now due before the step
    before it is due the pack's working days for it after that step's due day
    (`after_earlier`), and is saved. Returns what moved, for the audit event: the step,
    its new due day and the one before."""
    moved, earlier = [], step
    later = AppraisalStep.objects.filter(
        appraisal_id=step.appraisal_id, seq__gt=step.seq, state=AppraisalStep.State.PENDING
    ).order_by("seq")
    for s in later.select_related("company"):
        days = _window(s, template)
        if days is not None:
            cal, tz = calendar_for(s.company), s.company.time_zone
            m = after_earlier(_current(s), earlier.due_date, days, cal, tz)
            if m != _current(s):
                was = s.due_date
                s.save(update_fields=_set(s, m))
                moved.append(_moved(s, was))
        earlier = s
    return moved


def redated_on_resubmission(
    step: AppraisalStep, template: RoleTemplate, now
) -> tuple[list[str], list[dict]]:
    """`due_on_resubmission` for the step handed on to (the caller saves it, the fields
    changed are returned), then `later_follow`. Returns also what moved."""
    was = step.due_date
    fields = due_on_resubmission(step, template, now)
    moved = [_moved(step, was)] if step.due_date != was else []
    return fields, moved + later_follow(step, template)
