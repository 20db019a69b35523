"""Issue 24: a webhook delivery that the Standard Webhooks reference library (PyPI
`standardwebhooks`) verifies as it comes — `webhook-id`, `webhook-timestamp`,
`webhook-signature: v1,<base64>` with the `whsec_` secret HR was shown — while the
documented `X-Jixiao-Signature` still checks for receivers written before; a webhook
made before (a secret without `whsec_`) verifies with `whsec_` + base64 of its secret."""

import hashlib
import hmac
import threading
from http.server import HTTPServer

import pytest
from django.test import override_settings
from django.utils import timezone
from standardwebhooks.webhooks import Webhook as StandardWebhook
from standardwebhooks.webhooks import WebhookVerificationError

from engine import clock
from engine.notifications.models import Delivery, Webhook
from engine.notifications.services import Message, notify_many, webhook_add
from engine.notifications.webhooks import standard_secret
from tests.notifications.test_webhooks import Receiver, free_port

pytestmark = pytest.mark.django_db


def _deliver(litong, django_capture_on_commit_callbacks) -> tuple[dict, bytes, Delivery]:
    """One notification to the company's webhooks, received on loopback: its headers
    (lower-cased names) and body as the receiver got them."""
    Receiver.got = []
    message = Message(litong.u["staff02"].pk, litong.company.pk, "overdue", "x", "k:std", None, {})
    with django_capture_on_commit_callbacks(execute=True):
        notify_many([message])
    assert len(Receiver.got) == 1, Delivery.objects.values_list("state", "last_error")
    headers, body = Receiver.got[0]
    return {k.lower(): v for k, v in headers.items()}, body, Delivery.objects.get(channel="webhook")


@pytest.fixture
def receiver():
    port = free_port()
    server = HTTPServer(("127.0.0.1", port), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{port}/hook"
    server.shutdown()


@override_settings(JIXIAO_WEBHOOK_ALLOW=["127.0.0.1"])
def test_the_standard_library_verifies_a_real_delivery_and_the_old_header_still_checks(
    litong, set_clock, receiver, django_capture_on_commit_callbacks
):
    """HR adds the webhook (the secret shown is whsec_…); the library's verify() takes
    the body and headers as received and returns the JSON; a changed body fails it; the
    X-Jixiao-Signature is HMAC-SHA256 of "<timestamp>.<body>" with the same secret text."""
    set_clock(timezone.now())  # the library checks the timestamp against the real time
    _hook, secret = webhook_add(actor=litong.u["hr"], company=litong.company, url=receiver)
    assert secret.startswith("whsec_")
    headers, body, d = _deliver(litong, django_capture_on_commit_callbacks)
    assert headers["webhook-id"] == f"msg_jixiao_{d.pk}"
    assert headers["webhook-timestamp"] == headers["x-jixiao-timestamp"]
    assert headers["webhook-signature"].startswith("v1,")

    payload = StandardWebhook(secret).verify(body, headers)
    assert payload["kind"] == "overdue" and payload["delivery"] == d.pk
    with pytest.raises(WebhookVerificationError):
        StandardWebhook(secret).verify(body.replace(b"overdue", b"0verdue"), headers)

    stamp = headers["x-jixiao-timestamp"]
    expected = hmac.new(secret.encode(), stamp.encode() + b"." + body, hashlib.sha256)
    assert headers["x-jixiao-signature"] == f"sha256={expected.hexdigest()}"


@override_settings(JIXIAO_WEBHOOK_ALLOW=["127.0.0.1"])
def test_a_webhook_made_before_verifies_with_its_secret_in_whsec_form(
    litong, set_clock, receiver, django_capture_on_commit_callbacks
):
    """A secret from before (no whsec_ prefix) keys the standard signature with its own
    bytes: the library verifies it given whsec_ + base64 of the secret."""
    set_clock(timezone.now())
    old = "s3cret-from-before_x-y"
    Webhook.objects.create(company=litong.company, url=receiver, secret=old, created_at=clock.now())
    headers, body, _d = _deliver(litong, django_capture_on_commit_callbacks)
    assert standard_secret(old).startswith("whsec_")
    assert StandardWebhook(standard_secret(old)).verify(body, headers)["kind"] == "overdue"


def test_our_signature_is_the_librarys_for_the_same_id_time_and_body():
    """For a whsec_ secret and an older one alike, the header we send equals what the
    library's own sign() makes of the same id, timestamp and body."""
    import datetime as dt

    from engine.notifications.webhooks import standard_signature

    at = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    stamp = str(int(at.timestamp()))
    for secret in ("whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "plain-old_secret"):
        ours = standard_signature(secret, "msg_jixiao_7", stamp, '{"a": "é"}'.encode())
        theirs = StandardWebhook(standard_secret(secret)).sign("msg_jixiao_7", at, '{"a": "é"}')
        assert ours == theirs
