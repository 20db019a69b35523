"""Improvement plans (绩效改进计划): opened with a result whose outcomes ask for one;
the owner adds goals with due dates and checks in on each; audited on the appraisal's
trail. The next cycle's review reads the plan of the person's previous appraisal."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.db import transaction

from engine import clock
from engine.appraisals.models import Appraisal
from engine.appraisals.services import lock_appraisal
from engine.appraisals.services.routing import audits_denials
from engine.audit.services import record_for
from engine.errors import Forbidden, InvalidInput, NotFound
from engine.org.selectors import is_hr

from .models import ImprovementPlan, PlanCheckIn, PlanGoal

# How far ahead a goal may be due: an improvement plan runs for months, not years (a
# year's typo, 2099 for 2026, is refused with the latest day named).
FURTHEST_GOAL = dt.timedelta(days=183)


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


def _goal_text(goal) -> str:
    goal = goal.strip() if isinstance(goal, str) else ""
    if not goal:
        raise InvalidInput("name the goal", field="goal", rule="required")
    if len(goal) > 2000:
        raise InvalidInput("at most 2000 characters", field="goal", rule="max_length")
    return goal


def _today(a: Appraisal) -> dt.date:
    return clock.now().astimezone(zoneinfo.ZoneInfo(a.company.time_zone)).date()


def _check_due(due_date, today: dt.date) -> None:
    if not isinstance(due_date, dt.date):
        raise InvalidInput("a date", field="due_date", rule="type")
    if due_date < today:
        raise InvalidInput("the due date has passed", field="due_date", rule="past_period")
    latest = today + FURTHEST_GOAL
    if due_date > latest:
        raise InvalidInput(
            "A goal is due within six months: %(latest)s at the latest.",
            field="due_date",
            rule="goal_too_far",
            params={"latest": latest.isoformat()},
        )


def _locked_goal(actor, goal_id: int) -> tuple[Appraisal, PlanGoal]:
    row = PlanGoal.objects.filter(pk=goal_id).values("plan__appraisal_id").first()
    if row is None:
        raise NotFound("no such goal", field="goal", rule="exists")
    a = lock_appraisal(row["plan__appraisal_id"])
    g = PlanGoal.objects.select_related("plan").get(pk=goal_id)
    if not _may_own(actor, g.plan, a):
        raise _refused(a)
    if g.withdrawn_at is not None:
        raise InvalidInput("this goal was withdrawn", field="goal", rule="withdrawn")
    return a, g


@audits_denials
def plan_goal_add(*, actor, plan_id: int, goal: str, due_date: dt.date) -> PlanGoal:
    goal = _goal_text(goal)
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
        _check_due(due_date, _today(a))
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
def plan_goal_edit(*, actor, goal_id: int, goal: str, due_date: dt.date) -> PlanGoal:
    """The owner rewords a goal or moves its due date (within the same limits)."""
    goal = _goal_text(goal)
    with transaction.atomic():
        a, g = _locked_goal(actor, goal_id)
        _check_due(due_date, _today(a))
        before = {"goal": g.goal, "due_date": g.due_date.isoformat()}
        g.goal, g.due_date = goal, due_date
        g.save(update_fields=["goal", "due_date"])
        record_for(
            a,
            actor=actor,
            role="supervisor",
            action="plan_goal_edit",
            before=before,
            after={"goal": goal, "due_date": due_date.isoformat()},
        )
    return g


@audits_denials
def plan_goal_withdraw(*, actor, goal_id: int, reason: str) -> PlanGoal:
    """The owner takes a goal back with a reason; it stays on the record, withdrawn."""
    reason = reason.strip() if isinstance(reason, str) else ""
    if not reason:
        raise InvalidInput("say why the goal is withdrawn", field="reason", rule="required")
    if len(reason) > 2000:
        raise InvalidInput("at most 2000 characters", field="reason", rule="max_length")
    with transaction.atomic():
        a, g = _locked_goal(actor, goal_id)
        g.withdrawn_at, g.withdrawn_reason = clock.now(), reason
        g.save(update_fields=["withdrawn_at", "withdrawn_reason"])
        record_for(
            a,
            actor=actor,
            role="supervisor",
            action="plan_goal_withdraw",
            reason=reason,
            after={"goal": g.goal},
        )
    return g


@audits_denials
def plan_goal_check_in(*, actor, goal_id: int, note: str, done: bool) -> PlanGoal:
    """A dated check-in on a goal, kept with the earlier ones (the goal shows the
    latest)."""
    note = note.strip() if isinstance(note, str) else ""
    if not note:
        raise InvalidInput("write what happened", field="note", rule="required")
    if len(note) > 2000:
        raise InvalidInput("at most 2000 characters", field="note", rule="max_length")
    with transaction.atomic():
        a, g = _locked_goal(actor, goal_id)
        before = {"check_in": g.check_in, "done": g.done}
        now = clock.now()
        PlanCheckIn.objects.create(goal=g, note=note, done=bool(done), by=actor, at=now)
        g.check_in, g.done, g.checked_at = note, bool(done), now
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
