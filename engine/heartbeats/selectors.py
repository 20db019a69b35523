"""When background jobs last ran, and how long this installation has existed."""

from __future__ import annotations

import datetime as dt

from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Min

from engine import clock

from .models import Heartbeat


def last_runs() -> dict[str, dt.datetime]:
    """Job → the start of its last finished run (jobs that never ran are absent)."""
    return dict(Heartbeat.objects.values_list("job", "at"))


def ages() -> dict[str, float | None]:
    """Job → seconds since its last run, None when it never ran."""
    now, runs = clock.now(), last_runs()
    return {
        job: (now - runs[job]).total_seconds() if job in runs else None
        for job in Heartbeat.Job.values
    }


def installed_at() -> dt.datetime | None:
    """When the database was first migrated: a job that never ran is late only once the
    installation is older than the job's allowance."""
    return MigrationRecorder.Migration.objects.aggregate(at=Min("applied"))["at"]
