"""Improvement plans (绩效改进计划): opened with a result whose outcomes ask for one;
the owner adds goals with due dates and checks in on each; audited on the appraisal's
trail. The next cycle's review reads the plan of the person's previous appraisal."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from engine import clock
from engine.appraisals.models import Appraisal
from engine.appraisals.services import lock_appraisal
from engine.appraisals.services.routing import audits_denials
from engine.audit.services import record_for
from engine.errors import Forbidden, InvalidInput, NotFound
from engine.org.selectors import is_hr

from .models import ImprovementPlan, PlanGoal


def plan_open_if_required(*, appraisal: Appraisal) -> ImprovementPlan | None:
    """Inside the publishing transaction: a plan when the result asks for one."""
    a = appraisal
    outcomes = (a.result or {}).get("outcomes") or {}
    if not outcomes.get("improvement_plan_required"):
        return None
    if ImprovementPlan.objects.filter(appraisal=a).exists():
        return None
    sup = a.employee.supervisor
    plan = ImprovementPlan.objects.create(
        appraisal=a,
        company_id=a.company_id,
        owner_id=sup.user_id if sup is not None else None,
        opened_at=clock.now(),
    )
    record_for(a, actor=None, role="system", action="plan_open", after={"plan": plan.pk})
    return plan


def _may_own(actor, plan: ImprovementPlan, a: Appraisal) -> bool:
    if actor is None or actor.pk == a.employee.user_id:
        return False
    return actor.pk == plan.owner_id or is_hr(actor, a.company_id)


def _refused(a: Appraisal) -> Forbidden:
    exc = Forbidden("only the plan's owner or HR sets its goals", field="actor", rule="holder")
    exc.denied = (a.company_id, a.pk, "plan")
    return exc


@audits_denials
def plan_goal_add(*, actor, plan_id: int, goal: str, due_date: dt.date) -> PlanGoal:
    goal = goal.strip() if isinstance(goal, str) else ""
    if not goal:
        raise InvalidInput("name the goal", field="goal", rule="required")
    if len(goal) > 2000:
        raise InvalidInput("at most 2000 characters", field="goal", rule="max_length")
    if not isinstance(due_date, dt.date):
        raise InvalidInput("a date", field="due_date", rule="type")
    row = ImprovementPlan.objects.filter(pk=plan_id).values("appraisal_id").first()
    if row is None:
        raise NotFound("no such plan", field="plan", rule="exists")
    with transaction.atomic():
        a = lock_appraisal(row["appraisal_id"])
        plan = ImprovementPlan.objects.get(pk=plan_id)
        if not _may_own(actor, plan, a):
            raise _refused(a)
        now = clock.now()
        if due_date < now.date():
            raise InvalidInput("the due date has passed", field="due_date", rule="past_period")
        g = PlanGoal.objects.create(
            plan=plan, goal=goal, due_date=due_date, added_by=actor, added_at=now
        )
        record_for(
            a,
            actor=actor,
            role="supervisor",
            action="plan_goal_add",
            after={"goal": goal, "due_date": due_date.isoformat()},
        )
    return g


@audits_denials
def plan_goal_check_in(*, actor, goal_id: int, note: str, done: bool) -> PlanGoal:
    note = note.strip() if isinstance(note, str) else ""
    if not note:
        raise InvalidInput("write what happened", field="note", rule="required")
    row = PlanGoal.objects.filter(pk=goal_id).values("plan__appraisal_id").first()
    if row is None:
        raise NotFound("no such goal", field="goal", rule="exists")
    with transaction.atomic():
        a = lock_appraisal(row["plan__appraisal_id"])
        g = PlanGoal.objects.select_related("plan").get(pk=goal_id)
        if not _may_own(actor, g.plan, a):
            raise _refused(a)
        before = {"check_in": g.check_in, "done": g.done}
        g.check_in, g.done, g.checked_at = note, bool(done), clock.now()
        g.save(update_fields=["check_in", "done", "checked_at"])
        record_for(
            a,
            actor=actor,
            role="supervisor",
            action="plan_check_in",
            before=before,
            after={"goal": g.goal, "check_in": note, "done": g.done},
        )
    return g
