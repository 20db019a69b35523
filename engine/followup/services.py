"""Writes after the result: the employee's signed acknowledgement, the supervisor's
feedback interview and the employee's answer to its record. Each locks the appraisal,
then its step, checks who may act, writes and records the audit event on the
appraisal's trail in the same transaction."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.db import transaction

from engine import clock
from engine.appraisals.models import Appraisal, ResultVersion
from engine.appraisals.services import lock_appraisal
from engine.appraisals.services.routing import audits_denials
from engine.audit.services import record_for
from engine.deadlines.holding import holds
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.notifications.services import Message, notify_many

from . import signals
from .models import FollowUp
from .opening import followups_open, version_hash
from .plans import (
    plan_goal_add,
    plan_goal_check_in,
    plan_goal_edit,
    plan_goal_withdraw,
    plan_open_if_required,
)
from .tell import tell_objection

__all__ = [
    "acknowledgement_sign",
    "followups_open",
    "interview_record",
    "interview_respond",
    "interview_schedule",
    "plan_goal_add",
    "plan_goal_check_in",
    "plan_goal_edit",
    "plan_goal_withdraw",
    "plan_open_if_required",
    "version_hash",
]

LONG_TEXT = 4000


def _text(value, field: str, *, required: bool, limit: int = LONG_TEXT) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidInput("must be text", field=field, rule="type")
    value = value.strip()
    if required and not value:
        raise InvalidInput("this field is required", field=field, rule="required")
    if len(value) > limit:
        raise InvalidInput(f"at most {limit} characters", field=field, rule="max_length")
    return value


def _local(moment: dt.datetime, a: Appraisal) -> str:
    return moment.astimezone(zoneinfo.ZoneInfo(a.company.time_zone)).strftime("%Y-%m-%d %H:%M")


def _lock(followup_id: int, kind: FollowUp.Kind) -> tuple[Appraisal, FollowUp]:
    """The appraisal, then its step (the one lock order)."""
    row = FollowUp.objects.filter(pk=followup_id, kind=kind).values("appraisal_id").first()
    if row is None:
        raise NotFound(f"no such {kind.label}", field="followup", rule="exists")
    a = lock_appraisal(row["appraisal_id"])
    f = FollowUp.objects.select_for_update(no_key=True, of=("self",)).get(pk=followup_id)
    return a, f


def _refuse(actor, a: Appraisal, f: FollowUp, attempt: str, message: str, rule: str):
    """A refusal, audited after its transaction rolled back (`audits_denials`)."""
    exc = Forbidden(message, field="actor", rule=rule)
    exc.denied = (a.company_id, a.pk, f.code)
    return exc


@audits_denials
def acknowledgement_sign(
    *,
    actor,
    followup_id: int,
    password: str,
    decision: str,
    version_hash_seen: str,
    reason: str = "",
) -> FollowUp:
    """The appraised employee confirms having read the published version they were
    shown (`version_hash_seen`), or declines with a reason, and signs by entering the
    password again. The appeal window is not touched: acknowledging waives nothing."""
    if decision not in (FollowUp.Decision.ACKNOWLEDGED, FollowUp.Decision.DECLINED):
        raise InvalidInput("choose acknowledge or decline", field="decision", rule="choices")
    reason = _text(reason, "reason", required=decision == FollowUp.Decision.DECLINED)
    with transaction.atomic():
        a, f = _lock(followup_id, FollowUp.Kind.ACKNOWLEDGE)
        if actor is None or f.assignee_id != actor.pk or a.employee.user_id != actor.pk:
            raise _refuse(
                actor, a, f, "acknowledge", "only the appraised employee signs", "own_result"
            )
        if f.state == FollowUp.State.SUPERSEDED:
            raise Conflict(
                "a corrected version was published: read it and sign that one",
                field="version",
                rule="superseded",
            )
        if f.state != FollowUp.State.OPEN:
            raise Conflict("this version is signed already", field="followup", rule="signed")
        version = ResultVersion.objects.get(appraisal=a, number=f.version)
        signed = version_hash(version)
        if version_hash_seen != signed or a.result_version != f.version:
            raise Conflict(
                "the result changed since you opened the page: read it again before signing",
                field="version_hash",
                rule="current",
            )
        if not isinstance(password, str) or not actor.check_password(password):
            raise InvalidInput(
                "the password is not right: signing needs your own password",
                field="password",
                rule="password",
            )
        now = clock.now()
        f.state, f.decision, f.reason, f.version_hash = (
            FollowUp.State.DONE,
            decision,
            reason,
            signed,
        )
        f.completed_at, f.completed_by_id, f.late = now, actor.pk, now > f.due_at
        f.save(
            update_fields=[
                "state",
                "decision",
                "reason",
                "version_hash",
                "completed_at",
                "completed_by",
                "late",
            ]
        )
        record_for(
            a,
            actor=actor,
            role="self",
            action=(
                "acknowledge"
                if decision == FollowUp.Decision.ACKNOWLEDGED
                else "acknowledge_decline"
            ),
            reason=reason,
            after={"version": f.version, "hash": signed, "late": f.late},
        )
        if decision == FollowUp.Decision.DECLINED:
            tell_objection(a, f, kind="acknowledgement_declined", text=reason)
        signals.signed.send(sender=FollowUp, appraisal=a, version=f.version)
    return f


def _holder_step(actor, followup_id: int, attempt: str) -> tuple[Appraisal, FollowUp]:
    a, f = _lock(followup_id, FollowUp.Kind.INTERVIEW)
    if actor is None or actor.pk == a.employee.user_id or not holds(actor, f):
        raise _refuse(
            actor, a, f, attempt, "only the supervisor holding it holds the interview", "holder"
        )
    if f.state != FollowUp.State.OPEN:
        raise Conflict("the interview is recorded already", field="followup", rule="interview_done")
    return a, f


# How far ahead an interview may be set: a typo of a year ("2027" for "2026") is refused.
FURTHEST_AHEAD = dt.timedelta(days=92)


def _check_when(when: dt.datetime, f: FollowUp, a: Appraisal) -> None:
    """An interview is set from now on (a past time is recorded as held, not scheduled),
    and not months ahead: the messages name the moment and the latest day allowed."""
    now = clock.now()
    if when < max(now, f.opened_at):
        raise InvalidInput(
            "The interview time cannot be before now (%(now)s).",
            field="when",
            rule="not_before_now",
            params={"now": _local(now, a)},
        )
    latest = now + FURTHEST_AHEAD
    if when > latest:
        raise InvalidInput(
            "The interview time can be at most three months ahead: %(latest)s at the latest.",
            field="when",
            rule="furthest",
            params={"latest": _local(latest, a)[:10]},
        )


@audits_denials
def interview_schedule(*, actor, followup_id: int, when: dt.datetime, place: str) -> FollowUp:
    """The supervisor sets when and where the interview takes place (again to move it)."""
    if not isinstance(when, dt.datetime) or when.tzinfo is None:
        raise InvalidInput("a date and time", field="when", rule="type")
    place = _text(place, "place", required=True, limit=200)
    with transaction.atomic():
        a, f = _holder_step(actor, followup_id, "interview_schedule")
        _check_when(when, f, a)
        before = {"when": f.scheduled_for, "place": f.place} if f.scheduled_for else None
        f.scheduled_for, f.place = when, place
        f.save(update_fields=["scheduled_for", "place"])
        record_for(
            a,
            actor=actor,
            role="supervisor",
            action="interview_schedule",
            before=before,
            after={"when": when, "place": place},
        )
        notify_many(
            [
                Message(
                    a.employee.user_id,
                    a.company_id,
                    "interview_scheduled",
                    f"绩效面谈/Feedback interview: {when.isoformat()} {place}",
                    f"interview_scheduled:{f.pk}:{when.isoformat()}",
                    a.pk,
                    {"period": a.cycle.period, "when": _local(when, a), "place": place},
                )
            ]
        )
    return f


def _held(held_at, f: FollowUp, a: Appraisal, now: dt.datetime) -> dt.datetime:
    """When the interview was held: as typed (earlier than planned, or recorded days
    later), else the time it was set for; never ahead of now nor before the result."""
    if held_at is None:
        held_at = f.scheduled_for or now
        if held_at > now:
            # A record of what was said, before it was said, would be a fiction that the
            # employee is then asked to confirm.
            raise Conflict(
                "the interview is scheduled for later: record it once it has been held",
                field="followup",
                rule="interview_not_held",
            )
        return held_at
    if not isinstance(held_at, dt.datetime) or held_at.tzinfo is None:
        raise InvalidInput("a date and time", field="held_at", rule="type")
    if held_at > now:
        raise InvalidInput(
            "The interview cannot have been held later than now (%(now)s).",
            field="held_at",
            rule="held_future",
            params={"now": _local(now, a)},
        )
    if held_at < f.opened_at:
        raise InvalidInput(
            "The interview cannot have been held before the result was published (%(at)s).",
            field="held_at",
            rule="held_before_result",
            params={"at": _local(f.opened_at, a)},
        )
    return held_at


@audits_denials
def interview_record(
    *,
    actor,
    followup_id: int,
    strengths: str,
    gaps: str,
    actions: str,
    held_at: dt.datetime | None = None,
) -> FollowUp:
    """The interview was held (at `held_at`, by default the time it was set for): what
    went well, what falls short and the actions agreed. Held after its due moment, it
    is recorded as late (a missed interview's penalty, if the pack names one, was
    charged at the due moment by the sweep)."""
    strengths = _text(strengths, "strengths", required=True)
    gaps = _text(gaps, "gaps", required=True)
    actions = _text(actions, "actions", required=True)
    with transaction.atomic():
        a, f = _holder_step(actor, followup_id, "interview_record")
        now = clock.now()
        held = _held(held_at, f, a, now)
        f.strengths, f.gaps, f.actions = strengths, gaps, actions
        f.state, f.completed_at, f.completed_by_id = FollowUp.State.DONE, now, actor.pk
        f.held_at, f.late = held, held > f.due_at
        if f.scheduled_for is None:
            f.scheduled_for = held
        f.save(
            update_fields=[
                "strengths",
                "gaps",
                "actions",
                "state",
                "completed_at",
                "completed_by",
                "late",
                "scheduled_for",
                "held_at",
            ]
        )
        record_for(
            a,
            actor=actor,
            role="supervisor",
            action="interview_record",
            after={
                "strengths": strengths,
                "gaps": gaps,
                "actions": actions,
                "held_at": held,
                "late": f.late,
                "due_date": f.due_date.isoformat(),
            },
        )
        notify_many(
            [
                Message(
                    a.employee.user_id,
                    a.company_id,
                    "interview_recorded",
                    "绩效面谈记录待确认/Confirm your interview record",
                    f"interview_recorded:{f.pk}",
                    a.pk,
                    {"period": a.cycle.period},
                )
            ]
        )
    return f


@audits_denials
def interview_respond(*, actor, followup_id: int, confirmed: bool, comment: str = "") -> FollowUp:
    """The employee confirms the interview's record, or comments on it (a comment is
    required when not confirming); once."""
    if not isinstance(confirmed, bool):
        raise InvalidInput("confirm or comment", field="confirmed", rule="choices")
    comment = _text(comment, "comment", required=not confirmed)
    with transaction.atomic():
        a, f = _lock(followup_id, FollowUp.Kind.INTERVIEW)
        if actor is None or actor.pk != a.employee.user_id:
            raise _refuse(
                actor,
                a,
                f,
                "interview_respond",
                "only the appraised employee answers",
                "own_result",
            )
        if f.state != FollowUp.State.DONE:
            raise Conflict(
                "the interview has not been recorded yet", field="followup", rule="recorded"
            )
        if f.response:
            raise Conflict("you answered already", field="followup", rule="once")
        f.response = FollowUp.Response.CONFIRMED if confirmed else FollowUp.Response.COMMENTED
        f.comment, f.responded_at = comment, clock.now()
        f.save(update_fields=["response", "comment", "responded_at"])
        record_for(
            a,
            actor=actor,
            role="self",
            action="interview_confirm" if confirmed else "interview_comment",
            reason=comment,
            after={"response": f.response},
        )
        if not confirmed:
            tell_objection(a, f, kind="interview_commented", text=comment)
    return f
