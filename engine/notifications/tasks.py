"""The worker's side of notifications: drain the outbox (engine/notifications/outbox.py)
right after a commit and every minute from beat. Inline when Celery runs eagerly
(development and tests)."""

from celery import shared_task


@shared_task(name="engine.notifications.tasks.deliver_outbox")
def deliver_outbox() -> int:
    """Every delivery that is due gets its try; returns how many went through."""
    from .outbox import drain

    done = drain()
    return done["delivered"]
