"""Signed webhooks: each notification of a company goes to its webhooks as a JSON POST
with `X-Jixiao-Timestamp`, `X-Jixiao-Signature: sha256=<hex>` (HMAC-SHA256 of
"<timestamp>.<body>" with the webhook's secret) and `X-Jixiao-Delivery` (the same id on
every retry, so a receiver can drop a repeat). A receiver that is down is tried again
later — after 1, 2, 4 … minutes, at most a day apart, 10 tries — by the retry task."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import urllib.error
import urllib.request

from django.db import transaction

from engine import clock

from .models import Notification, Webhook, WebhookDelivery
from .wording import sentence

MAX_ATTEMPTS = 10
TIMEOUT = 5


def signature(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


def _body(n: Notification, delivery_id: int) -> bytes:
    return json.dumps(
        {
            "delivery": delivery_id,
            "notification": n.pk,
            "kind": n.kind,
            "company": n.company_id,
            "user": n.user.get_username(),
            "appraisal": n.appraisal_id,
            "text": sentence(n.kind, n.params or {}, n.message),
            "params": n.params,
            "created_at": n.created_at.isoformat(),
        },
        ensure_ascii=False,
        sort_keys=True,
    ).encode()


def queue_for(keys: list[str]) -> list[int]:
    """Deliveries for the notifications with these keys, one per active webhook of their
    company (created once: a repeated call adds nothing)."""
    notes = list(Notification.objects.filter(key__in=keys).only("pk", "company_id"))
    hooks: dict[int, list[int]] = {}
    for company_id, pk in Webhook.objects.filter(
        active=True, company_id__in={n.company_id for n in notes}
    ).values_list("company_id", "pk"):
        hooks.setdefault(company_id, []).append(pk)
    now = clock.now()
    rows = [
        WebhookDelivery(webhook_id=h, notification_id=n.pk, next_attempt_at=now)
        for n in notes
        for h in hooks.get(n.company_id, [])
    ]
    WebhookDelivery.objects.bulk_create(rows, ignore_conflicts=True)
    return list(
        WebhookDelivery.objects.filter(
            notification__in=notes, state=WebhookDelivery.State.PENDING
        ).values_list("pk", flat=True)
    )


def attempt(delivery_id: int) -> str:
    """One try of one delivery, if it is due; returns its state afterwards."""
    with transaction.atomic():
        d = (
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .select_related("webhook", "notification__user")
            .filter(pk=delivery_id, state=WebhookDelivery.State.PENDING)
            .first()
        )
        if d is None or d.next_attempt_at > clock.now():
            return d.state if d else "skipped"
        if not d.webhook.url.startswith(("https://", "http://")):
            d.state, d.last_error = WebhookDelivery.State.FAILED, "only http(s) addresses"
            d.save()
            return d.state
        body = _body(d.notification, d.pk)
        stamp = str(int(clock.now().timestamp()))
        request = urllib.request.Request(  # noqa: S310 — http(s) only, checked above
            d.webhook.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "X-Jixiao-Timestamp": stamp,
                "X-Jixiao-Signature": signature(d.webhook.secret, stamp, body),
                "X-Jixiao-Delivery": str(d.pk),
            },
        )
        d.attempts += 1
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:  # noqa: S310
                d.last_status, d.last_error = answer.status, ""
        except urllib.error.HTTPError as exc:
            d.last_status, d.last_error = exc.code, str(exc.reason)[:300]
        except (urllib.error.URLError, OSError) as exc:
            d.last_status, d.last_error = None, str(exc)[:300]
        if d.last_status is not None and 200 <= d.last_status < 300:
            d.state, d.delivered_at = WebhookDelivery.State.DELIVERED, clock.now()
        elif d.attempts >= MAX_ATTEMPTS:
            d.state = WebhookDelivery.State.FAILED
        else:
            pause = min(dt.timedelta(minutes=2 ** (d.attempts - 1)), dt.timedelta(days=1))
            d.next_attempt_at = clock.now() + pause
        d.save()
    return d.state


def due_deliveries() -> list[int]:
    return list(
        WebhookDelivery.objects.filter(
            state=WebhookDelivery.State.PENDING, next_attempt_at__lte=clock.now()
        ).values_list("pk", flat=True)[:1000]
    )
