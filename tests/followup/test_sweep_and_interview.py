"""The sweep over the steps after a result: reminders the working day before and on
the due day, overdue marked once with word to the holder and HR, nothing the second
time; the interview scheduled, recorded and confirmed, each by its own person; seed
002's missed interview charges the supervisor 2 points, once."""

import datetime as dt
from decimal import Decimal

import pytest

from engine.appraisals.models import Appraisal
from engine.audit.models import AuditEvent
from engine.deadlines.sweep import sweep
from engine.errors import Conflict, Forbidden, InvalidInput
from engine.followup import services
from engine.followup.models import FollowUp
from engine.notifications.models import Notification
from tests.golden import run
from tests.month import SH, at, open_customer_service, submit


def actions(a, prefix="followup_"):
    return sorted(
        e.action
        for e in AuditEvent.objects.filter(object_id=str(a.pk), action__startswith=prefix)
        if e.object_type == "appraisals.appraisal"
    )


def test_sweep_reminds_marks_overdue_and_escalates_exactly_once(published, set_clock):
    """Acknowledgement due Fri Nov 13, interview Tue Nov 17: "due tomorrow" on Thu 12,
    "due today" on Fri 13, overdue on Sat 14 with HR told; a second sweep the same
    moment changes nothing; the interview follows on its own days."""
    w, a = published
    set_clock(at(2026, 11, 12, 9))
    r = sweep()
    assert r.followup_reminders == 1  # the acknowledgement's day-before reminder
    set_clock(at(2026, 11, 13, 9))
    assert sweep().followup_reminders == 1
    set_clock(at(2026, 11, 14, 9))
    first = sweep()
    assert first.followup_overdue == 1
    again = sweep()
    assert (again.followup_overdue, again.followup_reminders) == (0, 0)
    ack = FollowUp.objects.get(appraisal=a, kind="acknowledge")
    assert ack.overdue_at is not None and ack.state == "open"
    told = Notification.objects.filter(kind="followup_overdue", appraisal_id=a.pk)
    assert {n.user_id for n in told} >= {w.u["staff02"].pk, w.u["hr"].pk}
    assert told.count() == len({n.user_id for n in told})  # once each
    # the interview: reminders Mon 16 and Tue 17, overdue Wed 18, escalated once
    for day in (16, 17):
        set_clock(at(2026, 11, day, 9))
        assert sweep().followup_reminders == 1
    set_clock(at(2026, 11, 18, 9))
    assert sweep().followup_overdue == 1
    assert sweep().followup_overdue == 0
    assert actions(a) == [
        "followup_open",
        "followup_overdue",
        "followup_overdue",
        "followup_remind_before",
        "followup_remind_before",
        "followup_remind_due",
        "followup_remind_due",
    ]
    # still open: signing late is recorded as late
    from tests.followup.conftest import PASSWORD
    from tests.followup.test_acknowledgement import current_hash

    f = services.acknowledgement_sign(
        actor=w.u["staff02"],
        followup_id=ack.pk,
        password=PASSWORD,
        decision="acknowledged",
        version_hash_seen=current_hash(a),
    )
    assert f.late is True


