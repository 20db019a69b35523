"""Raters added to an open 360° feedback round: HR or the direct supervisor asks more
people (a group nominated too thin, a rater who left), audited on the appraisal's
trail; the new raters get their tasks, due with the round, and are told."""

from __future__ import annotations

from django.db import transaction

from engine.appraisals.models import Appraisal
from engine.appraisals.services.routing import audits_denials
from engine.audit.services import record_for
from engine.deadlines.due import moments
from engine.errors import Conflict, InvalidInput
from engine.notifications.services import Message, notify_many
from engine.org.selectors import calendar_for, is_hr

from .models import FeedbackRound, RaterTask
from .services import CODE, _clean_nominees, _counts, _lock, _refuse, may_nominate, rule_for


@audits_denials
def feedback_add_raters(*, actor, round_id: int, nominees) -> list[RaterTask]:
    """Add raters [(user id, group)] to an open round; each person is asked once."""
    with transaction.atomic():
        a, r = _lock(round_id)
        if not may_nominate(actor, a):
            raise _refuse(a, "only HR or the direct supervisor nominates raters", "nominate")
        if r.state != FeedbackRound.State.OPEN or a.state != Appraisal.State.IN_PROGRESS:
            raise Conflict(
                "raters are added while the round collects answers", field="round", rule="state"
            )
        clean = _clean_nominees(a, rule_for(a, r.indicator), nominees)
        if {n["user"] for n in r.nominees} & {n["user"] for n in clean}:
            raise InvalidInput("each rater is nominated once", field="nominees", rule="unique")
        company = a.company
        m = moments(r.due_date, calendar_for(company), company.time_zone)
        last = r.tasks.order_by("-seq").values_list("seq", flat=True).first() or 0
        tasks = RaterTask.objects.bulk_create(
            RaterTask(
                round=r,
                appraisal=a,
                company_id=a.company_id,
                seq=last + i,
                code=CODE,
                assignee_id=n["user"],
                rater_group=n["group"],
                due_date=m.due_date,
                due_at=m.due_at,
                remind_before_at=m.remind_before_at,
                remind_due_at=m.remind_due_at,
            )
            for i, n in enumerate(clean, start=1)
        )
        r.nominees = [*r.nominees, *clean]
        r.save(update_fields=["nominees"])
        record_for(
            a,
            actor=actor,
            role="hr" if is_hr(actor, a.company_id) else "supervisor",
            action="feedback_add_raters",
            after={"indicator": r.indicator, "raters": len(clean), "groups": _counts(clean)},
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
            for n in clean
        )
    return tasks
