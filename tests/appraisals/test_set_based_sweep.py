"""On PostgreSQL the month-end sweep is done by the database (engine/deadlines/sweep.py,
SetBased): the same step stamps, notifications, outbox rows and chained audit events
as the Python way, row for row and hash for hash. Each moment is swept both ways from
the same state (a savepoint rolled back in between)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import transaction

from engine import clock
from engine.appraisals import services
from engine.appraisals.models import AppraisalStep
from engine.audit.models import AuditChainHead, AuditEvent
from engine.audit.verify import verify
from engine.deadlines.sweep import sweep
from engine.demo.packs import company_on_builtin_packs
from engine.notifications.models import ChannelChoice, Delivery, Notification, Webhook
from engine.org.models import Company, CompanyRole, Employee


def snapshot() -> dict:
    return {
        "steps": list(
            AppraisalStep.objects.order_by("pk").values_list(
                "pk", "reminded_before_at", "reminded_due_at", "overdue_at"
            )
        ),
        "notifications": sorted(
            (
                n.user_id,
                n.key,
                n.company_id,
                n.kind,
                n.message,
                n.appraisal_id,
                json.dumps(n.params, sort_keys=True, ensure_ascii=False),
                n.created_at,
            )
            for n in Notification.objects.all()
        ),
        "deliveries": sorted(
            (
                d.notification.user_id,
                d.notification.key,
                d.channel,
                d.target,
                d.webhook_id,
                d.state,
                d.attempts,
                d.next_attempt_at,
                d.last_status,
                d.last_error,
            )
            for d in Delivery.objects.select_related("notification")
        ),
        "events": [
            (
                e.chain,
                e.seq,
                e.at,
                e.company_id,
                e.actor_id,
                e.actor_label,
                e.role,
                e.object_type,
                e.object_id,
                e.action,
                e.before,
                e.after,
                e.reason,
                e.prev_hash,
                e.hash,
            )
            for e in AuditEvent.objects.order_by("chain", "seq")
        ],
        "heads": list(
            AuditChainHead.objects.order_by("chain").values_list("chain", "last_seq", "last_hash")
        ),
    }


def both_ways(moment) -> tuple[dict, dict]:
    """Sweep at `moment` the Python way, roll back, sweep set-based; keep the latter."""
    clock.set_now(moment)
    undo = transaction.savepoint()
    result = sweep(set_based=False)
    python = {"result": (result.as_dict(), dict(result.by_company)), **snapshot()}
    transaction.savepoint_rollback(undo)
    result = sweep(set_based=True)
    database = {"result": (result.as_dict(), dict(result.by_company)), **snapshot()}
    return python, database


@pytest.mark.postgres
def test_set_based_sweep_writes_what_the_python_sweep_writes(litong, set_clock):
    """Every step of the month open (self-reviews, supervisors, role-held HR, GM and
    board steps), a webhook, a person who turned e-mail off and a name that JSON must
    escape; five moments: the reminders of the day before (Friday for Monday: "the next
    working day"; Wednesday for Thursday: "tomorrow") and of the due day, the first
    steps overdue with the rest reminded, and everything overdue (escalations to supervisors and to HR)."""
    co = litong.company
    ChannelChoice.objects.create(user=litong.u["staff02"], off=["email"])
    yijiali = Company.objects.get(code="yijiali")
    yj_hr = CompanyRole.objects.get(company=yijiali, role="hr").user
    company_on_builtin_packs(actor=yj_hr, company=yijiali)
    for company, hr in ((co, litong.u["hr"]), (yijiali, yj_hr)):  # two chains a batch
        services.cycle_open(
            targets_later=True, actor=hr, company=company, kind="month", period="2026-10"
        )
    AppraisalStep.objects.update(state="open")
    Webhook.objects.create(
        company=co, url="http://127.0.0.1:9/hook", secret="s", created_at=clock.now()
    )
    Employee.objects.filter(user=litong.u["staff03"]).update(name='王"小\\明\t<b>')
    steps = AppraisalStep.objects.all()
    first_due = min(s.due_at for s in steps)
    # the self-review's reminder (Friday 30 October for Monday 2 November) says "the
    # next working day", the supervisor's (Wednesday 4 for Thursday 5) "tomorrow"
    supervisor = min(s.remind_before_at for s in steps if s.code == "supervisor")
    moments = sorted(
        [
            min(s.remind_before_at for s in steps) + dt.timedelta(seconds=1),
            min(s.remind_due_at for s in steps) + dt.timedelta(seconds=1),
            first_due + dt.timedelta(seconds=1),
            supervisor + dt.timedelta(seconds=1),
            max(s.due_at for s in steps) + dt.timedelta(days=1),
        ]
    )
    seen = set()
    for moment in moments:
        python, database = both_ways(moment)
        for part in python:
            assert database[part] == python[part], (moment, part)
        seen |= {n[3] for n in database["notifications"]}
    assert verify()["ok"]
    days = {n.params.get("day") for n in Notification.objects.filter(kind="remind_before")}
    assert days == {"tomorrow", "next_working_day"}
    # Not vacuous: every kind of notice, role-held holders, webhook and e-mail rows.
    assert {"remind_before", "remind_due", "overdue", "step_overdue_escalation"} <= seen
    held = AppraisalStep.objects.filter(assignee__isnull=True, overdue_at__isnull=False)
    assert held.exists()
    assert Notification.objects.filter(
        key__startswith="overdue:", appraisal__steps__assignee__isnull=True
    ).exists()
    assert set(Delivery.objects.values_list("channel", flat=True)) >= {"email", "webhook"}
    assert not Delivery.objects.filter(
        notification__user=litong.u["staff02"], channel="email"
    ).exists()
    assert Notification.objects.filter(params__employee='王"小\\明\t<b>').exists()
    assert AuditEvent.objects.filter(action="overdue").count() == AppraisalStep.objects.count()
    assert AuditEvent.objects.filter(action="overdue", company=yijiali).exists()
