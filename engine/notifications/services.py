"""Telling people: an in-app notification plus an e-mail through Django's mail
backend (console in development, locmem in tests, SMTP in production)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction

from engine import clock
from engine.bulk import insert_rows

from .models import Notification
from .tasks import deliver_webhooks, send_emails


@dataclass(frozen=True)
class Message:
    user_id: int
    company_id: int
    kind: str
    text: str
    key: str
    appraisal_id: int | None = None
    params: dict = field(default_factory=dict)


def notify_many(messages: Iterable[Message]) -> int:
    """Store the notifications (a repeated key is ignored by the database) and have a
    worker mail them after commit. Returns how many were offered."""
    messages = list(messages)
    if not messages:
        return 0
    now = clock.now()
    rows = [
        Notification(
            user_id=m.user_id,
            company_id=m.company_id,
            kind=m.kind,
            message=m.text,
            key=m.key[:200],
            appraisal_id=m.appraisal_id,
            params=m.params,
            created_at=now,
        )
        for m in messages
    ]
    insert_rows(Notification, rows, ignore_conflicts=True)
    keys = sorted({r.key for r in rows})
    transaction.on_commit(lambda: send_emails.delay(keys))
    transaction.on_commit(lambda: deliver_webhooks.delay(keys))
    return len(rows)


def notification_mark_read(*, user, ids: list[int] | None) -> int:
    """Mark the reader's own notifications read: the ids given, or all when `ids` is None."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=clock.now())
