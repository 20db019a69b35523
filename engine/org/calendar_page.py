"""Reads for HR's working-day calendar page: a month of the company's calendar, day by
day, with why each day is what it is (the weekend, a public holiday by its name, a
make-up working day of the country, or the company's own day)."""

from __future__ import annotations

import calendar as pycal
import datetime as dt
from dataclasses import dataclass

import holidays as holidays_lib
from django.utils.translation import get_language

from .calendar import WorkingCalendar
from .models import CalendarOverride, Company

# the library's language for the reader's (the names of the public holidays)
LIB_LANGUAGE = {"zh": "zh_CN", "en": "en_US"}


@dataclass(frozen=True)
class Day:
    date: dt.date
    working: bool  # what counts for due dates
    why: str  # weekend | holiday | makeup | workday | own_workday | own_day_off
    holiday_name: str
    override: CalendarOverride | None
    in_month: bool


def _holiday_names(country: str, year: int) -> dict[dt.date, str]:
    lang = LIB_LANGUAGE.get((get_language() or "zh-hans")[:2])
    cls = holidays_lib.country_holidays(country, years=year)
    if lang not in (getattr(cls, "supported_languages", ()) or ()):
        lang = None
    return dict(holidays_lib.country_holidays(country, years=year, language=lang).items())


def _why(day: dt.date, country_working: bool, names, override) -> str:
    if override is not None:
        return "own_workday" if override.kind == CalendarOverride.Kind.WORKDAY else "own_day_off"
    if day in names and not country_working:
        return "holiday"
    if country_working and day.weekday() >= 5:
        return "makeup"
    return "workday" if country_working else "weekend"


def month_weeks(company: Company, year: int, month: int) -> list[list[Day]]:
    """The month as weeks from Monday to Sunday (days of the months around included,
    marked `in_month=False`)."""
    overrides = {o.date: o for o in CalendarOverride.objects.filter(company=company)}
    country = WorkingCalendar(company.country)
    names: dict[dt.date, str] = {}
    for y in {year - 1, year, year + 1}:
        names.update(_holiday_names(company.country, y))
    weeks = []
    for week in pycal.Calendar(firstweekday=0).monthdatescalendar(year, month):
        row = []
        for day in week:
            own = overrides.get(day)
            country_working = country.is_working_day(day)
            row.append(
                Day(
                    date=day,
                    working=(own.kind == CalendarOverride.Kind.WORKDAY) if own else country_working,
                    why=_why(day, country_working, names, own),
                    holiday_name=names.get(day, ""),
                    override=own,
                    in_month=day.month == month,
                )
            )
        weeks.append(row)
    return weeks


def notable_days(weeks: list[list[Day]]) -> list[Day]:
    """The days of the month that are not an ordinary weekday or weekend, in order."""
    return [
        d
        for week in weeks
        for d in week
        if d.in_month and d.why in ("holiday", "makeup", "own_workday", "own_day_off")
    ]


def company_days(company: Company, since: dt.date) -> list[CalendarOverride]:
    """The company's own days from `since` on (the past ones are kept, not listed)."""
    return list(CalendarOverride.objects.filter(company=company, date__gte=since).order_by("date"))
