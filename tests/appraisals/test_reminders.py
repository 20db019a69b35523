"""Golden reminders with a fixed clock (workflow.md §4): "due tomorrow" (or "due the
next working day" when that is not tomorrow) goes out on the working day before the due day and never on the due day itself, where the wording is
"due today"; weekends and public holidays between the two are skipped.

The sweep runs at 00:00 and 12:00 of every day, as beat would (every few minutes), and
each test lists by day what the step's holder was told."""

import datetime as dt
from collections import defaultdict

from engine.appraisals import services
from engine.appraisals.models import Appraisal
from engine.deadlines.sweep import sweep
from engine.notifications.models import Notification
from engine.notifications.wording import sentence_in
from engine.org.models import Department
from tests.month import SH, STAFF_VALUES, at, step, submit

KINDS = ("remind_before", "remind_due", "overdue")


def _days(first: dt.date, last: dt.date):
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=1)


def _sweep_daily(set_clock, first: dt.date, last: dt.date) -> None:
    for day in _days(first, last):
        for hour in (0, 12):
            set_clock(dt.datetime.combine(day, dt.time(hour), tzinfo=SH))
            sweep()


def _told(user, appraisal) -> dict[dt.date, list[str]]:
    """The deadline notices of one step holder about one appraisal, by the day (in
    Shanghai) they were sent."""
    out: dict[dt.date, list[str]] = defaultdict(list)
    for n in Notification.objects.filter(user=user, appraisal=appraisal, kind__in=KINDS).order_by(
        "created_at", "pk"
    ):
        out[n.created_at.astimezone(SH).date()].append(n.kind)
    return dict(out)


def test_golden_a_weekend_between_the_reminder_and_the_due_day(workshop, set_clock):
    """The workshop's October (opened Saturday 31 October, 09:00).

    Self-review due Monday 2 November. Its working day before is Friday 30 October, when
    the step did not exist yet: nothing on Saturday or Sunday ("tomorrow" would be
    wrong), "due today" on Monday, overdue from Tuesday 00:00.

    staff03 hands in on Sunday 1 November; the head on Wednesday 4 November; the HR
    review is then due Sunday 8 November → Monday 9 November. Its working day before
    is Friday 6 November: "due tomorrow" then, nothing over the weekend, "due today"
    on Monday 9, and nothing after (HR hands in on Monday at 10:00).
    """
    w = workshop
    late, a = w.a["staff02"], w.a["staff03"]
    _sweep_daily(set_clock, dt.date(2026, 10, 31), dt.date(2026, 11, 1))
    set_clock(at(2026, 11, 1, 15))
    submit(a, "self", w.u["staff03"])
    _sweep_daily(set_clock, dt.date(2026, 11, 2), dt.date(2026, 11, 3))
    assert _told(w.u["staff02"], late) == {
        dt.date(2026, 11, 2): ["remind_due"],
        dt.date(2026, 11, 3): ["overdue"],
    }
    assert _told(w.u["staff03"], a) == {}  # handed in before any reminder was due

    set_clock(at(2026, 11, 4, 15))
    submit(a, "supervisor", w.u["workshop_head"], {"values": STAFF_VALUES})
    hr = step(a, "hr")
    assert hr.due_date == dt.date(2026, 11, 9)
    assert hr.remind_before_at == dt.datetime(2026, 11, 6, tzinfo=SH)  # Friday's start
    _sweep_daily(set_clock, dt.date(2026, 11, 5), dt.date(2026, 11, 9))
    set_clock(at(2026, 11, 9, 10))
    submit(a, "hr", w.u["hr"])
    _sweep_daily(set_clock, dt.date(2026, 11, 10), dt.date(2026, 11, 10))
    assert _told(w.u["hr"], a) == {
        dt.date(2026, 11, 6): ["remind_before"],  # Friday: the working day before Monday
        dt.date(2026, 11, 9): ["remind_due"],  # Monday, the due day: "due today" alone
    }
    reminder = Notification.objects.get(user=w.u["hr"], appraisal=a, kind="remind_due")
    assert "due today" in sentence_in("en", reminder.kind, reminder.params)
    assert "今天" in sentence_in("zh-hans", reminder.kind, reminder.params)


