"""The outbox's lease (issue 21): a batch is claimed in a short transaction, each
message is sent outside any transaction and its outcome written right after its send.
A worker dying mid-batch leaves what it sent marked sent, re-sends at most the one in
flight (after its lease runs out), and never holds back the others; two workers at
once send every message once."""

from __future__ import annotations

import datetime as dt
import json
import smtplib
import threading
import time
from collections import Counter
from io import StringIO

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.core.management import call_command
from django.db import connection, connections

from engine import clock
from engine.notifications import outbox, webhooks
from engine.notifications.models import Delivery, Notification, Webhook
from tests.month import at

pytestmark = pytest.mark.django_db(transaction=True)


class Crash(BaseException):
    """What a kill looks like from inside: nothing after it runs (not an Exception, so
    no handler of the code under test takes it for a failed send)."""


def queue(org, count: int, channel: str = "email") -> list[Delivery]:
    """`count` notifications of one person, each with a due delivery on `channel`."""
    user = org["low"].user
    user.email = "low@example.com"
    user.save()
    hook = None
    if channel == "webhook":
        hook = Webhook.objects.create(
            company=org["company"],
            url="http://127.0.0.1:9/hook",
            secret="s",
            created_at=clock.now(),
        )
    out = []
    for i in range(count):
        n = Notification.objects.create(
            user=user,
            company=org["company"],
            kind="overdue",
            message=f"m{i}",
            key=f"k:{channel}:{i}",
            created_at=clock.now(),
        )
        out.append(
            Delivery.objects.create(
                notification=n,
                channel=channel,
                webhook=hook,
                target=str(hook.pk) if hook else "",
                next_attempt_at=clock.now(),
            )
        )
    return out


def states(rows: list[Delivery]) -> list[tuple[str, int, bool]]:
    got = {d.pk: d for d in Delivery.objects.filter(pk__in=[r.pk for r in rows])}
    return [(got[r.pk].state, got[r.pk].attempts, got[r.pk].claimed_at is not None) for r in rows]


@pytest.fixture
def sends(monkeypatch):
    """Each e-mail send, by delivery id; `crash_on` makes that send's worker die right
    after the mail server took the message."""
    log: list[int] = []
    crash_on: set[int] = set()

    def send(self, d):
        log.append(d.pk)
        if d.pk in crash_on:
            crash_on.discard(d.pk)
            raise Crash
        return 250, ""

    monkeypatch.setattr(outbox._Mail, "send", send)
    return log, crash_on


def report() -> dict:
    out = StringIO()
    call_command("outbox", "--json", stdout=out)
    return json.loads(out.getvalue())


def test_a_crash_mid_batch_keeps_what_was_sent_and_resends_at_most_the_one_in_flight(
    org, set_clock, sends
):
    """Five e-mails in one batch; the worker dies in the third send (after the mail
    server took it). The first two are delivered (before: the whole batch's state was
    rolled back and all five went again); the third is tried once and leased, the last
    two untouched and free. A drain now sends those two; once the lease has run out
    (10 minutes) the third goes again: six sends for five e-mails, one duplicate."""
    set_clock(at(2026, 11, 2, 10))
    rows = queue(org, 5)
    log, crash_on = sends
    crash_on.add(rows[2].pk)
    with pytest.raises(Crash):
        outbox.drain()
    assert log == [r.pk for r in rows[:3]]
    assert states(rows) == [
        ("delivered", 1, False),
        ("delivered", 1, False),
        ("pending", 1, True),  # in flight when the worker died: its try is counted
        ("pending", 0, False),
        ("pending", 0, False),
    ]
    r = report()
    assert (r["delivered"], r["pending"], r["in_flight"]) == (2, 3, 1)
    assert outbox.drain()["delivered"] == 2
    assert log[3:] == [rows[3].pk, rows[4].pk]
    set_clock(at(2026, 11, 2, 10, 9))
    assert outbox.drain()["delivered"] == 0  # the lease still holds
    set_clock(at(2026, 11, 2, 10, 11))
    assert outbox.drain()["delivered"] == 1
    assert Counter(log) == {
        rows[0].pk: 1,
        rows[1].pk: 1,
        rows[2].pk: 2,
        rows[3].pk: 1,
        rows[4].pk: 1,
    }
    assert {s for s, _, _ in states(rows)} == {"delivered"} and report()["in_flight"] == 0


