"""Steps opened late (docs/policies.md, "Steps opened late"): a step that opens after
its calendar deadline is due the pack's working days for it after it opens, and is
penalised only when handed in after that — never for a deadline that passed before
the step existed."""

import datetime as dt
import zoneinfo
from decimal import Decimal

from engine.appraisals.models import LatePenalty
from engine.deadlines.due import for_opening, moments
from engine.org.calendar import WorkingCalendar
from tests.month import STAFF_VALUES, at, open_workshop, step, submit

SH = "Asia/Shanghai"


def test_a_step_opened_before_its_deadline_keeps_it_and_one_opened_after_gets_a_window():
    """for_opening: the calendar moment stands up to its last second; after it, the
    window counts working days from the day of opening, holidays skipped."""
    cal = WorkingCalendar("CN")
    planned = moments(dt.date(2026, 11, 2), cal, SH)  # Monday 2 November, end of day
    # opened before the deadline (or on its last second): the calendar moment stands
    assert for_opening(planned, at(2026, 10, 31, 9), 3, cal, SH) == planned
    assert for_opening(planned, planned.due_at, 3, cal, SH) == planned
    # opened Wednesday 4 November: 3 working days → Thu 5, Fri 6, (weekend), Mon 9
    late = for_opening(planned, at(2026, 11, 4), 3, cal, SH)
    assert late.due_date == dt.date(2026, 11, 9)
    assert late.due_at == dt.datetime.combine(
        dt.date(2026, 11, 9), dt.time.max, tzinfo=zoneinfo.ZoneInfo(SH)
    )
    assert late.remind_before_at.date() == dt.date(2026, 11, 6)  # the working day before
    # opened just before midnight in Shanghai (still the 4th there, the 4th in UTC too)
    assert for_opening(planned, at(2026, 11, 4, 23, 50), 3, cal, SH).due_date == late.due_date
    # the National Day week: opened Wed 30 Sep 2026, 3 working days skip 1–7 October
    # (make-up working days, 调休, count as working days)
    sept = for_opening(moments(dt.date(2026, 9, 2), cal, SH), at(2026, 9, 30), 3, cal, SH)
    assert sept.due_date == cal.add_working_days(dt.date(2026, 9, 30), 3)
    assert sept.due_date >= dt.date(2026, 10, 8)


def test_golden_a_cycle_opened_after_the_2nd_penalises_only_after_the_window(litong, set_clock):
    """October's cycle opened on Wednesday 4 November, two days after the self-review's
    calendar deadline (Monday 2 November). The general pack gives the self-review 3
    working days: due at the end of Monday 9 November (Thu 5, Fri 6, Mon 9).

    staff02 hands in on the 9th: on time, no penalty. Supervisor scores
    20 + 21 + 22 + 19 = 82 → total 82.00.
    staff03 hands in on the 10th: late; 82 × (1 − 0.10) = 73.80.
    """
    set_clock(at(2026, 11, 4))
    w = open_workshop(litong)
    on_time, late = w.a["staff02"], w.a["staff03"]
    for a in (on_time, late):
        s = step(a, "self")
        assert s.due_date == dt.date(2026, 11, 9)  # not 2 November: never overdue at birth
        assert s.due_at > at(2026, 11, 4)
    # the later steps keep their calendar deadlines until they open
    assert step(on_time, "supervisor").due_date == dt.date(2026, 11, 5)

    set_clock(at(2026, 11, 9, 17))
    submit(on_time, "self", w.u["staff02"])
    set_clock(at(2026, 11, 10, 9))
    submit(late, "self", w.u["staff03"])
    assert list(LatePenalty.objects.values_list("source_step__appraisal_id", "rate")) == [
        (late.pk, Decimal("0.10"))
    ]
    # the supervisor step opened after its own deadline (Thu 5 November): it is due
    # 3 working days after it opened, so the head is not late for the employee's lateness
    sup = step(on_time, "supervisor")
    assert (sup.state, sup.due_date) == ("open", dt.date(2026, 11, 12))  # Tue 10 … Thu 12
    assert step(late, "supervisor").due_date == dt.date(2026, 11, 13)  # opened on the 10th

    for a in (on_time, late):
        set_clock(at(2026, 11, 11))
        submit(a, "supervisor", w.u["workshop_head"], {"values": STAFF_VALUES})
        set_clock(at(2026, 11, 11, 14))
        submit(a, "hr", w.u["hr"])
        submit(a, "gm", w.u["gm"])
        a.refresh_from_db()
    assert LatePenalty.objects.count() == 1  # no reviewer was penalised
    assert (on_time.total, on_time.state) == (Decimal("82.00"), "published")
    assert late.total == Decimal("73.80")  # 82 × 0.90


def test_a_late_joiner_added_after_the_deadline_gets_the_window(workshop, set_clock):
    """The workshop opened 31 October (on time); a hire added on 20 November gets a
    self-review due 3 working days later (Mon 23, Tue 24, Wed 25), not 2 November."""
    from engine.appraisals import services
    from engine.org.models import Employee

    joiner = Employee.objects.get(user__username="staff03")
    services.appraisal_withdraw(actor=workshop.u["hr"], appraisal=workshop.a["staff03"], reason="x")
    workshop.a["staff03"].delete()
    set_clock(at(2026, 11, 20))
    a = services.appraisal_add(actor=workshop.u["hr"], cycle=workshop.cycle, employee=joiner)
    assert step(a, "self").due_date == dt.date(2026, 11, 25)
    # colleagues opened on time keep the calendar deadline
    assert step(workshop.a["staff02"], "self").due_date == dt.date(2026, 11, 2)
