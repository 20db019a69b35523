"""Working-day calendar: Monday–Friday, minus the country's public holidays, plus the
make-up working days the `holidays` library knows, with the company's overrides on top.

Pure Python (no database) so the deadline code and the scoring of due dates can be
tested and benchmarked without Django.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping

import holidays


@functools.lru_cache(maxsize=32)
def _country(country: str, subdiv: str | None):
    return holidays.country_holidays(country, subdiv=subdiv)


class WorkingCalendar:
    def __init__(
        self,
        country: str = "CN",
        overrides: Mapping[dt.date, bool] | None = None,
        subdiv: str | None = None,
    ):
        self.country = country
        self.subdiv = subdiv
        # date → True for an extra working day, False for an extra day off
        self.overrides = dict(overrides or {})
        self._days = _country(country, subdiv)

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        lib = self._days
        # `is_working_day` knows the make-up working days (调休); fall back for older libs.
        if hasattr(lib, "is_working_day"):
            return bool(lib.is_working_day(day))
        return day.weekday() < 5 and day not in lib

    def roll_forward(self, day: dt.date) -> dt.date:
        """The day itself if it is a working day, else the next one (依次顺延)."""
        while not self.is_working_day(day):
            day += dt.timedelta(days=1)
        return day

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first working day strictly after `day`."""
        return self.roll_forward(day + dt.timedelta(days=1))

    def previous_working_day(self, day: dt.date) -> dt.date:
        day -= dt.timedelta(days=1)
        while not self.is_working_day(day):
            day -= dt.timedelta(days=1)
        return day

    def add_working_days(self, day: dt.date, n: int) -> dt.date:
        """`n` working days after `day` (before it when negative); 0 returns `day`."""
        one = dt.timedelta(days=1 if n >= 0 else -1)
        for _ in range(abs(n)):
            day += one
            while not self.is_working_day(day):
                day += one
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]: how many working days after `start` `end` lies."""
        count, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count
