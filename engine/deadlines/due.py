"""Due days and due moments on a company's working-day calendar (docs/operations.md, "The deadline sweep").

Pure: a due day is computed from the period and the pack's deadline, moved to the
next working day when it falls on a day off; the due moment is the end of that day
in the company's time zone; reminders fall at the start of the working day before
and of the due day itself. A step that opens after its due moment is due the pack's
working days for that step after it opens (`for_opening`); a step returned for
revision is due the same working days after the return (`for_return`); when a
resubmission moves a step's due moment, a pending step after it that would now be due
before it is due its working days after that step's due day (`after_earlier`).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass

from engine.org.calendar import WorkingCalendar
from engine.scoring import Deadline

PERIOD = re.compile(r"^(\d{4})(?:-(0[1-9]|1[0-2])|-Q([1-4])|-H([12]))?$")


@dataclass(frozen=True)
class Moments:
    due_date: dt.date
    due_at: dt.datetime
    remind_before_at: dt.datetime
    remind_due_at: dt.datetime


def period_bounds(kind: str, period: str) -> tuple[dt.date, dt.date]:
    """First and last day of a period label: 2026-10 (month), 2026-Q4 (quarter),
    2026-H1 (half-year: January–June, H2 July–December), 2026 (year)."""
    m = PERIOD.match(period or "")
    if not m:
        raise ValueError("a period is written 2026-10, 2026-Q4, 2026-H1 or 2026")
    year, month, quarter, half = int(m[1]), m[2], m[3], m[4]
    if kind == "month" and month:
        first = dt.date(year, int(month), 1)
        last_month = int(month)
    elif kind == "quarter" and quarter:
        first = dt.date(year, 3 * int(quarter) - 2, 1)
        last_month = 3 * int(quarter)
    elif kind == "half" and half:
        first = dt.date(year, 6 * int(half) - 5, 1)
        last_month = 6 * int(half)
    elif kind == "year" and not month and not quarter and not half:
        first, last_month = dt.date(year, 1, 1), 12
    else:
        raise ValueError(f"{period!r} is not a {kind}")
    last = dt.date(year, last_month, calendar.monthrange(year, last_month)[1])
    return first, last


def due_day(period_end: dt.date, deadline: Deadline, cal: WorkingCalendar) -> dt.date:
    """The pack's day, `months_after` the period's last month, clamped to the month's
    last day (30 → 28 in February), then postponed to a working day (依次顺延)."""
    index = period_end.year * 12 + period_end.month - 1 + deadline.months_after
    year, month = divmod(index, 12)
    month += 1
    day = min(deadline.day, calendar.monthrange(year, month)[1])
    return cal.roll_forward(dt.date(year, month, day))


def moments(due: dt.date, cal: WorkingCalendar, tz: str) -> Moments:
    zone = zoneinfo.ZoneInfo(tz)
    return Moments(
        due_date=due,
        due_at=dt.datetime.combine(due, dt.time.max, tzinfo=zone),
        remind_before_at=dt.datetime.combine(
            cal.add_working_days(due, -1), dt.time.min, tzinfo=zone
        ),
        remind_due_at=dt.datetime.combine(due, dt.time.min, tzinfo=zone),
    )


def for_opening(
    planned: Moments, opened_at: dt.datetime, working_days: int, cal: WorkingCalendar, tz: str
) -> Moments:
    """The due moments of a step opening at `opened_at`: its calendar ones, unless the
    step opens after its calendar due moment (a cycle opened late, an earlier step handed
    in late). Then it is due `working_days` working days after the day it opens, so
    nobody is late for a deadline that passed before the step existed."""
    if opened_at <= planned.due_at:
        return planned
    opened_on = opened_at.astimezone(zoneinfo.ZoneInfo(tz)).date()
    return moments(cal.add_working_days(opened_on, max(1, working_days)), cal, tz)


def for_return(
    current: Moments, returned_at: dt.datetime, working_days: int, cal: WorkingCalendar, tz: str
) -> Moments:
    """The due moments of a step reopened by a return: `working_days` working days after
    the day of the return, like a step opening late, so its holder is never shown a
    deadline that passed while the form was with someone else. A return never shortens
    the time left: when the step's current due moment is later, it stands."""
    returned_on = returned_at.astimezone(zoneinfo.ZoneInfo(tz)).date()
    fresh = moments(cal.add_working_days(returned_on, max(1, working_days)), cal, tz)
    return fresh if fresh.due_at > current.due_at else current


def after_earlier(
    current: Moments, earlier_due: dt.date, working_days: int, cal: WorkingCalendar, tz: str
) -> Moments:
    """The due moments of a pending step once the step before it is due on
    `earlier_due`: a step due before that day would open after its own due moment if
    the earlier step took its time, so it is due `working_days` working days after
    `earlier_due` (what `for_opening` would give it then). A step due on that day or
    later keeps its moments: a chain is never due out of order, and a calendar deadline
    still in order never moves."""
    if current.due_date >= earlier_due:
        return current
    return moments(cal.add_working_days(earlier_due, max(1, working_days)), cal, tz)


# A "due tomorrow" reminder's day and its due day are one calendar day apart (24 hours,
# 23 or 25 across a change of clocks); a Friday reminder for Monday is three days.
TOMORROW_GAP = dt.timedelta(hours=36)


def reminder_day(remind_before_at: dt.datetime, remind_due_at: dt.datetime) -> str:
    """What the reminder sent on the working day before the due day calls that due day:
    "tomorrow" only when it literally is (Thursday for Friday), else
    "next_working_day" (Friday for Monday, the day before a holiday for the day after
    it). The sweep says the same in SQL with `reminder_day_sql` (engine/deadlines/sweep.py)."""
    return "tomorrow" if remind_due_at - remind_before_at < TOMORROW_GAP else "next_working_day"
