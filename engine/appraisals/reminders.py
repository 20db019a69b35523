"""When HR last reminded the holder of a step, and how soon HR may remind them again:
a second press of "remind" seconds after the first would only pester the holder, and
without the time shown HR cannot tell a reminder went out at all. The time is read from
the reminders themselves (the notifications, one per holder, keyed by the step's round)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings

from engine.notifications.models import Notification

from .models import AppraisalStep


def remind_window() -> dt.timedelta:
    """`JIXIAO_REMIND_WINDOW_MINUTES` (default 60): no second manual reminder to the
    same step inside it."""
    return dt.timedelta(minutes=int(getattr(settings, "JIXIAO_REMIND_WINDOW_MINUTES", 60)))


def step_prefix(step: AppraisalStep) -> str:
    """The key every HR reminder of this step, in this round, starts with."""
    return f"hr_reminder:{step.appraisal_id}:{step.seq}:{step.rounds}:"


def last_reminded(steps: Iterable[AppraisalStep]) -> dict[int, dt.datetime]:
    """step pk → when HR last reminded its holder in the step's present round (a step
    returned and reopened starts afresh)."""
    steps = list(steps)
    if not steps:
        return {}
    prefixes = {step_prefix(s): s.pk for s in steps}
    out: dict[int, dt.datetime] = {}
    rows = Notification.objects.filter(
        kind="hr_reminder", appraisal_id__in={s.appraisal_id for s in steps}
    ).values_list("key", "created_at")
    for key, at in rows:
        pk = next((p for pre, p in prefixes.items() if key.startswith(pre)), None)
        if pk is not None and (pk not in out or at > out[pk]):
            out[pk] = at
    return out
