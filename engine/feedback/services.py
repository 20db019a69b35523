"""Writes of 360° feedback: HR or the direct supervisor nominates the raters (a
supervisor's nomination waits for HR's approval when the pack says so), each rater
answers once, and the round closes — when every rater answered, or at its due moment
with the answers it has — writing its aggregate as the indicator's value through
engine/appraisals/entries.py. Each write locks the appraisal first (the one lock
order), then its round, and records its audit event on the appraisal's trail in the
same transaction."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

from django.db import transaction

from engine import clock
from engine.appraisals.entries import entries_write, entry_check
from engine.appraisals.models import Appraisal
from engine.appraisals.pinned_templates import template_for
from engine.appraisals.services import lock_appraisal
from engine.appraisals.services.routing import audits_denials
from engine.audit.services import record_for
from engine.deadlines.due import moments
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.notifications.services import Message, notify_many
from engine.org.models import Employee
from engine.org.selectors import calendar_for, is_hr
from engine.plugins import registry
from engine.scoring.feedback import FeedbackRule, aggregate
from engine.scoring.numbers import to_decimal

from .models import FeedbackRound, RaterTask

COMMENT_LIMIT = 2000
CODE = "feedback"  # the tasks' step code, as notifications and pages name it


def rule_for(appraisal: Appraisal, indicator: str) -> FeedbackRule | None:
    """The pack's 360° feedback for this appraisal's role and indicator, if any."""
    return next(
        (
            r
            for r in registry.feedback_rules(appraisal.pack)
            if r.role == appraisal.role and r.indicator == indicator
        ),
        None,
    )


def rules_of(appraisal: Appraisal) -> tuple[FeedbackRule, ...]:
    return tuple(r for r in registry.feedback_rules(appraisal.pack) if r.role == appraisal.role)


def may_nominate(user, a: Appraisal) -> bool:
    """HR of the company, or the appraised employee's direct supervisor."""
    if user is None or not user.is_authenticated:
        return False
    if is_hr(user, a.company_id):
        return True
    sup = a.employee.supervisor
    return sup is not None and sup.user_id == user.pk and sup.user_id != a.employee.user_id


def _refuse(a: Appraisal, message: str, rule: str) -> Forbidden:
    exc = Forbidden(message, field="actor", rule=rule)
    exc.denied = (a.company_id, a.pk, CODE)
    return exc


def _clean_nominees(a: Appraisal, rule: FeedbackRule, nominees) -> list[dict]:
    """[(user id, group)] → [{"user", "group"}]: known groups, each person once, active
    people of the company, never the appraised employee."""
    if not isinstance(nominees, list | tuple) or not nominees:
        raise InvalidInput("nominate at least one rater", field="nominees", rule="required")
    out, seen = [], set()
    for user_id, group in nominees:
        if rule.group(group) is None:
            raise InvalidInput(
                "no such group of raters: %(group)s",
                field="nominees",
                rule="choices",
                params={"group": group},
            )
        if user_id in seen:
            raise InvalidInput("each rater is nominated once", field="nominees", rule="unique")
        seen.add(user_id)
        out.append({"user": int(user_id), "group": group})
    people = set(
        Employee.objects.filter(
            company_id=a.company_id, user_id__in=seen, status=Employee.Status.ACTIVE
        ).values_list("user_id", flat=True)
    )
    if seen - people:
        raise InvalidInput(
            "a rater must be an active person of the company", field="nominees", rule="exists"
        )
    if a.employee.user_id in seen:
        raise InvalidInput(
            "the appraised employee does not rate themselves", field="nominees", rule="self"
        )
    return out


