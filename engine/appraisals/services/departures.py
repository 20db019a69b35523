"""A person who leaves (recorded on or after their last day, never before): their
account stops working at once and every step they hold
moves on — to the next holder by the chain's rules (their supervisor's step goes to
the department head, then HR), or to the person HR picks — each move audited, each
new holder told. What else a departure moves (appeals) is the higher apps' to do
(`engine.appraisals.signals`: `departure_held`, `departure_moves`)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from engine import clock
from engine.audit.services import Entry, record_for, record_many
from engine.busy import retrying
from engine.errors import InvalidInput
from engine.notifications.services import notify_many
from engine.org import services as org
from engine.org.holders import holder_refusal
from engine.org.models import Employee
from engine.org.selectors import require_hr

from .. import signals
from ..four_eyes import reviewers_of
from ..models import Appraisal, AppraisalStep
from ..selectors import leaver_keeps, resolve_holder
from .lifecycle import appraisal_withdraw
from .locks import lock_appraisals, lock_steps
from .notices import step_messages
from .routing import self_review_close_for_leaver


def _lock_held(employee: Employee) -> None:
    """Everything the departure will change, locked before its first audit event, in
    the one order: appraisals (their own in progress, those whose steps the leaver
    holds, and what other apps name), then those steps, then the people's rows (the
    leaver and their reports). Taking the audit chain's head first and a step later
    deadlocked against a submission, which holds the step and waits for the head."""
    user_id = employee.user_id
    held = AppraisalStep.objects.filter(
        assignee_id=user_id, state__in=[AppraisalStep.State.OPEN, AppraisalStep.State.PENDING]
    )
    appraisal_ids = set(held.values_list("appraisal_id", flat=True))
    appraisal_ids |= set(
        Appraisal.objects.filter(employee=employee, state=Appraisal.State.IN_PROGRESS).values_list(
            "pk", flat=True
        )
    )
    for _, ids in signals.departure_held.send(sender=Employee, user_id=user_id):
        appraisal_ids |= set(ids)
    lock_appraisals(appraisal_ids)
    lock_steps(held.values_list("pk", flat=True))
    people = Employee.objects.filter(
        Q(pk=employee.pk) | Q(supervisor=employee, status=Employee.Status.ACTIVE)
    )
    list(people.select_for_update(no_key=True).order_by("pk").values_list("pk", flat=True))


def steps_reassign(*, actor, user, successor=None) -> list[AppraisalStep]:
    """Move every open or pending step `user` holds (not their own self-review) to
    `successor`, or to whoever the chain's rules name now that `user` is gone."""
    steps = list(
        AppraisalStep.objects.select_for_update()
        .filter(assignee=user, state__in=[AppraisalStep.State.OPEN, AppraisalStep.State.PENDING])
        .exclude(code="self", appraisal__employee__user=user)
        .select_related("appraisal__employee")
    )
    entries = []
    for s in steps:
        before = {"assignee": s.assignee_id, "role": s.holder_role}
        # The successor never holds a step they must not (their own appraisal, a
        # peer's, their manager's: `engine.org.holders`): that one goes on by the
        # chain's rules.
        if successor is not None and (
            s.code != "self"
            and holder_refusal(
                holder_id=successor.pk,
                subject_id=s.appraisal.employee.user_id,
                reviewers=reviewers_of(s.appraisal_id, besides=s.pk),
            )
            is None
        ):
            s.assignee_id, s.holder_role = successor.pk, ""
        else:
            h = resolve_holder(s.code, s.appraisal.employee_id)
            s.assignee_id, s.holder_role = h.assignee_id, h.role
            s.escalated_from = h.escalated_from or s.escalated_from
        entries.append(
            Entry(
                "appraisals.appraisal",
                s.appraisal_id,
                f"reassign:{s.code}",
                before=before,
                after={"assignee": s.assignee_id, "role": s.holder_role},
                reason="holder left",
            )
        )
    AppraisalStep.objects.bulk_update(steps, ["assignee", "holder_role", "escalated_from"])
    if steps:
        record_many(company=steps[0].company_id, actor=actor, role="hr", entries=entries)
        opened = [s for s in steps if s.state == AppraisalStep.State.OPEN]
        notify_many(step_messages(opened, "step_open", "请处理/Please act", steps[0].company_id))
    return steps


@retrying
def employee_depart(
    *, actor, employee: Employee, left_on: dt.date, reason: str = "", successor=None
) -> int:
    """Record the leaver, close their account and move what they hold. Returns how many
    steps moved."""
    require_hr(actor, employee.company_id)
    if left_on > timezone.localdate(clock.now()):
        raise InvalidInput(
            "the last day cannot be after today; record the departure on or after the last day",
            field="left_on",
            rule="not_future",
        )
    if successor is not None:
        ok = Employee.objects.filter(
            user=successor, company_id=employee.company_id, status=Employee.Status.ACTIVE
        ).exclude(pk=employee.pk)
        if not ok.exists():
            raise InvalidInput(
                "the successor must be an active employee of this company",
                field="successor",
                rule="company",
            )
    with transaction.atomic():
        _lock_held(employee)
        org.employee_leave(actor=actor, employee=employee, left_on=left_on, reason=reason)
        user = employee.user
        user.is_active = False
        user.save(update_fields=["is_active"])
        record_for(employee, actor=actor, role="hr", action="account_closed", reason=reason)
        # Their own appraisals in progress (workflow.md §2, docs/operations.md
        # "People"): one whose period had not ended by the last day is withdrawn, never
        # deleted (they did not work the whole period); one whose period ended on or
        # before it goes on without them: an open self-review is closed as not handed
        # in (no late penalty; nobody may hand it in for them) and the next step opens.
        # Stored as typed and read in either language: the last day, then HR's reason.
        why = f"{left_on:%Y-%m-%d} · {reason.strip()}" if reason.strip() else f"{left_on:%Y-%m-%d}"
        for a in Appraisal.objects.filter(
            employee=employee, state=Appraisal.State.IN_PROGRESS
        ).select_related("cycle"):
            if leaver_keeps(a, left_on):
                self_review_close_for_leaver(actor=actor, appraisal=a, reason=why)
            else:
                appraisal_withdraw(actor=actor, appraisal=a, reason=why)
        # Their reports no longer name them as supervisor: the successor, or nobody
        # (the department head reviews them by the chain's rules until HR names one).
        new_sup = Employee.objects.filter(user=successor).first() if successor else None
        for r in Employee.objects.filter(supervisor=employee, status=Employee.Status.ACTIVE):
            # (the successor among them keeps the leaver's own supervisor)
            sup = new_sup if new_sup is None or new_sup.pk != r.pk else employee.supervisor
            org.employee_update(actor=actor, employee=r, supervisor=sup, reason="supervisor left")
        moved = len(steps_reassign(actor=actor, user=user, successor=successor))
        others = signals.departure_moves.send(
            sender=Employee, actor=actor, user=user, successor=successor
        )
        moved += sum(n for _, n in others)
    return moved
