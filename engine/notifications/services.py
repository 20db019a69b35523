"""Telling people: an in-app notification plus its deliveries in the outbox (e-mail,
plugin channels, company webhooks), written in the caller's transaction and delivered
by a worker after the commit (engine/notifications/outbox.py)."""

from __future__ import annotations

import base64
import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection, transaction
from kombu.exceptions import OperationalError

from engine import clock, dialect
from engine.audit.services import record
from engine.errors import InvalidInput
from engine.org.selectors import require_hr

from .channels import personal_channels
from .destinations import Refused
from .destinations import check as check_destination
from .models import ChannelChoice, Notification, Webhook
from .outbox import enqueue
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
    """Store the notifications with their outbox rows (see `notify_select`)."""
    messages = list(messages)
    if not messages:
        return 0
    prep = {f.attname: f for f in Notification._meta.concrete_fields}
    rows, params = [], {}
    for i, m in enumerate(messages):
        values = {
            "user_id": m.user_id,
            "company_id": m.company_id,
            "kind": m.kind,
            "message": m.text,
            "key": m.key,
            "appraisal_id": m.appraisal_id,
            "params": m.params,
        }
        for column, value in values.items():
            params[f"{column}{i}"] = prep[column].get_db_prep_save(value, connection)
        rows.append("(" + ", ".join(f"%({c}{i})s" for c in values) + ")")
    names = ", ".join(f"column{n + 1} AS {c}" for n, c in enumerate(values))
    return notify_select(select=f"SELECT {names} FROM (VALUES {', '.join(rows)}) v", params=params)


def notify_select(*, select: str, params: dict) -> int:
    """Store the notifications a query gives (a repeated key is ignored by the
    database) with their outbox rows, and ask a worker to deliver them after the
    commit: two statements for any number, on either database (the month-end sweep
    tells 100,000 holders at once; a request, a few). `select` yields user_id,
    company_id, kind, message, key, appraisal_id and params (JSON). Returns how many
    were stored."""
    q = connection.ops.quote_name
    created_at = Notification._meta.get_field("created_at").get_db_prep_save(
        clock.now(), connection
    )
    with connection.cursor() as cur:
        cur.execute(
            f"""
            INSERT INTO {q(Notification._meta.db_table)}
                (user_id, company_id, kind, message, key, appraisal_id, params, created_at)
            SELECT CAST(user_id AS bigint), CAST(company_id AS bigint), kind, message,
                substr(key, 1, 200), CAST(appraisal_id AS bigint),
                {dialect.json_in("params")}, %(created_at)s
            FROM ({select}) m
            WHERE true
            ON CONFLICT DO NOTHING RETURNING id
            """,
            {**params, "created_at": created_at},
        )
        stored = [r[0] for r in cur.fetchall()]
    enqueue(stored)
    transaction.on_commit(kick)
    return len(stored)


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
    # The Standard Webhooks spelling (whsec_ + base64 of 32 random bytes): its libraries
    # take it as it is; the project's own signature is keyed with the whole text.
    secret = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
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
