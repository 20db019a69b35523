"""The outbox's must-show with a real Redis: a Redis server of the test's own (the
machine's shared one stays up) is stopped, a self-review is handed in through the
page, the server is started again and a real Celery worker delivers the supervisor's
e-mail — once."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from types import SimpleNamespace

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.test import Client

from engine.celery import app as celery_app
from engine.notifications.models import Delivery
from engine.notifications.services import kick
from tests.month import at, step

pytestmark = pytest.mark.django_db(transaction=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _forget_connections() -> None:
    """Celery keeps its broker connections; a new broker address needs new ones."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def own_redis():
    exe = shutil.which("redis-server")
    if exe is None:
        pytest.skip("needs redis-server (Debian's package redis-server)")
    port = free_port()
    running: list[subprocess.Popen] = []

    def start() -> None:
        running.append(
            subprocess.Popen(
                [
                    exe,
                    "--port",
                    str(port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                ],
                stdout=subprocess.DEVNULL,
            )
        )
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), 0.1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop() -> None:
        server = running.pop()
        server.terminate()
        server.wait(10)

    old = {k: celery_app.conf[k] for k in ("task_always_eager", "broker_url")}
    start()
    celery_app.conf.update(task_always_eager=False, broker_url=f"redis://127.0.0.1:{port}/0")
    _forget_connections()
    yield SimpleNamespace(start=start, stop=stop)
    celery_app.conf.update(**old)
    _forget_connections()
    for server in running:
        server.terminate()
        server.wait(10)


def emails_to(address: str) -> list:
    return [m for m in mail.outbox if m.to == [address]]


def test_redis_stopped_then_back_the_mail_goes_once(workshop, set_clock, own_redis):
    """Redis stopped: the page answers 302 at once and the supervisor's e-mail waits in
    the outbox. Redis started again: the worker's drain sends it; a second drain sends
    nothing."""
    head = workshop.u["workshop_head"]
    head.email = "head@example.com"
    head.save()
    a = workshop.a["staff02"]
    set_clock(at(2026, 11, 1))
    mail.outbox.clear()
    own_redis.stop()

    c = Client()
    c.force_login(workshop.u["staff02"])
    started = time.monotonic()
    r = c.post(
        f"/appraisals/{a.pk}/steps/{step(a, 'self').pk}/submit/",
        {"comment": "做完了", "confirmed": "1"},
    )
    waited = time.monotonic() - started
    assert r.status_code == 302 and step(a, "self").state == "done"
    assert waited < 10, waited  # one quick try of the broker, not a hang
    waiting = Delivery.objects.get(
        channel="email", notification__user=head, notification__appraisal=a
    )
    assert waiting.state == "pending" and emails_to("head@example.com") == []

    own_redis.start()
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        kick()  # what beat does every minute
        for _ in range(200):
            waiting.refresh_from_db()
            if waiting.state == "delivered":
                break
            time.sleep(0.05)
        assert waiting.state == "delivered"
        kick()  # a second drain finds nothing to send
        time.sleep(1)
    sent = emails_to("head@example.com")
    assert len(sent) == 1 and "杜芳" in sent[0].subject