def test_a_step_opened_on_its_due_day_is_told_due_today_only(workshop, set_clock):
    """The bug from the walk: staff02 hands in the self-review on Thursday 5 November,
    10:00, the supervisor's own due day. The supervisor step opens with its calendar
    due moment (end of the 5th, not yet passed), so its "working day before" (Wednesday
    4th) lies in the past. The sweeps of that day send "due today" and never "due
    tomorrow"; the next day's 00:00 sweep marks it overdue."""
    w = workshop
    a = w.a["staff02"]
    set_clock(at(2026, 11, 5, 10))
    submit(a, "self", w.u["staff02"])
    sup = step(a, "supervisor")
    assert (sup.state, sup.due_date) == ("open", dt.date(2026, 11, 5))
    set_clock(at(2026, 11, 5, 10, 5))
    sweep()
    _sweep_daily(set_clock, dt.date(2026, 11, 6), dt.date(2026, 11, 6))
    assert _told(w.u["workshop_head"], a) == {
        dt.date(2026, 11, 5): ["remind_due"],
        dt.date(2026, 11, 6): ["overdue"],
    }
    # the lapsed "due tomorrow" is stamped: a sweep with an earlier clock (as the demo
    # runs one company after another) does not send it either
    set_clock(at(2026, 11, 4, 12))
    sweep()
    assert not Notification.objects.filter(user=w.u["workshop_head"], kind="remind_before").exists()


def test_golden_a_holiday_before_the_due_day(litong, set_clock):
    """December 2026, opened Monday 28 December 09:00 for the workshop. The self-review
    is due on the 2nd of January: a Saturday after New Year's Day (Friday 1 January,
    a public holiday), so it moves to Monday 4 January. The working day before is
    Thursday 31 December: "due tomorrow" then; nothing on the holiday or the weekend;
    "due today" on Monday 4 January; overdue from Tuesday 5 January 00:00."""
    set_clock(at(2026, 12, 28, 9))
    dept = Department.objects.get(company=litong.company, code="workshop")
    cycle = services.cycle_open(
        targets_later=True,
        actor=litong.u["hr"],
        company=litong.company,
        kind="month",
        period="2026-12",
        department_ids=[dept.pk],
    )
    a = Appraisal.objects.get(cycle=cycle, employee__user=litong.u["staff02"])
    own = step(a, "self")
    assert own.due_date == dt.date(2027, 1, 4)
    assert own.remind_before_at == dt.datetime(2026, 12, 31, tzinfo=SH)
    assert own.remind_due_at == dt.datetime(2027, 1, 4, tzinfo=SH)
    _sweep_daily(set_clock, dt.date(2026, 12, 28), dt.date(2027, 1, 5))
    assert _told(litong.u["staff02"], a) == {
        dt.date(2026, 12, 31): ["remind_before"],
        dt.date(2027, 1, 4): ["remind_due"],
        dt.date(2027, 1, 5): ["overdue"],
    }
    before = Notification.objects.get(user=litong.u["staff02"], appraisal=a, kind="remind_before")
    # Thursday's reminder for Monday: the next working day, not "tomorrow" (a holiday)
    assert "due the next working day (2027-01-04)" in sentence_in("en", before.kind, before.params)
    assert "明天" not in sentence_in("zh-hans", before.kind, before.params)


def test_friday_reminder_for_monday_says_next_working_day(workshop, set_clock):
    """The finding of the walk, on the Python sweep (SQLite): the HR review due Monday 9
    November is reminded on Friday 6 November as due "the next working day" (下一个工作日),
    never "tomorrow" (明天, Saturday); the supervisor's review due Thursday 5 November,
    reminded on Wednesday 4, is due "tomorrow" (明天), which it literally is."""
    w = workshop
    a = w.a["staff03"]
    set_clock(at(2026, 11, 1, 15))
    submit(a, "self", w.u["staff03"])
    assert step(a, "supervisor").due_date == dt.date(2026, 11, 5)  # a Thursday
    _sweep_daily(set_clock, dt.date(2026, 11, 4), dt.date(2026, 11, 4))
    set_clock(at(2026, 11, 4, 15))
    submit(a, "supervisor", w.u["workshop_head"], {"values": STAFF_VALUES})
    _sweep_daily(set_clock, dt.date(2026, 11, 5), dt.date(2026, 11, 6))

    thursday = Notification.objects.get(
        user=w.u["workshop_head"], appraisal=a, kind="remind_before"
    )
    assert "明天（2026-11-05）到期" in sentence_in("zh-hans", thursday.kind, thursday.params)
    assert "due tomorrow (2026-11-05)" in sentence_in("en", thursday.kind, thursday.params)
    assert thursday.message.startswith("明天到期/Due tomorrow")

    monday = Notification.objects.get(user=w.u["hr"], appraisal=a, kind="remind_before")
    assert monday.created_at.astimezone(SH).date() == dt.date(2026, 11, 6)  # a Friday
    zh = sentence_in("zh-hans", monday.kind, monday.params)
    assert "下一个工作日（2026-11-09）到期" in zh and "明天" not in zh
    assert "due the next working day (2026-11-09)" in sentence_in("en", monday.kind, monday.params)
    assert monday.message.startswith("下一个工作日到期/Due the next working day")
