"""Writes of the committee review: HR forms the committee, each member scores, the
chair closes. Each locks the appraisal first (the one lock order), then the committee's
rows, checks who may act, writes and records the audit event on the appraisal's trail
in the same transaction. The combined score is written only through
`engine.appraisals.entries` (the one writer of an appraisal's values)."""

from __future__ import annotations

import zoneinfo
from decimal import Decimal, InvalidOperation

from django.db import transaction

from engine import clock
from engine.appraisals.entries import entries_write, entry_check
from engine.appraisals.models import Appraisal
from engine.appraisals.pinned_templates import template_for
from engine.appraisals.services import lock_appraisal
from engine.appraisals.services.routing import audits_denials
from engine.audit.services import record_for
from engine.busy import retrying
from engine.deadlines.due import moments
from engine.deadlines.holding import holds
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.notifications.services import Message, notify_many
from engine.org.models import Employee
from engine.org.selectors import calendar_for, is_hr
from engine.plugins import registry
from engine.scoring.committee import MAX_SCORE, CommitteeReview, combine, reviews_for

from .models import Committee, CommitteeTask, SelfReport
from .reports import report_save, tell_appraisee

__all__ = ["committee_close", "committee_form", "committee_score", "report_save", "review_of"]

LONG_TEXT = 4000
CLOSE_SEQ = 100  # the chair's task comes after every member's


def review_of(a: Appraisal) -> CommitteeReview | None:
    """The pack's committee review for this appraisal's role and cycle kind, if any."""
    return reviews_for(registry.committee_reviews(a.pack), a.role, a.cycle.kind)


def _refuse(a: Appraisal, code: str, message: str, rule: str, field: str = "actor"):
    """A refusal, audited after its transaction rolled back (`audits_denials`)."""
    exc = Forbidden(message, field=field, rule=rule)
    exc.denied = (a.company_id, a.pk, code)
    return exc


def _people(company_id: int, ids, field: str) -> dict[int, Employee]:
    """The users named, each an employee of the company with an account: user id → employee."""
    if not isinstance(ids, list | tuple) or not all(
        isinstance(i, int) and not isinstance(i, bool) for i in ids
    ):
        raise InvalidInput("choose people from the list", field=field, rule="people")
    found = {
        e.user_id: e
        for e in Employee.objects.filter(
            company_id=company_id, user_id__in=ids, user__is_active=True
        ).select_related("user")
    }
    missing = [i for i in ids if i not in found]
    if missing:
        raise InvalidInput(
            "choose people of this company who can sign in", field=field, rule="company"
        )
    return found


def _due(a: Appraisal, working_days: int):
    cal = calendar_for(a.company)
    today = clock.now().astimezone(zoneinfo.ZoneInfo(a.company.time_zone)).date()
    return cal, moments(cal.add_working_days(today, working_days), cal, a.company.time_zone)


def _task(committee: Committee, a: Appraisal, seq: int, kind, user_id: int, m) -> CommitteeTask:
    return CommitteeTask(
        committee=committee,
        appraisal=a,
        company_id=a.company_id,
        seq=seq,
        code=f"committee_{kind.value}",
        kind=kind,
        assignee_id=user_id,
        due_date=m.due_date,
        due_at=m.due_at,
        remind_before_at=m.remind_before_at,
        remind_due_at=m.remind_due_at,
    )


