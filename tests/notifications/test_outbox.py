"""The outbox: a notification's e-mail is a row written with it, so a broker that is
down or a mail server that refuses never fails the request and never loses the
message; it is delivered once when the service returns, and `manage.py outbox` shows
and retries what is stuck."""

import json
import socket
import time
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client

from engine.celery import app as celery_app
from engine.notifications.models import Delivery
from engine.notifications.tasks import deliver_outbox
from tests.month import at, step

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def broker_down():
    """Celery's own settings: not eager, a broker on a port nobody listens on; put back
    after the test."""
    old = {k: celery_app.conf[k] for k in ("task_always_eager", "broker_url")}
    celery_app.conf.update(
        task_always_eager=False, broker_url=f"redis://127.0.0.1:{closed_port()}/0"
    )
    yield
    celery_app.conf.update(**old)


def test_a_submission_succeeds_with_the_broker_down_and_its_mail_goes_once_later(
    workshop, set_clock, broker_down, django_capture_on_commit_callbacks
):
    """Redis does not answer: the self-review is saved and the page answers 302 at once;
    the supervisor's e-mail waits in the outbox; when the worker drains (the broker is
    back) it is sent once, and a second drain sends nothing."""
    head = workshop.u["workshop_head"]
    head.email = "head@example.com"
    head.save()
    a = workshop.a["staff02"]
    set_clock(at(2026, 11, 1))
    c = Client()
    c.force_login(workshop.u["staff02"])
    mail.outbox.clear()
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post(
            f"/appraisals/{a.pk}/steps/{step(a, 'self').pk}/submit/",
            {"comment": "做完了", "confirmed": "1"},
        )
    waited = time.monotonic() - started
    assert r.status_code == 302 and step(a, "self").state == "done"
    assert waited < 10, waited  # one quick try of the broker, not a hang
    assert mail.outbox == []
    waiting = Delivery.objects.get(
        channel="email", notification__user=head, notification__appraisal=a
    )
    assert waiting.state == "pending"
    celery_app.conf.task_always_eager = True  # the broker is back
    deliver_outbox.delay()
    deliver_outbox.delay()
    sent = [m for m in mail.outbox if m.to == ["head@example.com"] and "杜芳" in m.subject]
    assert len(sent) == 1
    waiting.refresh_from_db()
    assert waiting.state == "delivered"


def test_a_refusing_mail_server_is_recorded_and_tried_again(
    workshop, set_clock, settings, django_capture_on_commit_callbacks
):
    """SMTP refuses: the delivery stays pending with the error and its next try in a
    minute (not stamped sent); `outbox --json` lists it; once the server takes mail,
    `outbox --retry` sends it once."""
    head = workshop.u["workshop_head"]
    head.email = "head@example.com"
    head.save()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port()
    settings.EMAIL_TIMEOUT = 2
    a = workshop.a["staff02"]
    set_clock(at(2026, 11, 1))
    with django_capture_on_commit_callbacks(execute=True):
        from tests.month import submit

        submit(a, "self", workshop.u["staff02"])
    d = Delivery.objects.get(channel="email", notification__user=head, notification__appraisal=a)
    assert (d.state, d.attempts) == ("pending", 1)
    assert "Refused" in d.last_error or "refused" in d.last_error
    out = StringIO()
    call_command("outbox", "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["pending"] >= 1 and any(s["id"] == d.pk for s in report["stuck"])
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox.clear()
    call_command("outbox", "--retry", "--json", stdout=StringIO())
    call_command("outbox", "--retry", "--json", stdout=StringIO())
    assert (
        len([m for m in mail.outbox if "杜芳" in m.subject and m.to == ["head@example.com"]]) == 1
    )
    d.refresh_from_db()
    assert (d.state, d.attempts) == ("delivered", 2)


def test_each_person_chooses_their_channels(litong):
    """The head turns e-mail off on the notifications page: a new notification stays in
    the list but no e-mail is queued; the API reads the same choice, turns it back on
    and refuses an unknown channel naming the field."""
    from engine.notifications.services import Message, notify_many

    head = litong.u["workshop_head"]
    head.email = "head@example.com"
    head.save()
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(head)
    page = c.get("/notifications/").content.decode()
    assert "我的通知方式" in page and "电子邮件" in page and "head@example.com" in page
    r = c.post("/notifications/channels/", {})  # nothing ticked: e-mail off
    assert r.status_code == 302
    notify_many([Message(head.pk, litong.company.pk, "overdue", "x", "k:off", None, {})])
    assert not Delivery.objects.filter(notification__key="k:off", channel="email").exists()
    got = c.get("/api/v1/me/channels/").json()
    assert {x["channel"]: x["on"] for x in got}["email"] is False
    put = c.put("/api/v1/me/channels/", json.dumps({"on": ["email"]}), "application/json")
    assert put.status_code == 200 and put.json()[0]["on"] is True
    bad = c.put("/api/v1/me/channels/", json.dumps({"on": ["sms"]}), "application/json")
    assert bad.status_code == 400 and bad.json()["field"] == "channels"
    notify_many([Message(head.pk, litong.company.pk, "overdue", "x", "k:on", None, {})])
    assert Delivery.objects.filter(notification__key="k:on", channel="email").exists()
