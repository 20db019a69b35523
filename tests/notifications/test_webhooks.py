"""Signed webhooks against a local receiver: while it is down the delivery waits and
is tried again after its pause; once it is up it gets the notification exactly once,
with a signature it can check; the delivery log says so."""

import datetime as dt
import hashlib
import hmac
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.test import override_settings

from engine import clock
from engine.notifications.models import ChannelChoice, Delivery, Webhook
from engine.notifications.outbox import drain
from engine.notifications.services import Message, notify_many
from engine.notifications.tasks import deliver_outbox as retry_webhooks
from engine.plugins.hookspecs import hookimpl
from tests.month import at

pytestmark = pytest.mark.django_db
SECRET = "s3cret-shared-with-the-receiver"


class Receiver(BaseHTTPRequestHandler):
    got: list = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Receiver.got.append((dict(self.headers), body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@override_settings(JIXIAO_WEBHOOK_ALLOW=["127.0.0.1"])  # the receiver is on loopback
def test_a_receiver_that_was_down_gets_it_once_and_signed(
    litong, set_clock, django_capture_on_commit_callbacks
):
    """Down at 10:00 (refused): waiting, next try at 10:01. Up at 10:05: the retry
    delivers it; its signature is HMAC-SHA256 of "<timestamp>.<body>"; a second retry
    sends nothing more."""
    set_clock(at(2026, 11, 2, 10))
    port = free_port()
    Webhook.objects.create(
        company=litong.company,
        url=f"http://127.0.0.1:{port}/hook",
        secret=SECRET,
        created_at=clock.now(),
    )
    user = litong.u["staff02"]
    message = Message(
        user.pk,
        litong.company.pk,
        "step_open",
        "请填写",
        "k:1",
        None,
        {"employee": "杜芳", "period": "2026-10", "step": "self", "due": "2026-11-02"},
    )
    with django_capture_on_commit_callbacks(execute=True):
        notify_many([message])
    d = Delivery.objects.get(channel="webhook")
    assert (d.state, d.attempts) == ("pending", 1) and d.last_status is None
    assert d.next_attempt_at == clock.now() + dt.timedelta(minutes=1)

    Receiver.got = []
    server = HTTPServer(("127.0.0.1", port), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        set_clock(at(2026, 11, 2, 10, 5))
        assert retry_webhooks() == 1
        assert retry_webhooks() == 0
    finally:
        server.shutdown()
    assert len(Receiver.got) == 1
    headers, body = Receiver.got[0]
    stamp = headers["X-Jixiao-Timestamp"]
    expected = hmac.new(SECRET.encode(), stamp.encode() + b"." + body, hashlib.sha256)
    assert headers["X-Jixiao-Signature"] == f"sha256={expected.hexdigest()}"
    payload = json.loads(body)
    assert payload["kind"] == "step_open" and payload["delivery"] == d.pk
    d.refresh_from_db()
    assert (d.state, d.attempts, d.last_status) == ("delivered", 2, 200)


class Robot:
    """A plugin channel, as the example in examples/jixiao-robot-channel."""

    seen: list = []

    @staticmethod
    def jixiao_notification_channel(notification):
        Robot.seen.append(notification.kind)
        return True


Robot.jixiao_notification_channel = hookimpl(Robot.jixiao_notification_channel)


def test_a_plugin_channel_gets_each_notification(litong, monkeypatch):
    """A channel registered under `jixiao.channels` is handed each notification once;
    a channel that raises does not stop it: its failure is kept on its outbox row and
    tried again later; a person who turned the robot off is not sent to it."""
    from engine.notifications import channels

    class Broken:
        @hookimpl
        def jixiao_notification_channel(self, notification):
            raise RuntimeError("robot offline")

    class EP:
        def __init__(self, name, obj):
            self.name, self.obj = name, obj

        def load(self):
            return self.obj

    monkeypatch.setattr(
        channels.metadata,
        "entry_points",
        lambda group: (
            [EP("broken", Broken()), EP("robot", Robot)] if group == channels.GROUP else []
        ),
    )
    Robot.seen = []
    message = Message(litong.u["hr"].pk, litong.company.pk, "overdue", "x", "k:2", None, {})
    ChannelChoice.objects.create(user=litong.u["gm"], off=["robot"])
    muted = Message(litong.u["gm"].pk, litong.company.pk, "overdue", "x", "k:3", None, {})
    notify_many([message, muted])
    drain()
    assert Robot.seen == ["overdue"]
    broken = Delivery.objects.get(channel="broken", notification__user=litong.u["hr"])
    assert (broken.state, broken.attempts) == ("pending", 1)
    assert broken.last_error == "RuntimeError: robot offline"
    assert not Delivery.objects.filter(channel="robot", notification__user=litong.u["gm"])


def test_hr_adds_and_switches_off_a_webhook(litong, dns):
    """The secret is shown once on adding; switched off, it gets nothing more; others
    are turned away."""
    from django.test import Client

    dns["hooks.example.com"] = ["93.184.215.14"]  # a public address: no allow-list needed
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(litong.u["hr"])
    r = c.post("/hr/webhooks/?company=litong", {"url": "https://hooks.example.com/jx"}, follow=True)
    hook = Webhook.objects.get(company=litong.company)
    assert hook.secret in r.content.decode()
    assert hook.secret not in c.get("/hr/webhooks/?company=litong").content.decode()
    c.post("/hr/webhooks/?company=litong", {"off": hook.pk})
    assert not Webhook.objects.get(pk=hook.pk).active
    other = Client()
    other.force_login(litong.u["staff02"])
    assert other.get("/hr/webhooks/").status_code == 403
