"""Telling people: an in-app notification plus its deliveries in the outbox (e-mail,
plugin channels, company webhooks), written in the caller's transaction and delivered
by a worker after the commit (engine/notifications/outbox.py)."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection, transaction
from kombu.exceptions import OperationalError

from engine import clock
from engine.audit.services import record
from engine.bulk import FEW, insert_rows, returns_few
from engine.bulk import rows as bulk_rows
from engine.errors import InvalidInput
from engine.org.selectors import require_hr

from .channels import personal_channels
from .destinations import Refused
from .destinations import check as check_destination
from .models import ChannelChoice, Notification, Webhook
from .outbox import enqueue, enqueue_sql
from .tasks import deliver_outbox

log = logging.getLogger(__name__)


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
    """Store the notifications (a repeated key is ignored by the database) with their
    outbox rows, and ask a worker to deliver them after the commit. Returns how many
    were offered."""
    messages = list(messages)
    if not messages:
        return 0
    now = clock.now()
    rows = bulk_rows(
        Notification,
        (
            {
                "user_id": m.user_id,
                "company_id": m.company_id,
                "kind": m.kind,
                "message": m.text,
                "key": m.key[:200],
                "appraisal_id": m.appraisal_id,
                "params": m.params,
                "created_at": now,
            }
            for m in messages
        ),
    )
    enqueue(_stored(rows))
    transaction.on_commit(kick)
    return len(rows)


def notify_select(*, select: str, params: dict) -> int:
    """`notify_many` for messages a query gives: PostgreSQL stores them and their
    outbox rows in one statement, no row brought to Python (the month-end sweep tells
    100,000 holders at once). `select` yields user_id, company_id, kind, message, key,
    appraisal_id and params (jsonb). Returns how many were offered."""
    outbox, outbox_params = enqueue_sql("ins")
    with connection.cursor() as cur:
        cur.execute(
            f"""
            WITH m AS MATERIALIZED ({select}),
            ins AS (
                INSERT INTO {connection.ops.quote_name(Notification._meta.db_table)}
                    (user_id, company_id, kind, message, key, appraisal_id, params, created_at)
                SELECT user_id, company_id, kind, message, left(key, 200), appraisal_id, params,
                    %(created_at)s
                FROM m ON CONFLICT DO NOTHING RETURNING id, user_id, company_id
            ),
            queued AS ({outbox})
            SELECT count(*) FROM m
            """,
            {**params, **outbox_params, "created_at": clock.now()},
        )
        offered = cur.fetchone()[0]
    transaction.on_commit(kick)
    return offered


def _stored(rows: list) -> list[tuple[int, int, int]]:
    """Insert; (id, user, company) of the rows the database took (a repeat is not)."""
    if connection.vendor == "postgresql" or (len(rows) <= FEW and returns_few()):
        # the database says which rows it took (a few on SQLite: one statement too)
        return insert_rows(
            Notification, rows, ignore_conflicts=True, returning=("id", "user_id", "company_id")
        )
    insert_rows(Notification, rows, ignore_conflicts=True)
    offered = {(r.user_id, r.key) for r in rows}
    keys = sorted({r.key for r in rows})
    out = []
    for start in range(0, len(keys), 500):
        out += [
            (pk, user, company)
            for pk, user, company, key in Notification.objects.filter(
                key__in=keys[start : start + 500]
            ).values_list("pk", "user_id", "company_id", "key")
            if (user, key) in offered
        ]
    return out


def kick() -> None:
    """Ask a worker to drain the outbox now. A broker that is down only delays the
    messages until the beat's next drain: the request that stored them still succeeds."""
    try:
        deliver_outbox.delay()
    except (OperationalError, OSError) as exc:
        log.warning("outbox: broker unavailable, delivery waits for the next drain: %s", exc)


def notification_mark_read(*, user, ids: list[int] | None) -> int:
    """Mark the reader's own notifications read: the ids given, or all when `ids` is None."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=clock.now())


# what tells a holder that a step is theirs to do; settled once the step is done
STEP_KINDS = ("step_open", "step_returned", "remind_before", "remind_due", "hr_reminder", "overdue")


def notifications_settle(*, appraisal_id: int, step_code: str, at) -> int:
    """A step handed on, pushed or returned is nobody's task any more: the notices that
    asked someone to do it are marked read for everyone who got them, so no list keeps
    saying "yours to do" about work that is done."""
    return Notification.objects.filter(
        appraisal_id=appraisal_id,
        kind__in=STEP_KINDS,
        params__step=step_code,
        read_at__isnull=True,
    ).update(read_at=at)


def channel_choice_set(*, actor, on: list[str]) -> list[str]:
    """The channels a person wants besides the in-app list (which always stays); the
    rest are turned off for notifications from now on. Returns the channels turned off."""
    known = personal_channels()
    unknown = sorted(set(on) - set(known))
    if unknown:
        raise InvalidInput(
            f"unknown channels {unknown}; this installation has {known}",
            field="channels",
            rule="choices",
        )
    off = [c for c in known if c not in set(on)]
    ChannelChoice.objects.update_or_create(user=actor, defaults={"off": off})
    return off


def webhook_add(*, actor, company, url: str) -> tuple[Webhook, str]:
    """A company's new webhook and its secret (returned once, to be shown once), with
    its audit record in the same transaction: either both are kept or neither. An
    address whose host is (or resolves to) an internal one is refused here, at the
    field, unless the operator allowed it (engine/notifications/destinations.py); the
    worker checks it again before every delivery."""
    require_hr(actor, company.pk)
    try:
        check_destination(url)
    except Refused as exc:
        raise InvalidInput(exc.words(), field="url", rule="address") from exc
    secret = secrets.token_urlsafe(24)
    with transaction.atomic():
        hook = Webhook.objects.create(
            company=company, url=url, secret=secret, created_at=clock.now()
        )
        record(
            company=company,
            actor=actor,
            role="hr",
            action="webhook_add",
            object_type="notifications.webhook",
            object_id=hook.pk,
            after={"url": hook.url},
        )
    return hook, secret


def webhook_switch_off(*, actor, company, webhook_id: int) -> Webhook | None:
    """Switch one of the company's webhooks off (audited); None when it has no such one."""
    require_hr(actor, company.pk)
    with transaction.atomic():
        hook = Webhook.objects.select_for_update().filter(company=company, pk=webhook_id).first()
        if hook is None:
            return None
        hook.active = False
        hook.save(update_fields=["active"])
        record(
            company=company,
            actor=actor,
            role="hr",
            action="webhook_off",
            object_type="notifications.webhook",
            object_id=hook.pk,
        )
    return hook
