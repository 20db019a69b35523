"""The one clock every deadline, sweep and penalty reads.

Tests and the simulator set it to drive a whole month in seconds; production reads
the real time. Always timezone-aware.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections.abc import Iterator

from django.utils import timezone

_state = threading.local()
_global: dict[str, dt.datetime | None] = {"fixed": None}


def now() -> dt.datetime:
    fixed = getattr(_state, "fixed", None) or _global["fixed"]
    return fixed if fixed is not None else timezone.now()


def set_now(moment: dt.datetime | None) -> None:
    """Fix "now" for every thread (None returns to the real time)."""
    if moment is not None and timezone.is_naive(moment):
        raise ValueError("the clock only takes timezone-aware moments")
    _global["fixed"] = moment


@contextlib.contextmanager
def frozen(moment: dt.datetime) -> Iterator[None]:
    previous = _global["fixed"]
    set_now(moment)
    try:
        yield
    finally:
        _global["fixed"] = previous
