"""Recording that a background job ran (engine/heartbeats/__init__.py)."""

from __future__ import annotations

import datetime as dt

from engine import clock

from .models import Heartbeat


def heartbeat_record(*, job: str, at: dt.datetime | None = None) -> None:
    """The job finished a run that started at `at` (now by default). One upsert, safe
    when two processes record at once."""
    Heartbeat.objects.bulk_create(
        [Heartbeat(job=Heartbeat.Job(job), at=at or clock.now())],
        update_conflicts=True,
        unique_fields=["job"],
        update_fields=["at"],
    )