@audits_denials
@retrying
def committee_form(*, actor, appraisal_id: int, members: list[int], chair: int) -> Committee:
    """HR forms the appraisal leadership group for one appraisal: its members (at least
    the pack's quorum, never the appraised employee) and its chair, one of them. Each
    member gets a scoring task due the pack's working days from today; the chair gets
    the closing task, due one working day after."""
    if not isinstance(chair, int) or isinstance(chair, bool):
        raise InvalidInput("choose the chair from the members", field="chair", rule="chair")
    with transaction.atomic():
        a = lock_appraisal(appraisal_id)
        if actor is None or not is_hr(actor, a.company_id):
            raise _refuse(a, "committee_form", "only HR forms a committee", "hr")
        review = review_of(a)
        if review is None:
            raise InvalidInput(
                "this person's role is not reviewed by a committee in this cycle",
                field="appraisal",
                rule="committee_review",
            )
        if a.state != Appraisal.State.IN_PROGRESS:
            raise Conflict(
                "the appraisal is no longer in progress", field="appraisal", rule="in_progress"
            )
        if Committee.objects.filter(appraisal=a).exists():
            raise Conflict("a committee is formed already", field="appraisal", rule="once")
        people = _people(a.company_id, members, "members")
        if len(set(members)) != len(members):
            raise InvalidInput("each member once", field="members", rule="unique")
        if len(members) < review.quorum:
            raise InvalidInput(
                "at least %(quorum)s members",
                field="members",
                rule="quorum",
                params={"quorum": str(review.quorum)},
            )
        if a.employee.user_id in members:
            raise InvalidInput(
                "the appraised person cannot sit on their own committee",
                field="members",
                rule="not_self",
            )
        if chair not in members:
            raise InvalidInput("the chair must be one of the members", field="chair", rule="member")
        now = clock.now()
        committee = Committee.objects.create(
            appraisal=a,
            company_id=a.company_id,
            chair_id=chair,
            indicator=review.indicator,
            rule=review.rule,
            quorum=review.quorum,
            weight=review.weight,
            formed_by=actor,
            formed_at=now,
        )
        cal, m = _due(a, review.working_days)
        close = moments(cal.add_working_days(m.due_date, 1), cal, a.company.time_zone)
        tasks = [
            _task(committee, a, i, CommitteeTask.Kind.SCORE, uid, m)
            for i, uid in enumerate(members, start=1)
        ]
        tasks.append(_task(committee, a, CLOSE_SEQ, CommitteeTask.Kind.CLOSE, chair, close))
        CommitteeTask.objects.bulk_create(tasks)
        record_for(
            a,
            actor=actor,
            role="hr",
            action="committee_form",
            after={
                "members": [{"user": uid, "name": people[uid].name} for uid in members],
                "chair": people[chair].name,
                "combination": review.rule,
                "quorum": review.quorum,
                "weight": review.weight,
                "due_date": m.due_date.isoformat(),
            },
        )
        _tell(a, tasks)
        tell_appraisee(a, committee, m.due_date)
    return committee


def _tell(a: Appraisal, tasks: list[CommitteeTask]) -> None:
    notify_many(
        Message(
            t.assignee_id,
            a.company_id,
            "committee_open",
            f"考核领导小组/Committee review: {a.employee.name} {a.cycle.period} {t.code}, "
            f"due {t.due_date.isoformat()}",
            f"committee_open:{t.committee_id}:{t.seq}",
            a.pk,
            {
                "employee": a.employee.name,
                "period": a.cycle.period,
                "step": t.code,
                "due": t.due_date.isoformat(),
            },
        )
        for t in tasks
    )


def _lock_task(task_id: int, kind) -> tuple[Appraisal, Committee, CommitteeTask]:
    """The appraisal, then the committee, then the task (the one lock order)."""
    row = CommitteeTask.objects.filter(pk=task_id, kind=kind).values("appraisal_id").first()
    if row is None:
        raise NotFound("no such committee task", field="task", rule="exists")
    a = lock_appraisal(row["appraisal_id"])
    committee = Committee.objects.select_for_update(no_key=True).get(appraisal=a)
    task = CommitteeTask.objects.select_for_update(no_key=True).get(pk=task_id)
    return a, committee, task


def parse_score(raw) -> Decimal:
    """A member's score: a number from 0 to 100 with at most two decimals."""
    if isinstance(raw, bool) or raw is None or raw == "":
        raise InvalidInput("a number from 0 to 100", field="score", rule="score_required")
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation as exc:
        raise InvalidInput("a number from 0 to 100", field="score", rule="score_type") from exc
    if not value.is_finite() or not Decimal(0) <= value <= MAX_SCORE:
        raise InvalidInput("a number from 0 to 100", field="score", rule="score_range")
    if value != value.quantize(Decimal("0.01")):
        raise InvalidInput("at most two decimals", field="score", rule="decimals")
    return value.quantize(Decimal("0.01"))


