"""A time zone as people say it, beside every time a page shows in a company's zone."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils import timezone
from django.utils.translation import pgettext_lazy


def zone_words(zone) -> str:
    """A time zone as people say it: "北京时间 (UTC+8)" / "Beijing time (UTC+8)"; another
    zone by its name and its offset now."""
    key = str(zone)
    try:
        offset = timezone.now().astimezone(ZoneInfo(key)).utcoffset()
    except (ValueError, KeyError, ZoneInfoNotFoundError):
        return key
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    utc = f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")
    if key in ZONES:
        return f"{ZONES[key]} ({utc})"
    return f"{key.replace('_', ' ')} ({utc})"


ZONES = {
    "Asia/Shanghai": pgettext_lazy("time zone", "Beijing time"),
    "Asia/Hong_Kong": pgettext_lazy("time zone", "Hong Kong time"),
    "UTC": pgettext_lazy("time zone", "Coordinated Universal Time"),
}