def test_a_slow_receiver_holds_nobody_else(org, set_clock, monkeypatch):
    """An e-mail, a webhook whose receiver hangs until its timeout, an e-mail. While the
    webhook is being sent no transaction is open and the first e-mail is already
    recorded delivered in the database (before: every send ran inside the claim
    transaction and all states were written at the end of the batch)."""
    set_clock(at(2026, 11, 2, 10))
    first = queue(org, 1)[0]
    hook = queue(org, 1, "webhook")[0]
    last = Notification.objects.create(
        user=org["low"].user,
        company=org["company"],
        kind="overdue",
        message="later",
        key="k:later",
        created_at=clock.now(),
    )
    last = Delivery.objects.create(notification=last, channel="email", next_attempt_at=clock.now())
    seen: dict = {}

    def slow_post(d):
        seen["in_transaction"] = connection.in_atomic_block
        seen["first"] = Delivery.objects.get(pk=first.pk).state
        seen["last"] = Delivery.objects.get(pk=last.pk).state
        return None, "timed out"

    monkeypatch.setattr(webhooks, "post", slow_post)
    mail.outbox.clear()
    outbox.drain()
    assert seen == {"in_transaction": False, "first": "delivered", "last": "pending"}
    assert states([first, hook, last]) == [
        ("delivered", 1, False),
        ("pending", 1, False),
        ("delivered", 1, False),
    ]
    assert len(mail.outbox) == 2


def test_a_send_that_raises_fails_its_own_delivery_only(org, set_clock, monkeypatch):
    """A webhook whose send raises (a bug, an address urllib cannot parse): its try is
    recorded as failed with the error and its next try in a minute; the e-mail after it
    in the batch is still sent and the drain ends normally (before: the exception rolled
    back the whole batch and stopped the drain)."""
    set_clock(at(2026, 11, 2, 10))
    hook = queue(org, 1, "webhook")[0]
    after = queue(org, 1)[0]

    def broken(d):
        raise ValueError("nonnumeric port")

    monkeypatch.setattr(webhooks, "post", broken)
    mail.outbox.clear()
    assert outbox.drain()["delivered"] == 1
    d = Delivery.objects.get(pk=hook.pk)
    assert (d.state, d.attempts, d.last_error) == ("pending", 1, "ValueError: nonnumeric port")
    assert d.next_attempt_at == clock.now() + dt.timedelta(minutes=1) and d.claimed_at is None
    assert states([after]) == [("delivered", 1, False)] and len(mail.outbox) == 1


def test_an_expired_lease_is_claimed_again_and_the_old_holder_may_not_send(org, set_clock, sends):
    """Worker A claims and stalls; before the lease runs out B finds nothing, after it
    B claims the row and sends it; A, waking, finds its lease gone and sends nothing."""
    set_clock(at(2026, 11, 2, 10))
    rows = queue(org, 2)
    log, _crash = sends
    held = outbox.claim(worker="A")
    assert [d.pk for d in held] == [r.pk for r in rows]
    assert outbox.drain(worker="B")["delivered"] == 0
    set_clock(at(2026, 11, 2, 10) + outbox.LEASE + dt.timedelta(seconds=1))
    assert outbox.drain(worker="B")["delivered"] == 2
    assert outbox._start(held[0], "A") is False  # A's turn: no longer its row
    assert log == [r.pk for r in rows]


