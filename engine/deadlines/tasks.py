"""Celery beat runs the sweep in production (settings.CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from .sweep import sweep as run_sweep


@shared_task(name="engine.deadlines.tasks.sweep")
def sweep() -> dict[str, int]:
    return run_sweep().as_dict()
