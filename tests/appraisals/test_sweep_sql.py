"""The sweep is SQL over the claimed steps on SQLite and PostgreSQL alike
(engine/deadlines/sweep.py): on the demo workshop's October, what each sweep writes
(stamps, notices in both wordings, supervisors' digests, outbox rows, chained audit
events) and that a late hand-in after the overdue mark still costs its penalty."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from engine.appraisals.models import AppraisalStep
from engine.audit.models import AuditEvent
from engine.audit.verify import verify
from engine.deadlines.sweep import sweep
from engine.notifications.models import ChannelChoice, Delivery, Notification, Webhook
from engine.org.models import Employee
from tests.month import SH, at, step, submit

pytestmark = pytest.mark.django_db


def _told(kind: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for n in Notification.objects.filter(kind=kind).select_related("user"):
        out.setdefault(n.user.username, set()).add(n.params.get("step", ""))
    return out


def test_reminders_overdue_marks_and_digests(workshop, set_clock):
    """Friday 30 October: the self-reviews due Monday are reminded as due "the next
    working day"; Monday: "due today"; Tuesday 00:00: overdue, with one digest to the
    workshop head naming the late staff (key: the steps' sha256, as the Python did);
    each step and kind once in the trail, which verifies; a second sweep adds nothing."""
    w = workshop
    selfs = AppraisalStep.objects.filter(appraisal__cycle=w.cycle, code="self")
    n = selfs.count()
    assert n > 1
    Webhook.objects.create(
        company=w.company, url="http://127.0.0.1:9/hook", secret="s", created_at=at(2026, 10, 31)
    )
    staff = sorted(w.a)[0]
    ChannelChoice.objects.create(user=w.u[staff], off=["email"])
    Employee.objects.filter(user=w.u[staff]).update(name='王"小\\明\t<b>')

    set_clock(dt.datetime(2026, 10, 30, 9, tzinfo=SH))
    first = sweep()
    assert first.remind_before == n and first.notifications == n
    before = Notification.objects.filter(kind="remind_before")
    assert {m.params["day"] for m in before} == {"next_working_day"}
    assert all(m.message.startswith("下一个工作日到期/Due the next working day: ") for m in before)
    odd = before.get(user=w.u[staff])
    assert odd.params["employee"] == '王"小\\明\t<b>' and odd.params["due"] == "2026-11-02"
    own = step(w.a[staff], "self")
    assert odd.key == f"remind_before:{own.appraisal_id}:{own.seq}:{own.rounds}:2026-11-02"
    assert sweep().as_dict() == {**first.as_dict(), **dict.fromkeys(first.as_dict(), 0)}

    set_clock(dt.datetime(2026, 11, 2, 9, tzinfo=SH))
    assert sweep().remind_due == n
    set_clock(dt.datetime(2026, 11, 3, 0, 1, tzinfo=SH))
    late = sweep()
    assert late.overdue == n
    assert selfs.filter(overdue_at__isnull=False).count() == n
    digests = Notification.objects.filter(kind="step_overdue_escalation")
    head = digests.get(user=w.u["workshop_head"])
    reports = set(
        Employee.objects.filter(supervisor__user=w.u["workshop_head"]).values_list(
            "user_id", flat=True
        )
    )
    mine = sorted((s for s in selfs if s.assignee_id in reports), key=lambda s: s.pk)
    assert len(mine) > 1
    ids = ",".join(f"{s.appraisal_id}.{s.seq}.{s.rounds}" for s in mine)
    assert head.key == "overdue_up:" + hashlib.sha256(ids.encode()).hexdigest()[:20]
    assert head.params["count"] == len(mine)
    assert head.message.startswith(f"下属逾期/Overdue under you ({len(mine)}): self #")
    assert head.appraisal_id is None
    assert late.notifications == n + digests.count()

    for kind in ("remind_before", "remind_due", "overdue"):
        events = AuditEvent.objects.filter(action=kind, object_type="appraisals.appraisal")
        assert events.count() == n
        assert all(e.actor_label == "system" and e.role == "system" for e in events)
        assert {e.after["step"] for e in events} == {"self"}
        assert {e.after["due_date"] for e in events} == {"2026-11-02"}
    assert verify()["ok"] is True

    # the outbox: e-mail unless turned off, and the company's webhook for every notice
    hooks = Delivery.objects.filter(channel="webhook")
    swept = ("remind_before", "remind_due", "overdue", "step_overdue_escalation")
    assert hooks.count() == Notification.objects.filter(kind__in=swept).count()
    mail = Delivery.objects.filter(channel="email", notification__kind__in=swept)
    assert not mail.filter(notification__user=w.u[staff]).exists()
    assert mail.exists()


def test_a_late_hand_in_after_the_overdue_mark_costs_its_penalty(workshop, set_clock):
    """The overdue mark changes nothing about the penalty: handed in two days late, the
    self-review is penalised as the template says, and the trail records both."""
    w = workshop
    name = sorted(w.a)[0]
    set_clock(dt.datetime(2026, 11, 3, 0, 1, tzinfo=SH))
    sweep()
    assert step(w.a[name], "self").overdue_at is not None
    set_clock(at(2026, 11, 4))
    submit(w.a[name], "self", w.u[name])
    assert AuditEvent.objects.filter(
        action="overdue", object_id=str(w.a[name].pk), object_type="appraisals.appraisal"
    ).exists()
    assert AuditEvent.objects.filter(action="late_penalty").exists()
    assert verify()["ok"] is True
