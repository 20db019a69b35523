"""A returned step's due moment (docs/policies.md, "Returned steps"): a step reopened by a
return is due the pack's working days for it after the day of the return (never sooner
than it already was), with its reminders and overdue mark to come again; the time
before the return costs nothing, and a step already late pays its penalty once."""

import datetime as dt
from decimal import Decimal

from engine.appraisals import services
from engine.appraisals.models import LatePenalty
from engine.audit.models import AuditEvent
from engine.deadlines.due import for_return, moments
from engine.deadlines.sweep import sweep
from engine.notifications.models import Notification
from engine.org.calendar import WorkingCalendar
from tests.month import SH, STAFF_VALUES, at, step, submit

TZ = "Asia/Shanghai"


def _return(a, code, user, comment="please add the summary of the month"):
    return services.step_return(
        actor=user, appraisal_id=a.pk, step_id=step(a, code).pk, comment=comment
    )


def test_for_return_counts_working_days_from_the_return_and_never_shortens():
    """for_return: 3 working days from Wednesday 4 November 2026 → Thu 5, Fri 6, (weekend),
    Mon 9; a due moment later than that stands; the National Day week is skipped."""
    cal = WorkingCalendar("CN")
    passed = moments(dt.date(2026, 11, 2), cal, TZ)
    fresh = for_return(passed, at(2026, 11, 4, 10), 3, cal, TZ)
    assert fresh.due_date == dt.date(2026, 11, 9)
    assert fresh.remind_before_at == dt.datetime(2026, 11, 6, tzinfo=SH)
    assert fresh.remind_due_at == dt.datetime(2026, 11, 9, tzinfo=SH)
    later = moments(dt.date(2026, 11, 20), cal, TZ)
    assert for_return(later, at(2026, 11, 4, 10), 3, cal, TZ) == later
    # returned Wednesday 30 September: 1–7 October are holidays → Thu 8, Fri 9, Sat 10 (调休)
    september = moments(dt.date(2026, 9, 2), cal, TZ)
    sept = for_return(september, at(2026, 9, 30, 16), 3, cal, TZ)
    assert sept.due_date == dt.date(2026, 10, 10)


def test_golden_a_self_review_returned_after_its_due_day(workshop, set_clock):
    """staff02 hands in the self-review on Sunday 1 November (due Monday 2, on time).
    The head returns it on Wednesday 4 November, 10:00, after the 2nd had passed.

    The self-review is now due 3 working days after the return: end of Monday
    9 November (Thu 5, Fri 6, Mon 9), not the 2nd — not overdue, no overdue notice on
    the 4th, "due tomorrow" on Friday 6 and "due today" on Monday 9. Handed in again on
    Tuesday 10 November (after the new moment), it is still not late: a resubmission
    after a return is never charged (workflow.md §4). The head scores
    20 + 21 + 22 + 19 = 82 → total 82.00, untouched."""
    w = workshop
    a = w.a["staff02"]
    set_clock(at(2026, 11, 1, 15))
    submit(a, "self", w.u["staff02"])
    set_clock(at(2026, 11, 4, 10))
    _return(a, "supervisor", w.u["workshop_head"])
    s = step(a, "self")
    assert (s.state, s.rounds, s.due_date) == ("open", 1, dt.date(2026, 11, 9))
    assert s.due_at > at(2026, 11, 4, 10)
    assert s.overdue_at is None and s.reminded_before_at is None and s.reminded_due_at is None
    event = AuditEvent.objects.filter(action="return:supervisor").latest("seq")
    assert event.after["due_date"] == "2026-11-09" and event.after["was_due"] == "2026-11-02"

    for day in range(4, 10):
        set_clock(at(2026, 11, day, 12))
        sweep()
    told = [
        (n.created_at.astimezone(SH).date().day, n.kind)
        for n in Notification.objects.filter(
            user=w.u["staff02"], appraisal=a, kind__in=["remind_before", "remind_due", "overdue"]
        ).order_by("created_at")
    ]
    assert told == [(6, "remind_before"), (9, "remind_due")]

    set_clock(at(2026, 11, 10, 9))
    submit(a, "self", w.u["staff02"])
    assert step(a, "self").late is False
    assert not LatePenalty.objects.exists()
    set_clock(at(2026, 11, 10, 11))
    submit(a, "supervisor", w.u["workshop_head"], {"values": STAFF_VALUES})
    set_clock(at(2026, 11, 10, 14))
    submit(a, "hr", w.u["hr"])
    submit(a, "gm", w.u["gm"])
    a.refresh_from_db()
    assert a.total == Decimal("82.00")


def test_golden_a_late_self_review_returned_pays_its_penalty_once(workshop, set_clock):
    """staff03 hands in on Tuesday 3 November, after the 2nd: late, −10% once. Returned on
    the 4th and handed in again on the 5th (on time for the new moment, Monday 9), the
    penalty is not charged again nor lifted: 82 × (1 − 0.10) = 73.80."""
    w = workshop
    a = w.a["staff03"]
    set_clock(at(2026, 11, 3, 9))
    submit(a, "self", w.u["staff03"])
    assert LatePenalty.objects.filter(source_step__appraisal=a).count() == 1
    set_clock(at(2026, 11, 4, 10))
    _return(a, "supervisor", w.u["workshop_head"])
    assert step(a, "self").due_date == dt.date(2026, 11, 9)
    set_clock(at(2026, 11, 5, 9))
    submit(a, "self", w.u["staff03"])
    assert LatePenalty.objects.filter(source_step__appraisal=a).count() == 1
    set_clock(at(2026, 11, 5, 11))
    submit(a, "supervisor", w.u["workshop_head"], {"values": STAFF_VALUES})
    set_clock(at(2026, 11, 6, 10))
    submit(a, "hr", w.u["hr"])
    set_clock(at(2026, 11, 10, 10))
    submit(a, "gm", w.u["gm"])
    a.refresh_from_db()
    assert a.total == Decimal("73.80")


def test_a_return_before_the_due_day_keeps_the_later_moment(workshop, set_clock):
    """HR's review is due Monday 9 November. The GM returns it on Tuesday 3 November: 3
    working days from then would be Friday 6, earlier than the 9th, so the 9th stands
    (a return never shortens the time left), and the event names no earlier due day."""
    w = workshop
    a = w.a["staff02"]
    set_clock(at(2026, 11, 1, 15))
    submit(a, "self", w.u["staff02"])
    set_clock(at(2026, 11, 2, 10))
    submit(a, "supervisor", w.u["workshop_head"], {"values": STAFF_VALUES})
    set_clock(at(2026, 11, 3, 9))
    submit(a, "hr", w.u["hr"])
    set_clock(at(2026, 11, 3, 10))
    _return(a, "gm", w.u["gm"], comment="check the attitude score")
    hr = step(a, "hr")
    assert (hr.state, hr.rounds, hr.due_date) == ("open", 1, dt.date(2026, 11, 9))
    event = AuditEvent.objects.filter(action="return:gm").latest("seq")
    assert event.after["due_date"] == "2026-11-09" and "was_due" not in event.after