def test_an_e_mail_keeps_its_message_id_across_retries(org, set_clock, monkeypatch):
    """The mail server drops the connection after the first try: the retry carries the
    same Message-ID, so a mail system that got the first can drop the second."""
    set_clock(at(2026, 11, 2, 10))
    d = queue(org, 1)[0]
    ids: list[str] = []
    real = EmailMessage.send

    def flaky(self, *args, **kwargs):
        ids.append(self.extra_headers["Message-ID"])
        if len(ids) == 1:
            raise smtplib.SMTPServerDisconnected("gone")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(EmailMessage, "send", flaky)
    mail.outbox.clear()
    outbox.drain()
    set_clock(at(2026, 11, 2, 10, 2))
    outbox.drain()
    assert ids == [outbox.message_id(d)] * 2
    assert ids[0].startswith(f"<jixiao.delivery.{d.pk}@")
    assert [m.extra_headers["Message-ID"] for m in mail.outbox] == ids[:1]


@pytest.mark.postgres
def test_two_workers_at_once_send_each_message_once(org, set_clock, monkeypatch):
    """150 e-mails, two workers draining at the same time on PostgreSQL, each send a
    little slow so they interleave: every message is sent exactly once, by one of them."""
    set_clock(at(2026, 11, 2, 10))
    rows = queue(org, 150)
    sent: list[tuple[int, str]] = []
    lock = threading.Lock()

    def send(self, d):
        time.sleep(0.002)
        with lock:
            sent.append((d.pk, threading.current_thread().name))
        return 250, ""

    monkeypatch.setattr(outbox._Mail, "send", send)
    errors: list[BaseException] = []

    def work():
        try:
            outbox.drain()
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, name=f"w{i}") for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert Counter(pk for pk, _ in sent) == {r.pk: 1 for r in rows}
    assert {name for _, name in sent} == {"w0", "w1"}
    assert Delivery.objects.filter(state="delivered").count() == 150


@pytest.mark.postgres
def test_kill_9_mid_batch_sends_at_most_the_one_in_flight_twice(org, tmp_path, settings):
    """A real worker process drains ten webhooks to a slow receiver and is killed with
    SIGKILL while the receiver holds its third: two are recorded delivered, the third
    is in flight. Once the dead worker's lease has run out another worker sends the
    rest: the receiver has every delivery id, and only the one in flight twice (the
    issue saw five e-mails and five webhooks again, the outbox showing them untried)."""
    import os
    import signal
    import subprocess
    import sys
    from http.server import BaseHTTPRequestHandler, HTTPServer
    from pathlib import Path
    from urllib.parse import quote

    got: list[str] = []
    slow = threading.Event()
    slow.set()

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            got.append(self.headers["X-Jixiao-Delivery"])
            if slow.is_set():
                time.sleep(0.5)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    rows = queue(org, 10, "webhook")
    Webhook.objects.update(url=f"http://127.0.0.1:{server.server_port}/hook")
    settings.JIXIAO_WEBHOOK_ALLOW = ["127.0.0.1"]  # the receiver is on loopback
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{quote(db['USER'] or '')}:{quote(db['PASSWORD'] or '')}"
            f"@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "DJANGO_SETTINGS_MODULE": "engine.test_settings",
        "JIXIAO_WEBHOOK_ALLOW": "127.0.0.1",  # the receiver is on loopback
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from engine.notifications.outbox import drain; drain()",
        ],
        env=env,
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        deadline = time.monotonic() + 60
        while len(got) < 3 and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.02)
        assert len(got) == 3, got
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(10)
    finally:
        if worker.poll() is None:
            worker.kill()
    sent = states(rows)
    assert sent[:2] == [("delivered", 1, False)] * 2
    assert sent[2] == ("pending", 1, True)  # in flight: tried once, still leased
    assert sent[3:] == [("pending", 0, True)] * 7  # claimed, never tried
    assert report()["in_flight"] == 8
    slow.clear()
    with clock.frozen(clock.now() + outbox.LEASE + dt.timedelta(seconds=1)):
        assert outbox.drain()["delivered"] == 8
    server.shutdown()
    counts = Counter(got)
    assert set(counts) == {str(r.pk) for r in rows}
    assert sorted(counts.values()) == [1] * 9 + [2] and counts[str(rows[2].pk)] == 2
