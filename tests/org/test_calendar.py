"""The working-day calendar on real Chinese holidays and a company's own 调休 day."""

import datetime as dt

import pytest

from engine.org import services
from engine.org.calendar import WorkingCalendar
from engine.org.selectors import calendar_for

D = dt.date
CN = WorkingCalendar("CN")


def test_national_day_2026_is_off_and_makeup_saturday_is_on():
    """National Day 2026 is off and its make-up Saturday is a working day."""
    for day in range(1, 8):
        assert not CN.is_working_day(D(2026, 10, day)), day
    assert CN.is_working_day(D(2026, 10, 8))
    # 2026-10-10 is a Saturday that the State Council made a working day (调休上班).
    assert D(2026, 10, 10).weekday() == 5
    assert CN.is_working_day(D(2026, 10, 10))
    assert CN.is_working_day(D(2026, 9, 20))  # Sunday make-up day


def test_next_and_add_working_days_across_national_day():
    """Working days are counted across the National Day holiday."""
    assert CN.next_working_day(D(2026, 9, 30)) == D(2026, 10, 8)
    assert CN.roll_forward(D(2026, 10, 1)) == D(2026, 10, 8)
    assert CN.roll_forward(D(2026, 9, 30)) == D(2026, 9, 30)
    # Sep 30 (Wed) + 3 working days: Oct 8 (Thu), Oct 9 (Fri), Oct 10 (make-up Sat).
    assert CN.add_working_days(D(2026, 9, 30), 3) == D(2026, 10, 10)
    assert CN.add_working_days(D(2026, 10, 8), -1) == D(2026, 9, 30)
    assert CN.add_working_days(D(2026, 10, 8), 0) == D(2026, 10, 8)


def test_spring_festival_2027():
    """Spring Festival 2027 and its make-up days."""
    for day in range(5, 11):
        assert not CN.is_working_day(D(2027, 2, day)), day
    assert CN.next_working_day(D(2027, 2, 4)) == D(2027, 2, 11)
    assert CN.working_days_between(D(2027, 2, 4), D(2027, 2, 12)) == 2


def test_company_overrides_win_over_the_country():
    """A company's own calendar override wins over the country's holidays."""
    cal = WorkingCalendar(
        "CN",
        {D(2027, 2, 20): True, D(2026, 10, 8): False},  # make-up Saturday; extra day off
    )
    assert D(2027, 2, 20).weekday() == 5
    assert cal.is_working_day(D(2027, 2, 20))
    assert not CN.is_working_day(D(2027, 2, 20))
    assert cal.roll_forward(D(2026, 10, 1)) == D(2026, 10, 9)


@pytest.mark.django_db
def test_calendar_for_reads_the_company_overrides(org):
    """`calendar_for` reads the company's overrides from the database."""
    co = org["company"]
    services.calendar_override_set(
        actor=None, company=co, date=D(2027, 2, 20), kind="workday", note="调休"
    )
    cal = calendar_for(co)
    assert cal.is_working_day(D(2027, 2, 20))
    # setting the same day again replaces, it does not duplicate
    services.calendar_override_set(actor=None, company=co, date=D(2027, 2, 20), kind="holiday")
    assert not calendar_for(co).is_working_day(D(2027, 2, 20))


@pytest.mark.django_db
def test_a_day_set_back_to_the_country_calendar_leaves_no_override(org):
    """A company day off on a Monday set back to a working day goes back to the country
    calendar: no override that changes nothing is left (found on the HR calendar page)."""
    from engine.org.models import CalendarOverride

    co = org["company"]
    monday = D(2026, 12, 14)
    services.calendar_override_set(actor=None, company=co, date=monday, kind="holiday", note="团建")
    assert not calendar_for(co).is_working_day(monday)
    services.calendar_override_set(actor=None, company=co, date=monday, kind="workday")
    assert calendar_for(co).is_working_day(monday)
    assert not CalendarOverride.objects.filter(company=co, date=monday).exists()