@audits_denials
def feedback_nominate(*, actor, appraisal_id: int, indicator: str, nominees) -> FeedbackRound:
    """Nominate the raters of one indicator's 360° feedback: [(user id, group)]. HR's
    nomination opens the raters' tasks at once; the supervisor's too, unless the pack
    has HR approve it first (`hr_approves`)."""
    with transaction.atomic():
        a = lock_appraisal(appraisal_id)
        if not may_nominate(actor, a):
            raise _refuse(a, "only HR or the direct supervisor nominates raters", "nominate")
        rule = rule_for(a, indicator)
        if rule is None:
            raise InvalidInput(
                "this indicator asks for no 360° feedback", field="indicator", rule="choices"
            )
        if a.state != Appraisal.State.IN_PROGRESS:
            raise Conflict(
                "the appraisal is no longer in progress", field="appraisal", rule="state"
            )
        clean = _clean_nominees(a, rule, nominees)
        if (
            FeedbackRound.objects.filter(appraisal=a, indicator=indicator)
            .exclude(state=FeedbackRound.State.CANCELLED)
            .exists()
        ):
            raise Conflict(
                "the raters of this indicator are nominated already",
                field="indicator",
                rule="once",
            )
        now = clock.now()
        r = FeedbackRound.objects.create(
            appraisal=a,
            company_id=a.company_id,
            indicator=indicator,
            nominated_by=actor,
            nominated_at=now,
            nominees=clean,
        )
        record_for(
            a,
            actor=actor,
            role="hr" if is_hr(actor, a.company_id) else "supervisor",
            action="feedback_nominate",
            after={"indicator": indicator, "raters": len(clean), "groups": _counts(clean)},
        )
        if rule.hr_approves and not is_hr(actor, a.company_id):
            return r
        _open(r, a, rule, actor, now)
    return r


def _counts(nominees: list[dict]) -> dict[str, int]:
    out: dict[str, int] = {}
    for n in nominees:
        out[n["group"]] = out.get(n["group"], 0) + 1
    return out


@audits_denials
def feedback_approve(*, actor, round_id: int) -> FeedbackRound:
    """HR approves a supervisor's nomination: the raters' tasks open."""
    with transaction.atomic():
        a, r = _lock(round_id)
        if not is_hr(actor, a.company_id):
            raise _refuse(a, "only HR approves a nomination", "approve")
        if r.state != FeedbackRound.State.PROPOSED:
            raise Conflict("the nomination is approved already", field="round", rule="once")
        _open(r, a, rule_for(a, r.indicator), actor, clock.now())
    return r


def _lock(round_id: int) -> tuple[Appraisal, FeedbackRound]:
    row = FeedbackRound.objects.filter(pk=round_id).values("appraisal_id").first()
    if row is None:
        raise NotFound("no such 360° feedback", field="round", rule="exists")
    a = lock_appraisal(row["appraisal_id"])
    return a, FeedbackRound.objects.select_for_update(no_key=True, of=("self",)).get(pk=round_id)


def _open(r: FeedbackRound, a: Appraisal, rule: FeedbackRule, actor, now: dt.datetime) -> None:
    """The raters' tasks, due the rule's working days after today, on the calendar."""
    company = a.company
    cal = calendar_for(company)
    today = now.astimezone(zoneinfo.ZoneInfo(company.time_zone)).date()
    m = moments(cal.add_working_days(today, rule.working_days), cal, company.time_zone)
    RaterTask.objects.bulk_create(
        RaterTask(
            round=r,
            appraisal=a,
            company_id=a.company_id,
            seq=i,
            code=CODE,
            assignee_id=n["user"],
            rater_group=n["group"],
            due_date=m.due_date,
            due_at=m.due_at,
            remind_before_at=m.remind_before_at,
            remind_due_at=m.remind_due_at,
        )
        for i, n in enumerate(r.nominees, start=1)
    )
    r.state, r.opened_at, r.due_date, r.due_at = FeedbackRound.State.OPEN, now, m.due_date, m.due_at
    r.approved_by = actor
    r.save(update_fields=["state", "opened_at", "due_date", "due_at", "approved_by"])
    record_for(
        a,
        actor=actor,
        role="hr" if is_hr(actor, a.company_id) else "supervisor",
        action="feedback_open",
        after={"indicator": r.indicator, "raters": len(r.nominees), "due_date": m.due_date},
    )
    params = {
        "employee": a.employee.name,
        "period": a.cycle.period,
        "step": CODE,
        "due": m.due_date.isoformat(),
    }
    notify_many(
        Message(
            n["user"],
            a.company_id,
            "feedback_open",
            f"360度反馈/360° feedback: {a.employee.name} {a.cycle.period}, "
            f"due {m.due_date.isoformat()}",
            f"feedback_open:{r.pk}:{n['user']}",
            None,  # the rater does not read the appraisal: no link to it
            params,
        )
        for n in r.nominees
    )