def test_the_interview_scheduled_recorded_and_confirmed(published, set_clock):
    """The supervisor schedules and records; the employee confirms once; nobody else
    acts on either side."""
    w, a = published
    f = FollowUp.objects.get(appraisal=a, kind="interview")
    set_clock(at(2026, 11, 11))
    when = dt.datetime(2026, 11, 12, 15, 0, tzinfo=SH)
    with pytest.raises(Forbidden):
        services.interview_schedule(actor=w.u["staff02"], followup_id=f.pk, when=when, place="A")
    with pytest.raises(InvalidInput) as err:
        services.interview_schedule(
            actor=w.u["workshop_head"], followup_id=f.pk, when=when, place=" "
        )
    assert err.value.field == "place"
    with pytest.raises(Conflict):
        services.interview_respond(actor=w.u["staff02"], followup_id=f.pk, confirmed=True)
    services.interview_schedule(
        actor=w.u["workshop_head"], followup_id=f.pk, when=when, place="车间办公室"
    )
    # Not before the result, not a year ahead, and not recorded before it is held.
    for wrong, rule in ((at(2026, 10, 1), "not_before_now"), (at(2027, 11, 12), "furthest")):
        with pytest.raises(InvalidInput) as err:
            services.interview_schedule(
                actor=w.u["workshop_head"], followup_id=f.pk, when=wrong, place="A"
            )
        assert (err.value.field, err.value.rule) == ("when", rule)
    with pytest.raises(Conflict) as err:
        services.interview_record(
            actor=w.u["workshop_head"], followup_id=f.pk, strengths="a", gaps="b", actions="c"
        )
    assert err.value.rule == "interview_not_held"
    set_clock(at(2026, 11, 12, 16))
    with pytest.raises(InvalidInput) as err:
        services.interview_record(
            actor=w.u["workshop_head"], followup_id=f.pk, strengths="on time", gaps="", actions="x"
        )
    assert err.value.field == "gaps"
    services.interview_record(
        actor=w.u["workshop_head"],
        followup_id=f.pk,
        strengths="准时交付",
        gaps="质量记录不全",
        actions="每周检查一次记录",
    )
    f.refresh_from_db()
    assert (f.state, f.late, f.place) == ("done", False, "车间办公室")
    with pytest.raises(Forbidden):
        services.interview_respond(actor=w.u["workshop_head"], followup_id=f.pk, confirmed=True)
    with pytest.raises(InvalidInput) as err:
        services.interview_respond(actor=w.u["staff02"], followup_id=f.pk, confirmed=False)
    assert err.value.field == "comment"
    services.interview_respond(actor=w.u["staff02"], followup_id=f.pk, confirmed=True)
    with pytest.raises(Conflict):
        services.interview_respond(actor=w.u["staff02"], followup_id=f.pk, confirmed=True)
    f.refresh_from_db()
    assert f.response == "confirmed"
    assert actions(a, "interview_") == [
        "interview_confirm",
        "interview_record",
        "interview_schedule",
    ]


def test_seed_002_missed_interview_costs_the_supervisor_two_points():
    # Seed 002 (客服主管绩效考核表): 与前台客服每月进行一次绩效面谈 … 未达标每次扣2分.
    # The supervisor of test_cs_supervisor_team_dependent_indicator: key 36 + ad hoc 16
    # + retention 6 + sales 10 + team 7.65 + manager 6 = 81.65; two agents' interviews
    # missed: 2 × (−2) = −4 → 81.65 − 4 = 77.65 → c [65, 80).
    """Golden: two missed interviews take 4 points off the CS supervisor's total."""
    r = run(
        "customer_service",
        "cs_supervisor",
        values={
            "key_tasks": 9,
            "adhoc_tasks": 4,
            "team_retention": {"quit": 1, "dismissed": 0},
            "sales_linked": 1200000,
            "team_management": {"violations": 1},
            "manager_rating": "adequate",
        },
        targets={"key_tasks": 10, "adhoc_tasks": 5, "sales_linked": 1000000},
        context={"team_totals": ["88.00", "92.50", "79.00"]},
        events={"missed_interview": 2},
    )
    assert (r["total"], r["grade"]) == ("77.65", "c")
    missed = next(a for a in r["adjustments"] if a["code"] == "missed_interview")
    assert Decimal(missed["value"]) == Decimal(-4)


def test_a_missed_agent_interview_is_charged_to_the_supervisor_once(litong, set_clock):
    """ecom02 published Tue Nov 10; cs_head does not hold the interview by Fri Nov 13
    (3 working days, seed 001): the sweep on Sat 14 records one `missed_interview` on
    cs_head's own appraisal of the cycle; sweeping again charges nothing more."""
    a = open_customer_service(litong, set_clock)
    u = litong.u
    set_clock(at(2026, 11, 1))
    submit(a, "self", u["ecom02"], {"values": {"follow_up": 4, "execution": 9}})
    set_clock(at(2026, 11, 4))
    submit(a, "supervisor", u["cs_head"], {"values": {"follow_up": 4, "execution": 9}})
    set_clock(at(2026, 11, 6))
    submit(a, "hr", u["hr"])
    set_clock(at(2026, 11, 10))
    submit(a, "gm", u["gm"])
    a.refresh_from_db()
    assert a.state == "published"
    f = FollowUp.objects.get(appraisal=a, kind="interview")
    assert (f.assignee_id, f.due_date.isoformat(), f.missed_event) == (
        u["cs_head"].pk,
        "2026-11-13",
        "missed_interview",
    )
    lead = Appraisal.objects.get(cycle_id=a.cycle_id, employee__user=u["cs_head"])
    set_clock(at(2026, 11, 14, 9))
    r = sweep()
    assert r.followup_penalties == 1
    assert sweep().followup_penalties == 0
    lead.refresh_from_db()
    assert lead.events["missed_interview"] == 1
    ev = AuditEvent.objects.filter(object_id=str(lead.pk), action="event:missed_interview")
    assert ev.count() == 1