def _text(value, field: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidInput("must be text", field=field, rule="text")
    value = value.strip()
    if len(value) > LONG_TEXT:
        raise InvalidInput(f"at most {LONG_TEXT} characters", field=field, rule="max_length")
    return value


@audits_denials
@retrying
def committee_score(*, actor, task_id: int, score, comment: str = "") -> CommitteeTask:
    """A member scores the submitted self-report, once, while the review is open; the
    trail records who scored, what and when."""
    value = parse_score(score)
    comment = _text(comment, "comment")
    with transaction.atomic():
        a, committee, task = _lock_task(task_id, CommitteeTask.Kind.SCORE)
        if actor is None or actor.pk == a.employee.user_id or not holds(actor, task):
            raise _refuse(a, task.code, "only the member holding it scores", "member")
        if committee.state == Committee.State.CLOSED:
            raise Conflict("the committee review is closed", field="task", rule="closed")
        if task.state != CommitteeTask.State.OPEN:
            raise Conflict("you have scored already", field="score", rule="once")
        report = SelfReport.objects.filter(appraisal=a).only("state").first()
        if report is None or report.state != SelfReport.State.SUBMITTED:
            raise Conflict(
                "the self-report is not submitted yet: score it once the employee hands it in",
                field="report",
                rule="submitted",
            )
        now = clock.now()
        task.score, task.comment, task.state = value, comment, CommitteeTask.State.DONE
        task.completed_at, task.completed_by_id = now, actor.pk
        task.save(update_fields=["score", "comment", "state", "completed_at", "completed_by"])
        record_for(
            a,
            actor=actor,
            role="committee",
            action="committee_score",
            reason=comment,
            after={
                "score": value,
                "member": task.assignee_id,
                "at": now,
                "late": now > task.due_at,
            },
        )
        _tell_chair_at_quorum(a, committee)
    return task


def _tell_chair_at_quorum(a: Appraisal, committee: Committee) -> None:
    """The score that reaches the quorum tells the chair the review can be closed (once:
    later scores do not repeat it)."""
    scored = committee.tasks.filter(
        kind=CommitteeTask.Kind.SCORE, state=CommitteeTask.State.DONE
    ).count()
    if scored != committee.quorum:
        return
    notify_many(
        [
            Message(
                committee.chair_id,
                a.company_id,
                "committee_ready",
                f"考核领导小组/Committee review: {a.employee.name} {a.cycle.period}, "
                f"{scored} scored: ready to close",
                f"committee_ready:{committee.pk}",
                a.pk,
                {"employee": a.employee.name, "period": a.cycle.period, "n": str(scored)},
            )
        ]
    )


def _explanation(committee: Committee, done: list[CommitteeTask]) -> dict:
    scores = [t.score for t in done]
    result = combine(scores, committee.rule)
    return {
        "combination": committee.rule,
        "quorum": committee.quorum,
        "weight": str(committee.weight),
        "members": [
            {
                "user": t.assignee_id,
                "name": (getattr(t.assignee, "employee", None) and t.assignee.employee.name)
                or t.assignee.get_username(),
                "score": str(t.score),
                "at": t.completed_at.isoformat(),
            }
            for t in done
        ],
        "lines": result.lines(),
        "score": str(result.score),
        "weighted": str((result.score * committee.weight).quantize(Decimal("0.01"))),
    }


@audits_denials
@retrying
def committee_close(*, actor, committee_id: int) -> Committee:
    """The chair closes the review once at least the quorum has scored: the members'
    scores are combined by the pack's rule and the result is written to the role's
    indicator through the one writer, audited with the combination line by line. A
    second close (or one racing it) is refused: exactly one wins."""
    row = Committee.objects.filter(pk=committee_id).values("appraisal_id").first()
    if row is None:
        raise NotFound("no such committee", field="committee", rule="exists")
    with transaction.atomic():
        a = lock_appraisal(row["appraisal_id"])
        committee = Committee.objects.select_for_update(no_key=True).get(pk=committee_id)
        close = committee.tasks.select_for_update(no_key=True).get(kind=CommitteeTask.Kind.CLOSE)
        if actor is None or not holds(actor, close):
            raise _refuse(a, close.code, "only the chair closes the review", "chair")
        if committee.state == Committee.State.CLOSED:
            raise Conflict(
                "the committee review is closed already", field="committee", rule="closed"
            )
        if a.state != Appraisal.State.IN_PROGRESS:
            raise Conflict(
                "the appraisal is no longer in progress", field="appraisal", rule="in_progress"
            )
        done = list(
            committee.tasks.filter(kind=CommitteeTask.Kind.SCORE, state=CommitteeTask.State.DONE)
            .select_related("assignee", "assignee__employee")
            .order_by("seq")
        )
        if len(done) < committee.quorum:
            raise Conflict(
                "%(scored)s of %(quorum)s members needed have scored: "
                "the review can be closed once a quorum has scored",
                field="quorum",
                rule="quorum",
                params={"scored": str(len(done)), "quorum": str(committee.quorum)},
            )
        explanation = _explanation(committee, done)
        now = clock.now()
        clean = {"values": {"committee": {committee.indicator: explanation["score"]}}}
        entry_check(template_for(a), f"values.{committee.indicator}", explanation["score"], "score")
        entries_write(
            actor=actor,
            appraisal=a,
            clean=clean,
            by="committee",
            action="committee_close",
            after={"committee": explanation},
        )
        committee.tasks.filter(
            kind=CommitteeTask.Kind.SCORE, state=CommitteeTask.State.OPEN
        ).update(state=CommitteeTask.State.CANCELLED)
        close.state, close.completed_at, close.completed_by_id = (
            CommitteeTask.State.DONE,
            now,
            actor.pk,
        )
        close.save(update_fields=["state", "completed_at", "completed_by"])
        committee.state, committee.closed_at, committee.closed_by = (
            Committee.State.CLOSED,
            now,
            actor,
        )
        committee.combined, committee.explanation = Decimal(explanation["score"]), explanation
        committee.save(update_fields=["state", "closed_at", "closed_by", "combined", "explanation"])
    return committee
