"""Telling people: an in-app notification plus an e-mail through Django's mail
backend (console in development, locmem in tests, SMTP in production)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db import transaction

from engine import clock

from .models import Notification


@dataclass(frozen=True)
class Message:
    user_id: int
    company_id: int
    kind: str
    text: str
    key: str
    appraisal_id: int | None = None


def notify_many(messages: Iterable[Message]) -> int:
    """Store the notifications that are new (by key) and mail them after commit."""
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
            created_at=now,
        )
        for m in messages
    ]
    existing = set(
        Notification.objects.filter(
            user_id__in={m.user_id for m in messages}, key__in={r.key for r in rows}
        ).values_list("user_id", "key")
    )
    fresh = [r for r in rows if (r.user_id, r.key) not in existing]
    Notification.objects.bulk_create(fresh, batch_size=1000, ignore_conflicts=True)
    emails = dict(
        get_user_model()
        .objects.filter(pk__in={r.user_id for r in fresh})
        .exclude(email="")
        .values_list("pk", "email")
    )
    mails = [
        ("[jixiao] " + r.kind.replace("_", " "), r.message, None, [emails[r.user_id]])
        for r in fresh
        if r.user_id in emails
    ]
    if mails:
        transaction.on_commit(lambda: send_mass_mail(mails, fail_silently=True))
    return len(fresh)


def notification_mark_read(*, user, ids: list[int]) -> int:
    return Notification.objects.filter(user=user, pk__in=ids, read_at__isnull=True).update(
        read_at=clock.now()
    )
