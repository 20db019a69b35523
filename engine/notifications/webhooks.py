"""Signed webhooks: each notification of a company goes to its webhooks as a JSON POST
signed twice over, so that any receiver can check it:

- the Standard Webhooks headers (https://www.standardwebhooks.com/), which its libraries
  verify as they are: `webhook-id` (the delivery, the same on every retry, so a receiver
  can drop a repeat), `webhook-timestamp` (Unix seconds) and `webhook-signature:
  v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`, keyed with the secret's bytes
  (a `whsec_<base64>` secret: its decoded bytes; an older secret: its own bytes, i.e.
  `whsec_` + base64 of it for those libraries);
- the project's own, for receivers written before: `X-Jixiao-Timestamp`,
  `X-Jixiao-Signature: sha256=<hex>` (HMAC-SHA256 of "<timestamp>.<body>" with the whole
  secret as text) and `X-Jixiao-Delivery`. A receiver that is down is tried again
later — after 1, 2, 4 … minutes, at most a day apart, 10 tries — from the outbox
(engine/notifications/outbox.py).

Before each POST the address is checked again (engine/notifications/destinations.py:
its host may resolve elsewhere since it was saved); a refused one is not sent and its
delivery is given up at once, with the reason. The connection goes to an address that
check passed, not to a second lookup's answer, and a redirect is never followed: a 3xx
is a failed try like any other answer outside 2xx."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import http.client
import json
import socket
import ssl

from engine import clock

from . import destinations
from .models import Delivery, Notification
from .wording import sentence

TIMEOUT = 5


STANDARD_PREFIX = "whsec_"  # the Standard Webhooks spelling of a secret: whsec_<base64>


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """The project's own signature (`X-Jixiao-Signature`), as receivers check it today."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


def standard_key(secret: str) -> bytes:
    """The HMAC key of the Standard Webhooks signature: a `whsec_` secret's decoded
    bytes; an older secret (made before; no prefix) keyed with its own bytes."""
    if secret.startswith(STANDARD_PREFIX):
        try:
            return base64.b64decode(secret[len(STANDARD_PREFIX) :], validate=True)
        except (binascii.Error, ValueError):
            pass  # not base64 after all: its bytes, as an older secret
    return secret.encode()


def standard_secret(secret: str) -> str:
    """The secret as a Standard Webhooks library takes it (`whsec_<base64>`)."""
    if secret.startswith(STANDARD_PREFIX) and standard_key(secret) != secret.encode():
        return secret
    return STANDARD_PREFIX + base64.b64encode(secret.encode()).decode()


def standard_signature(secret: str, msg_id: str, timestamp: str, body: bytes) -> str:
    """`webhook-signature`: v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">."""
    signed = f"{msg_id}.{timestamp}.".encode() + body
    mac = hmac.new(standard_key(secret), signed, hashlib.sha256).digest()
    return f"v1,{base64.b64encode(mac).decode()}"


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
    could not be reached) and what went wrong, if anything. Raises
    `destinations.Refused` when the address may not be sent to (nothing is sent)."""
    target = destinations.check(d.webhook.url)
    body = _body(d.notification, d.pk)
    stamp = str(int(clock.now().timestamp()))
    msg_id = f"msg_jixiao_{d.pk}"  # one per delivery: the same on every retry
    conn = _connection(target)
    try:
        conn.request(
            "POST",
            target.path,
            body=body,
            headers={
                "Content-Type": "application/json",
                "X-Jixiao-Timestamp": stamp,
                "X-Jixiao-Signature": signature(d.webhook.secret, stamp, body),
                "X-Jixiao-Delivery": str(d.pk),
                "webhook-id": msg_id,
                "webhook-timestamp": stamp,
                "webhook-signature": standard_signature(d.webhook.secret, msg_id, stamp, body),
            },
        )
        answer = conn.getresponse()
        answer.read(64 * 1024)  # what a receiver says is not kept; bounded all the same
    except (OSError, http.client.HTTPException) as exc:
        return None, f"{type(exc).__name__}: {exc}"[:300]
    finally:
        conn.close()
    if 300 <= answer.status < 400:
        where = answer.getheader("Location", "")
        return answer.status, f"redirect to {where!r} not followed"[:300]
    if answer.status >= 400:
        return answer.status, str(answer.reason)[:300]
    return answer.status, ""


def _connection(target: destinations.Destination) -> http.client.HTTPConnection:
    """A connection that speaks to `target.host` (Host header, TLS name and certificate)
    but connects only to the addresses the check passed, in order."""

    def connect(_address, timeout, source_address=None):
        last: OSError | None = None
        for address in target.addresses:
            try:
                return socket.create_connection((address, target.port), timeout, source_address)
            except OSError as exc:
                last = exc
        raise last or OSError("no address to connect to")

    if target.scheme == "https":
        conn = http.client.HTTPSConnection(
            target.host, target.port, timeout=TIMEOUT, context=ssl.create_default_context()
        )
    else:
        conn = http.client.HTTPConnection(target.host, target.port, timeout=TIMEOUT)
    conn._create_connection = connect  # the one seam http.client offers for where to connect
    return conn
