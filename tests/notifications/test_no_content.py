"""A webhook receiver's 204 No Content is a delivery like any other 2xx; only e-mail and
plugin channels use 204 to say "not for me" (found by the two-node run, where every
webhook call arrived and each was recorded as skipped)."""

from engine.notifications.models import Delivery
from engine.notifications.outbox import _outcome


def test_a_webhook_answering_204_is_delivered():
    """A receiver's 204 No Content marks the webhook delivery delivered, not skipped."""
    d = Delivery(channel="webhook", attempts=1)
    _outcome(d, 204, "")
    assert d.state == Delivery.State.DELIVERED and d.delivered_at is not None


def test_a_channel_answering_204_skips():
    """E-mail and plugin channels still say "not for me" with 204: skipped."""
    for channel in ("email", "wecom"):
        d = Delivery(channel=channel, attempts=1)
        _outcome(d, 204, "")
        assert d.state == Delivery.State.SKIPPED