def _score(a: Appraisal, indicator: str, raw) -> Decimal:
    """One rater's score, checked by the indicator's own parser (its range): the field
    is `score`."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise InvalidInput("give a score", field="score", rule="required")
    entry_check(template_for(a), f"values.{indicator}", raw, "score")
    try:
        return to_decimal(raw)
    except ValueError as exc:  # entry_check refused it first; kept for safety
        raise InvalidInput("must be a number", field="score", rule="type") from exc


@audits_denials
def feedback_rate(*, actor, task_id: int, score, comment: str = "") -> RaterTask:
    """The nominated rater answers once: a score within the indicator's range and an
    optional comment. Of two answers at once exactly one is kept (a conditional update
    of the open task); the last answer of the round closes it."""
    if comment is None:
        comment = ""
    if not isinstance(comment, str):
        raise InvalidInput("must be text", field="comment", rule="type")
    comment = comment.strip()
    if len(comment) > COMMENT_LIMIT:
        raise InvalidInput(
            "at most %(n)s characters", field="comment", rule="max_length", params={"n": 2000}
        )
    row = RaterTask.objects.filter(pk=task_id).values("round_id", "assignee_id").first()
    if row is None or actor is None or row["assignee_id"] != actor.pk:
        raise NotFound("no such task of yours", field="task", rule="exists")
    with transaction.atomic():
        a, r = _lock(row["round_id"])
        value = _score(a, r.indicator, score)
        if r.state != FeedbackRound.State.OPEN:
            raise Conflict("the feedback is closed", field="task", rule="closed")
        now = clock.now()
        task = RaterTask.objects.get(pk=task_id)
        won = RaterTask.objects.filter(pk=task_id, state=RaterTask.State.OPEN).update(
            state=RaterTask.State.DONE,
            score=value,
            comment=comment,
            completed_at=now,
            completed_by=actor,
            late=now > task.due_at,
        )
        if not won:
            raise Conflict("you answered already", field="task", rule="once")
        record_for(
            a,
            actor=actor,
            role="rater",
            action="feedback_answer",
            after={
                "indicator": r.indicator,
                "group": task.rater_group,
                "score": value,
                "comment": comment,
                "late": now > task.due_at,
            },
        )
        if not RaterTask.objects.filter(round=r, state=RaterTask.State.OPEN).exists():
            _close(a, r, now)
    task.refresh_from_db()
    return task


def answers_of(r: FeedbackRound) -> dict[str, list[Decimal]]:
    out: dict[str, list[Decimal]] = {}
    for group, score in RaterTask.objects.filter(round=r, state=RaterTask.State.DONE).values_list(
        "rater_group", "score"
    ):
        out.setdefault(group, []).append(score)
    return out


def round_close(*, round_id: int, at: dt.datetime) -> bool:
    """Close a round at its due moment with the answers it has (the sweep); whether it
    closed now (False: closed already, or not yet due)."""
    with transaction.atomic():
        a, r = _lock(round_id)
        if r.state != FeedbackRound.State.OPEN or r.due_at is None or r.due_at >= at:
            return False
        _close(a, r, at)
    return True


def _close(a: Appraisal, r: FeedbackRound, now: dt.datetime) -> None:
    """The aggregate by the pack's rule becomes the indicator's value through the one
    writer, when some group met its fewest answers and the appraisal is in progress;
    the unanswered tasks close."""
    rule = rule_for(a, r.indicator)
    agg = aggregate(rule, answers_of(r))
    RaterTask.objects.filter(round=r, state=RaterTask.State.OPEN).update(
        state=RaterTask.State.CLOSED
    )
    r.state, r.closed_at, r.value = FeedbackRound.State.DONE, now, agg.value
    r.explanation = _json(agg.as_json())
    writes = agg.value is not None and a.state == Appraisal.State.IN_PROGRESS
    if writes:
        entries_write(
            actor=None,
            appraisal=a,
            clean={"values": {"system": {r.indicator: str(agg.value)}}},
            by="system",
            action="feedback_aggregate",
            after={"feedback": r.explanation},
        )
        r.written = True
    else:
        record_for(
            a,
            actor=None,
            role="system",
            action="feedback_close",
            reason=(
                "too few answers in every group"
                if agg.value is None
                else "the appraisal is no longer in progress"
            ),
            after={"feedback": r.explanation},
        )
    r.save(update_fields=["state", "closed_at", "value", "explanation", "written"])


def _json(data):
    """Decimals as text: the explanation is stored as JSON."""
    if isinstance(data, dict):
        return {k: _json(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [_json(v) for v in data]
    return str(data) if isinstance(data, Decimal) else data
