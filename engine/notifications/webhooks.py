"""Signed webhooks: each notification of a company goes to its webhooks as a JSON POST
with `X-Jixiao-Timestamp`, `X-Jixiao-Signature: sha256=<hex>` (HMAC-SHA256 of
"<timestamp>.<body>" with the webhook's secret) and `X-Jixiao-Delivery` (the same id on
every retry, so a receiver can drop a repeat). A receiver that is down is tried again
later — after 1, 2, 4 … minutes, at most a day apart, 10 tries — from the outbox
(engine/notifications/outbox.py)."""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.error
import urllib.request

from engine import clock

from .models import Delivery, Notification
from .wording import sentence

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


def post(d: Delivery) -> tuple[int | None, str]:
    """One signed POST of a delivery to its webhook: the receiver's status (None when it
    could not be reached) and what went wrong, if anything."""
    if not d.webhook.url.startswith(("https://", "http://")):
        return None, "only http(s) addresses"
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
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:  # noqa: S310
            return answer.status, ""
    except urllib.error.HTTPError as exc:
        return exc.code, str(exc.reason)[:300]
    except (urllib.error.URLError, OSError) as exc:
        return None, str(exc)[:300]
